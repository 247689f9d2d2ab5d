import Foundation

extension Reference {
  /// NEG: input (D...) → output (D...), `−x`; FLOAT32.
  public static let neg = UnaryFloatKernel { -$0 }
}
