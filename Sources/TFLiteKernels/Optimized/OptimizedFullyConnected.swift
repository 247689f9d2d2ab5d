import CKernels
import TFLiteFormat

extension Optimized {
  /// FULLY_CONNECTED: input (B, S, K) or (M, K), constant weights (N, K), optional bias (N)
  /// → output (B, S, N) with `keepNumDims`, else (M, N); as `Reference.FullyConnected`.
  ///
  /// Weights are packed once while preparing (panels of 16 columns); each run is one packed GEMM
  /// over the thread pool. Float: the same sums as the reference in the same order, with FMA.
  /// Hybrid (INT8 weights): rows quantized exactly as the reference does, int32 dot products,
  /// identical rescale, so outputs are bit-identical to the reference's.
  /// Weights that are not constant fall back to the reference kernel.
  public struct FullyConnected: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      // The reference validates the node (on a copy, so that its scratch requests are not kept).
      var checked = node
      let reference = try Reference.FullyConnected().prepare(&checked)
      let weights = try node.input(1)
      guard let weightData = weights.constantData, case .fullyConnected(let options) = node.options else {
        node = checked
        return reference
      }
      try node.setOutput(0, shape: checked.outputs[0].shape, type: .float32)
      let n = weights.shape[0], k = weights.shape[1]
      let m = node.inputs[0].map { $0.shape.elementCount / k } ?? 0
      let hasBias = node.inputs.count > 2 && node.inputs[2] != nil
      let activation = options.fusedActivation
      let pool = node.threadPool?.pool
      guard m > 0, n > 0, k > 0, let nInt32 = Int32(exactly: n), let kInt32 = Int32(exactly: k), let mInt32 = Int32(exactly: m) else {
        node = checked
        return reference
      }

      if weights.type == .float32 {
        let packed = PersistentBuffer(bytes: glean_sgemm_packed_size(kInt32, nInt32) * 4)
        glean_sgemm_pack(weightData.baseAddress!.assumingMemoryBound(to: Float.self), 1, k, kInt32, nInt32, packed.pointer(Float.self))
        return PreparedOp { io in
          let x = io.inputs[0].floats.baseAddress!, y = io.outputs[0].floats.baseAddress!
          let bias: UnsafeMutablePointer<Float>? = hasBias ? io.inputs[2].floats.baseAddress : nil
          glean_sgemm(pool, mInt32, nInt32, kInt32, x, k, 1, packed.pointer(Float.self), bias, y, n)
          activation.apply(to: io.outputs[0].floats)
        }
      }

      // Hybrid: the reference's prepare checked the scales; repeat its per-column expansion.
      guard let quantization = weights.quantization else {
        node = checked
        return reference
      }
      let weightScales = PersistentBuffer(bytes: n * 4)
      for j in 0..<n { weightScales.pointer(Float.self)[j] = quantization.scale.count == 1 ? quantization.scale[0] : quantization.scale[j] }
      let packed = PersistentBuffer(bytes: glean_qgemm_packed_size(kInt32, nInt32))
      let w = weightData.baseAddress!.assumingMemoryBound(to: Int8.self)
      glean_qgemm_pack(w, nInt32, kInt32, packed.pointer(Int8.self))
      let asymmetric = options.asymmetricQuantizeInputs
      let stride = Int(glean_qgemm_row_stride(kInt32))
      let quantized = node.requestScratch(bytes: m * stride * 2)
      let rowScales = node.requestScratch(bytes: m * 4)
      let zeroPoints = node.requestScratch(bytes: m * 4)
      return PreparedOp { io in
        let x = io.inputs[0].floats.baseAddress!, y = io.outputs[0].floats.baseAddress!
        let bias: UnsafeMutablePointer<Float>? = hasBias ? io.inputs[2].floats.baseAddress : nil
        let q = io.scratch[quantized].baseAddress!.assumingMemoryBound(to: Int16.self)
        let scales = io.scratch[rowScales].baseAddress!.assumingMemoryBound(to: Float.self)
        let zps = io.scratch[zeroPoints].baseAddress!.assumingMemoryBound(to: Int32.self)
        glean_quantize_rows(pool, x, mInt32, kInt32, asymmetric ? 1 : 0, q, scales, zps)
        // The quantized rows hold q − zero point, so the GEMM needs no column sums (see glean_qgemm).
        glean_qgemm(pool, mInt32, nInt32, kInt32, q, scales, packed.pointer(Int8.self),
                    weightScales.pointer(Float.self), bias, y, n)
        activation.apply(to: io.outputs[0].floats)
      }
    }
  }
}
