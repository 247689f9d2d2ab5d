import Foundation

extension Reference {
  /// FLOOR_DIV: left (A...), right (B...) → output (broadcast of A and B), `floor(a / b)`; FLOAT32 or INT32.
  public static let floorDiv = BinaryElementwiseKernel(
    float: { Foundation.floor($0 / $1) },
    int32: { a, b in
      guard b != 0 else { return 0 }
      let q = a / b
      return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
    })
}
