import Foundation

extension Reference {
  /// DIV: left (A...) ÷ right (B...) → output (broadcast of A and B); FLOAT32 or INT32
  /// (integer division truncates toward zero). Integer cases that would trap are given defined
  /// values instead: dividing by zero gives 0, and `Int32.min ÷ -1` wraps to `Int32.min`.
  public static let div = BinaryElementwiseKernel(
    float: { $0 / $1 },
    int32: { $1 == 0 ? 0 : $0.dividedReportingOverflow(by: $1).partialValue })
}
