import Foundation
import TFLiteFormat

extension ActivationFunction {
  /// Whether a kernel can apply this activation (SIGN_BIT is not a float activation).
  var isSupportedFused: Bool { self != .signBit }

  /// Applies the activation in place over `values`.
  func apply(to values: UnsafeMutableBufferPointer<Float>) {
    switch self {
    case .none, .signBit: return
    case .relu: for i in 0..<values.count { values[i] = Swift.max(values[i], 0) }
    case .relu6: for i in 0..<values.count { values[i] = Swift.min(Swift.max(values[i], 0), 6) }
    case .reluN1To1: for i in 0..<values.count { values[i] = Swift.min(Swift.max(values[i], -1), 1) }
    case .tanh: for i in 0..<values.count { values[i] = Foundation.tanh(values[i]) }
    }
  }

  /// Clamps integer results as TFLite's integer kernels do (RELU family only).
  func apply(to values: UnsafeMutableBufferPointer<Int32>) {
    switch self {
    case .relu: for i in 0..<values.count { values[i] = Swift.max(values[i], 0) }
    case .relu6: for i in 0..<values.count { values[i] = Swift.min(Swift.max(values[i], 0), 6) }
    case .reluN1To1: for i in 0..<values.count { values[i] = Swift.min(Swift.max(values[i], -1), 1) }
    default: return
    }
  }
}
