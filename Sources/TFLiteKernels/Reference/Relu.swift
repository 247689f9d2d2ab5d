import Foundation

extension Reference {
  /// RELU: input (D...) → output (D...), `max(x, 0)`; FLOAT32.
  public static let relu = UnaryFloatKernel { Swift.max($0, 0) }
}
