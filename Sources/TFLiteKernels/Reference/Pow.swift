import Foundation

extension Reference {
  /// POW: base (A...), exponent (B...) → output (broadcast of A and B), `aᵇ`; FLOAT32 or INT32.
  public static let pow = BinaryElementwiseKernel(
    float: { Foundation.pow($0, $1) },
    int32: { base, exponent in
      guard exponent >= 0 else { return 0 }
      var result: Int32 = 1
      for _ in 0..<exponent { result = result &* base }
      return result
    })
}
