import CKernels
import TFLiteFormat

extension Optimized {
  /// MUL (by a scalar) → ADD (a mask along the last axis) → SOFTMAX fused: scores (..., D) and mask
  /// (D elements, any leading 1s) → probabilities (..., D), FLOAT32.
  ///
  /// The attention pattern of BERT-family graphs: `softmax(beta · (scores · scale + mask))`, row by
  /// row. The unfused graph writes and re-reads the whole score tensor (heads × tokens × tokens floats)
  /// three times; this kernel reads it once and finishes each row while it is in L1. The product and
  /// the sum are rounded separately, as MUL and ADD round them, and the softmax is `Optimized.Softmax`'s,
  /// so the result is bit-identical to the three unfused optimised kernels.
  ///
  /// The interpreter builds it when it finds the chain (see `Interpreter.Options.fuseOperators`);
  /// inputs: 0 the scores, 1 the mask. `scale` nil means the chain had no MUL.
  ///
  /// ```swift
  /// let kernel = Optimized.MaskedSoftmax(scale: 0.125, beta: 1)
  /// ```
  public struct MaskedSoftmax: Kernel {
    public let scale: Float?
    public let beta: Float

    public init(scale: Float?, beta: Float) {
      self.scale = scale
      self.beta = beta
    }

    /// Throws: `KernelError` unless both inputs are FLOAT32 and the mask has exactly one element per
    /// position of the last axis.
    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...2, outputs: 1...1)
      let x = try node.input(0, types: [.float32]), mask = try node.input(1, types: [.float32])
      guard x.shape.rank >= 1 else { throw node.error("must have rank 1 or more", tensor: x) }
      let depth = x.shape.dimensions[x.shape.rank - 1]
      guard mask.shape.elementCount == depth, mask.shape.rank <= x.shape.rank else {
        throw node.error("\(mask.shape) is not one row of the scores' last axis (\(depth))", tensor: mask)
      }
      try node.setOutput(0, shape: x.shape, type: .float32)
      let rows = depth == 0 ? 0 : x.shape.elementCount / depth
      let pool = node.threadPool?.pool
      let beta = self.beta
      guard let scale else {
        return PreparedOp { io in
          glean_masked_softmax_f32(pool, io.inputs[0].floats.baseAddress!, nil, io.inputs[1].floats.baseAddress!,
                                   io.outputs[0].floats.baseAddress!, rows, depth, beta)
        }
      }
      let scaleBox = PersistentBuffer(bytes: 4)
      scaleBox.pointer(Float.self).pointee = scale
      return PreparedOp { io in
        glean_masked_softmax_f32(pool, io.inputs[0].floats.baseAddress!, scaleBox.pointer(Float.self), io.inputs[1].floats.baseAddress!,
                                 io.outputs[0].floats.baseAddress!, rows, depth, beta)
      }
    }
  }
}
