import Foundation

extension Reference {
  /// RSQRT: input (D...) → output (D...), `1 / √x`; FLOAT32.
  public static let rsqrt = UnaryFloatKernel { 1 / $0.squareRoot() }
}
