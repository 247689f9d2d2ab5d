import Foundation

extension Reference {
  /// ABS: input (D...) → output (D...), `|x|`; FLOAT32.
  public static let abs = UnaryFloatKernel { Swift.abs($0) }
}
