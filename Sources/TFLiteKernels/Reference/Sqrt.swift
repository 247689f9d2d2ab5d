import Foundation

extension Reference {
  /// SQRT: input (D...) → output (D...), `√x`; FLOAT32.
  public static let sqrt = UnaryFloatKernel { $0.squareRoot() }
}
