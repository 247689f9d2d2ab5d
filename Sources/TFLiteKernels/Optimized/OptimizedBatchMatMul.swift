import CKernels
import TFLiteFormat

extension Optimized {
  /// BATCH_MATMUL: left (..., M, K) — (..., K, M) with `adjX` — and right (..., K, N) — (..., N, K)
  /// with `adjY` → output (broadcast batch dimensions, M, N); FLOAT32, as `Reference.BatchMatMul`.
  ///
  /// Each batch is one packed GEMM over the thread pool: a constant right side is packed once
  /// while preparing, a computed one into scratch on every run. Same sums as the reference, in
  /// the same order, with FMA. Hybrid (INT8 right side) runs the reference kernel.
  public struct BatchMatMul: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      var checked = node
      let reference = try Reference.BatchMatMul().prepare(&checked)
      let lhs = try node.input(0), rhs = try node.input(1)
      guard rhs.type == .float32 else {
        node = checked
        return reference
      }
      let options: BatchMatMulOptions
      if case .batchMatMul(let o) = node.options { options = o } else { options = BatchMatMulOptions() }
      let outputShape = checked.outputs[0].shape
      try node.setOutput(0, shape: outputShape, type: .float32)
      let l = lhs.shape.dimensions, r = rhs.shape.dimensions
      let m = options.adjX ? l[l.count - 1] : l[l.count - 2]
      let k = options.adjX ? l[l.count - 2] : l[l.count - 1]
      let n = options.adjY ? r[r.count - 2] : r[r.count - 1]
      guard let mInt32 = Int32(exactly: m), let nInt32 = Int32(exactly: n), let kInt32 = Int32(exactly: k) else {
        node = checked
        return reference
      }
      // Offsets of each output batch's left and right matrices (NumPy broadcasting).
      let lhsBatch = Shape(Array(l.dropLast(2))), rhsBatch = Shape(Array(r.dropLast(2)))
      let batch = Shape(Array(outputShape.dimensions.dropLast(2)))
      let lhsOffsets = lhsBatch.broadcastIndices(to: batch).map { $0 * m * k }
      let rhsIndices = rhsBatch.broadcastIndices(to: batch)
      let (xm, xk) = options.adjX ? (1, m) : (k, 1)
      let (wk, wn) = options.adjY ? (1, k) : (n, 1)
      let packedCount = glean_sgemm_packed_size(kInt32, nInt32)
      let pool = node.threadPool?.pool

      if let rhsData = rhs.constantData {
        // Pack every right matrix once.
        let matrices = rhsBatch.elementCount
        let packed = PersistentBuffer(bytes: packedCount * matrices * 4)
        let w = rhsData.baseAddress!.assumingMemoryBound(to: Float.self)
        for b in 0..<matrices {
          glean_sgemm_pack(w + b * k * n, wk, wn, kInt32, nInt32, packed.pointer(Float.self) + b * packedCount)
        }
        return PreparedOp { io in
          let x = io.inputs[0].floats.baseAddress!, y = io.outputs[0].floats.baseAddress!
          for b in 0..<lhsOffsets.count {
            glean_sgemm(pool, mInt32, nInt32, kInt32, x + lhsOffsets[b], xm, xk,
                        packed.pointer(Float.self) + rhsIndices[b] * packedCount, nil, y + b * m * n, n)
          }
        }
      }
      let packedScratch = node.requestScratch(bytes: packedCount * 4)
      return PreparedOp { io in
        let x = io.inputs[0].floats.baseAddress!, w = io.inputs[1].floats.baseAddress!
        let y = io.outputs[0].floats.baseAddress!
        let packed = io.scratch[packedScratch].baseAddress!.assumingMemoryBound(to: Float.self)
        var packedIndex = -1
        for b in 0..<lhsOffsets.count {
          if rhsIndices[b] != packedIndex {
            glean_sgemm_pack(w + rhsIndices[b] * k * n, wk, wn, kInt32, nInt32, packed)
            packedIndex = rhsIndices[b]
          }
          glean_sgemm(pool, mInt32, nInt32, kInt32, x + lhsOffsets[b], xm, xk, packed, nil, y + b * m * n, n)
        }
      }
    }
  }
}
