import Foundation

extension Reference {
  /// TANH: input (D...) → output (D...), `tanh(x)`; FLOAT32.
  public static let tanh = UnaryFloatKernel { Foundation.tanh($0) }
}
