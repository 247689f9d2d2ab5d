import Foundation

extension Reference {
  /// FLOOR_DIV: left (A...), right (B...) → output (broadcast of A and B), `floor(a / b)`; FLOAT32 or INT32.
  /// Integer cases that would trap are given defined values instead: dividing by zero gives 0
  /// (LiteRT refuses it at run time), and `Int32.min ÷ -1` wraps to `Int32.min`.
  public static let floorDiv = BinaryElementwiseKernel(
    float: { Foundation.floor($0 / $1) },
    int32: { a, b in
      guard b != 0 else { return 0 }
      let q = a.dividedReportingOverflow(by: b).partialValue
      let r = a.remainderReportingOverflow(dividingBy: b).partialValue
      return (r != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
    })
}
