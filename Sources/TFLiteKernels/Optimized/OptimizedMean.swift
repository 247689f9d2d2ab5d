import CKernels
import TFLiteFormat

extension Optimized {
  /// MEAN: input (D...) and constant axes → output (reduced axes dropped, or 1 with `keepDims`),
  /// FLOAT32, as `Reference.Mean`.
  ///
  /// When the reduced axes are the trailing ones (layer norm's mean over features), each output is
  /// the mean of one contiguous row: vectorised in C (16 interleaved partial sums, so within
  /// about depth · 2⁻²⁴ of the reference's in-order sum, relative to the row's magnitudes), rows
  /// spread over the thread pool. Other axes run the reference kernel.
  public struct Mean: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      let reference = try Reference.Mean().prepare(&node)
      let x = try node.input(0)
      let axes = Set(try node.constantIndices(1).compactMap { x.shape.normalizedAxis($0) })
      let rank = x.shape.rank
      guard !axes.isEmpty, axes == Set((rank - axes.count)..<rank) else { return reference }
      let depth = axes.reduce(1) { $0 * x.shape[$1] }
      guard depth > 0 else { return reference }
      let rows = x.shape.elementCount / depth
      let pool = node.threadPool?.pool
      return PreparedOp { io in
        glean_mean_rows_f32(pool, io.inputs[0].floats.baseAddress!, io.outputs[0].floats.baseAddress!, rows, depth)
      }
    }
  }
}
