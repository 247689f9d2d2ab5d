import Foundation

extension Reference {
  /// LOGISTIC: input (D...) → output (D...), the sigmoid `1 / (1 + e^−x)`; FLOAT32.
  public static let logistic = UnaryFloatKernel { 1 / (1 + Foundation.exp(-$0)) }
}
