import CKernels
import TFLiteFormat

extension Optimized {
  /// DEQUANTIZE: input (D...) INT8 or UINT8 with one scale and zero point → output (D...) FLOAT32,
  /// `x = scale · (q − zeroPoint)`; every other input (per-channel scales, INT16, FLOAT16) runs
  /// `Reference.Dequantize`.
  ///
  /// The reference computes in double, as LiteRT's reference kernel does; this one in float
  /// (`glean_dequantize_8bit`: AVX2 or the baseline's vectors, split over the pool) and gets the same bits:
  /// q − zeroPoint is an integer below 2¹⁶ in magnitude (the zero point is checked), exact in float, and its
  /// product with a float scale has at most 24 + 16 significant bits, exact in double — so both round the
  /// same exact product to float once. The ops in MiniLM-style models that dequantize the gathered int8 word
  /// embeddings every run: 0.6 ms there in the reference kernel (4 ns per value), 0.12–0.19 ms in a Swift loop,
  /// 0.02 ms here.
  ///
  /// ```swift
  /// let op = try Optimized.Dequantize().prepare(&node)
  /// ```
  public struct Dequantize: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      let reference = try Reference.Dequantize().prepare(&node)
      let x = try node.input(0)
      guard x.type == .int8 || x.type == .uint8, let q = x.quantization, q.scale.count == 1, q.zeroPoint.count <= 1,
            let zeroPoint = Int32(exactly: q.zeroPoint.first ?? 0), abs(zeroPoint) <= 1 << 15 else { return reference }
      let scale = q.scale[0]
      let signed: Int32 = x.type == .int8 ? 1 : 0
      let pool = node.threadPool?.pool
      return PreparedOp { io in
        let y = io.outputs[0]
        glean_dequantize_8bit(pool, io.inputs[0].data, signed, y.data.assumingMemoryBound(to: Float.self), y.elementCount, scale, zeroPoint)
      }
    }
  }
}
