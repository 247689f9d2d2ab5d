import CKernels
import TFLiteFormat

extension Optimized {
  /// SOFTMAX: input (..., D) → output (..., D), FLOAT32, along the last axis, as `Reference.Softmax`.
  ///
  /// Vectorised in C (polynomial exponential within 2 ulp of expf, 8 interleaved partial sums),
  /// rows spread over the thread pool; within 1e-6 of the reference (relative to the row's largest).
  public struct Softmax: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      _ = try Reference.Softmax().prepare(&node)
      let x = try node.input(0)
      var beta: Float = 1
      if case .softmax(let o) = node.options { beta = o.beta }
      let depth = x.shape.dimensions.last!
      let rows = depth == 0 ? 0 : x.shape.elementCount / depth
      let pool = node.threadPool?.pool
      return PreparedOp { io in
        glean_softmax_f32(pool, io.inputs[0].floats.baseAddress!, io.outputs[0].floats.baseAddress!, rows, depth, beta)
      }
    }
  }

  /// GELU: input (any shape) → output (same shape), FLOAT32, exact (erf) or `approximate` (tanh),
  /// as `Reference.Gelu`. Vectorised in C, erf by a fitted rational and tanh through a polynomial exp
  /// (absolute error below 1e-6 · max(1, |x|)), spread over the thread pool.
  public struct Gelu: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      _ = try Reference.Gelu().prepare(&node)
      var approximate = false
      if case .gelu(let o) = node.options { approximate = o.approximate }
      let count = try node.input(0).shape.elementCount
      let pool = node.threadPool?.pool
      return PreparedOp { io in
        glean_gelu_f32(pool, io.inputs[0].floats.baseAddress!, io.outputs[0].floats.baseAddress!, count, approximate ? 1 : 0)
      }
    }
  }
}
