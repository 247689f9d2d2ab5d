import Foundation
import TFLiteFormat

extension Reference {
  /// GELU: input (D...) → output (D...); FLOAT32.
  /// Exact: `0.5·x·(1 + erf(x/√2))`; with `approximate`: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
  public struct Gelu: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      var approximate = false
      if case .gelu(let o) = node.options { approximate = o.approximate }
      let kernel = approximate
        ? UnaryFloatKernel { x in
            let sqrt2OverPi: Float = 0.7978845608028654
            return 0.5 * x * (1 + Foundation.tanh(sqrt2OverPi * (x + 0.044715 * x * x * x)))
          }
        : UnaryFloatKernel { x in 0.5 * x * (1 + Foundation.erf(x * 0.7071067811865476)) }
      return try kernel.prepare(&node)
    }
  }
}
