import CKernels
import TFLiteFormat

extension Optimized {
  /// Attention fused: BATCH_MATMUL(Q, K) → [MUL by a scalar] → ADD mask → SOFTMAX → BATCH_MATMUL(·, V).
  /// Inputs Q (H..., M, D) — (H..., D, M) with `first.adjX` —, K (H..., D, N) — (H..., N, D) with
  /// `first.adjY` —, the mask (N elements, any leading 1s) and V (H..., N, Dv) — (H..., Dv, N) with
  /// `second.adjY` —, the same batch dimensions H... for Q, K and V → output (H..., M, Dv), FLOAT32.
  ///
  /// For each head and block of 24 query rows: the block's scores by the packed GEMM, the masked softmax
  /// of `Optimized.MaskedSoftmax`, then the block times V, so the scores (heads × M × N floats) never leave
  /// the core's cache. Packing, micro-kernel, summation order and softmax are those of the unfused
  /// optimised kernels: the output is bit-identical to theirs. When the mask ends in padding (values ≤ −1000)
  /// whose probabilities are provably +0 for every query of a head, that head leaves those keys out of both
  /// products (`glean_attention_f32`): the same values, except that an output of exactly zero may be −0 where
  /// the unfused kernels give +0.
  ///
  /// With `mergedOutputShape`, the output is written with the heads merged, (…1s, M, H, Dv), as a TRANSPOSE
  /// moving the heads after the rows would leave it: its element (i, h, c) is head h's (i, c). Only when
  /// Q's batch dimensions hold one axis other than 1 (the heads).
  ///
  /// The interpreter builds it when it finds the chain (see `Interpreter.Options.fuseOperators`).
  ///
  /// ```swift
  /// let kernel = Optimized.Attention(scale: nil, beta: 1, first: BatchMatMulOptions(adjY: true), second: BatchMatMulOptions())
  /// ```
  public struct Attention: Kernel {
    public let scale: Float?
    public let beta: Float
    /// Options of the scores' BATCH_MATMUL (Q by K).
    public let first: BatchMatMulOptions
    /// Options of the output's BATCH_MATMUL (probabilities by V); `adjX` must be false.
    public let second: BatchMatMulOptions
    /// The output's shape when the heads are merged (M, H and Dv in that order, other axes 1); nil: (H..., M, Dv).
    public let mergedOutputShape: Shape?

    public init(scale: Float?, beta: Float, first: BatchMatMulOptions, second: BatchMatMulOptions, mergedOutputShape: Shape? = nil) {
      self.scale = scale
      self.beta = beta
      self.first = first
      self.second = second
      self.mergedOutputShape = mergedOutputShape
    }

    /// Whether `shape` holds (M, H, Dv) in that order and 1s elsewhere, the heads merged.
    public static func isMerged(_ shape: Shape, heads: Int, m: Int, dv: Int) -> Bool {
      guard shape.rank >= 3, shape.dimensions[shape.rank - 1] == dv, shape.elementCount == heads * m * dv else { return false }
      let rest = shape.dimensions.dropLast().filter { $0 != 1 }
      return rest == [m, heads].filter { $0 != 1 } && shape.dimensions[shape.rank - 2] == heads
    }

    /// Why operands do not fit the fused chain.
    public struct ShapeMismatch: Error {
      public let reason: String
    }

    /// The sizes of the fused chain when its operands have these shapes, or a reason why they do not fit.
    public static func dimensions(q: Shape, k: Shape, v: Shape, maskElements: Int, first: BatchMatMulOptions,
                                  second: BatchMatMulOptions) -> Result<(heads: Int, m: Int, n: Int, d: Int, dv: Int), ShapeMismatch> {
      guard q.rank >= 2, k.rank == q.rank, v.rank == q.rank else { return .failure(ShapeMismatch(reason: "Q, K and V must have the same rank, 2 or more")) }
      let batch = Array(q.dimensions.dropLast(2))
      guard Array(k.dimensions.dropLast(2)) == batch, Array(v.dimensions.dropLast(2)) == batch else {
        return .failure(ShapeMismatch(reason: "Q \(q), K \(k) and V \(v) must have the same batch dimensions"))
      }
      guard !second.adjX else { return .failure(ShapeMismatch(reason: "the second product must not transpose the probabilities")) }
      let (qa, qb) = (q.dimensions[q.rank - 2], q.dimensions[q.rank - 1])
      let (ka, kb) = (k.dimensions[k.rank - 2], k.dimensions[k.rank - 1])
      let (va, vb) = (v.dimensions[v.rank - 2], v.dimensions[v.rank - 1])
      let (m, d) = first.adjX ? (qb, qa) : (qa, qb)
      let (kd, n) = first.adjY ? (kb, ka) : (ka, kb)
      let (vn, dv) = second.adjY ? (vb, va) : (va, vb)
      guard kd == d else { return .failure(ShapeMismatch(reason: "Q \(q) and K \(k) do not share a depth")) }
      guard vn == n else { return .failure(ShapeMismatch(reason: "V \(v) does not have one row per key (\(n))")) }
      guard maskElements == n else { return .failure(ShapeMismatch(reason: "the mask has \(maskElements) elements for \(n) keys")) }
      let heads = batch.reduce(1, *)
      for value in [heads, m, n, d, dv] where Int32(exactly: value) == nil { return .failure(ShapeMismatch(reason: "dimension \(value) is too large")) }
      return .success((heads, m, n, d, dv))
    }

    /// Throws: `KernelError` unless all four inputs are FLOAT32 with the shapes above.
    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 4...4, outputs: 1...1)
      let q = try node.input(0, types: [.float32]), k = try node.input(1, types: [.float32])
      let mask = try node.input(2, types: [.float32]), v = try node.input(3, types: [.float32])
      let sizes: (heads: Int, m: Int, n: Int, d: Int, dv: Int)
      switch Self.dimensions(q: q.shape, k: k.shape, v: v.shape, maskElements: mask.shape.elementCount, first: first, second: second) {
      case .success(let value): sizes = value
      case .failure(let mismatch): throw node.error(mismatch.reason, tensor: q)
      }
      let (heads, m, n, d, dv) = sizes
      if let merged = mergedOutputShape {
        guard q.shape.dimensions.dropLast(2).filter({ $0 != 1 }).count <= 1, Self.isMerged(merged, heads: heads, m: m, dv: dv) else {
          throw node.error("cannot merge \(heads) heads of \(m) × \(dv) into \(merged)", tensor: q)
        }
        try node.setOutput(0, shape: merged, type: .float32)
      } else {
        try node.setOutput(0, shape: Shape(Array(q.shape.dimensions.dropLast(2)) + [m, dv]), type: .float32)
      }
      // Where head h's row r goes: (H..., M, Dv), or (M, H, Dv) merged.
      let (outHead, outM) = mergedOutputShape == nil ? (m * dv, dv) : (dv, heads * dv)
      let pool = node.threadPool?.pool
      let threads = Int(glean_pool_threads(pool))
      let scratchFloats = glean_attention_scratch_floats(Int32(heads), Int32(m), Int32(n), Int32(d), Int32(dv), Int32(threads))
      let scratch = node.requestScratch(bytes: scratchFloats * 4)
      let (qm, qk) = first.adjX ? (1, m) : (d, 1)
      let (kk, kn) = first.adjY ? (1, d) : (n, 1)
      let (vk, vn) = second.adjY ? (1, n) : (dv, 1)
      let scaleBox = PersistentBuffer(bytes: 4)
      scaleBox.pointer(Float.self).pointee = scale ?? 1
      let hasScale = scale != nil, beta = self.beta
      return PreparedOp { io in
        glean_attention_f32(pool, Int32(heads), Int32(m), Int32(n), Int32(d), Int32(dv),
                            io.inputs[0].floats.baseAddress!, m * d, qm, qk,
                            io.inputs[1].floats.baseAddress!, n * d, kk, kn,
                            io.inputs[3].floats.baseAddress!, n * dv, vk, vn,
                            hasScale ? scaleBox.pointer(Float.self) : nil, io.inputs[2].floats.baseAddress!, beta,
                            io.outputs[0].floats.baseAddress!, outHead, outM,
                            io.scratch[scratch].baseAddress!.assumingMemoryBound(to: Float.self))
      }
    }
  }
}
