import Foundation
import TFLiteFormat

extension Reference {
  /// LOG_SOFTMAX: input (M..., D) → output (M..., D), over the last dimension:
  /// `y = (x − max x) − log Σ exp(x − max x)`; FLOAT32.
  public struct LogSoftmax: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 1...1, outputs: 1...1)
      let x = try node.input(0, types: [.float32])
      guard x.shape.rank >= 1 else { throw node.error("(input) must have rank 1 or more", tensor: x) }
      try node.setOutput(0, shape: x.shape, type: .float32)
      let depth = x.shape.dimensions.last!
      let rows = depth == 0 ? 0 : x.shape.elementCount / depth
      return PreparedOp { io in
        let x = io.inputs[0].floats.baseAddress!, y = io.outputs[0].floats.baseAddress!
        for row in 0..<rows {
          let xr = x + row * depth, yr = y + row * depth
          var maximum = -Float.infinity
          for i in 0..<depth { maximum = max(maximum, xr[i]) }
          var sum: Float = 0
          for i in 0..<depth { sum += Foundation.exp(xr[i] - maximum) }
          let logSum = Foundation.log(sum)
          for i in 0..<depth { yr[i] = xr[i] - maximum - logSum }
        }
      }
    }
  }
}
