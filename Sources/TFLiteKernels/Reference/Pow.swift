import Foundation

extension Reference {
  /// POW: base (A...), exponent (B...) → output (broadcast of A and B), `aᵇ`; FLOAT32 or INT32.
  /// INT32 wraps on overflow and gives 0 for a negative exponent (LiteRT refuses those at run time);
  /// it squares and multiplies, so an exponent of 2^31 - 1 takes 31 steps, not 2^31.
  public static let pow = BinaryElementwiseKernel(
    float: { Foundation.pow($0, $1) },
    int32: { base, exponent in
      guard exponent >= 0 else { return 0 }
      var result: Int32 = 1, square = base, rest = exponent
      while rest > 0 {
        if rest & 1 == 1 { result = result &* square }
        square = square &* square
        rest >>= 1
      }
      return result
    })
}
