import Foundation

extension Reference {
  /// EXP: input (D...) → output (D...), `e^x`; FLOAT32.
  public static let exp = UnaryFloatKernel { Foundation.exp($0) }
}
