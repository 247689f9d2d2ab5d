import Foundation

extension Reference {
  /// SQUARE: input (D...) → output (D...), `x²`; FLOAT32.
  public static let square = UnaryFloatKernel { $0 * $0 }
}
