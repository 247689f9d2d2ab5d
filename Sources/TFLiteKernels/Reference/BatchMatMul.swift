import TFLiteFormat

extension Reference {
  /// BATCH_MATMUL: left (..., M, K) — (..., K, M) with `adjX` — and right (..., K, N) — (..., N, K)
  /// with `adjY` → output (broadcast of the batch dimensions, M, N); FLOAT32.
  ///
  /// `y[b, m, n] = Σₖ x[b, m, k] · w[b, k, n]`; batch dimensions broadcast NumPy-style.
  ///
  /// Hybrid (dynamic-range models, version 4): FLOAT32 left, constant INT8 right with a per-tensor
  /// scale or one scale per column n. As in LiteRT, each row x[b, m, :] is quantized to int8
  /// (symmetric, or asymmetric with `asymmetricQuantizeInputs`), dot products are exact int32 sums,
  /// and `y = Float(dot − zeroPoint·Σₖ w[k, n]) · (rowScale · scale[n])`.
  public struct BatchMatMul: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...2, outputs: 1...1)
      let options: BatchMatMulOptions
      switch node.options {
      case .batchMatMul(let o): options = o
      case .none: options = BatchMatMulOptions()
      default: throw node.error("has unexpected options \(node.options)")
      }
      let lhs = try node.input(0, types: [.float32])
      let rhs = try node.input(1, types: [.float32, .int8])
      guard lhs.shape.rank >= 2, rhs.shape.rank >= 2 else {
        throw node.error("inputs must have rank 2 or more; they are \(lhs.shape) and \(rhs.shape)")
      }
      let l = lhs.shape.dimensions, r = rhs.shape.dimensions
      let m = options.adjX ? l[l.count - 1] : l[l.count - 2]
      let k = options.adjX ? l[l.count - 2] : l[l.count - 1]
      let kRight = options.adjY ? r[r.count - 1] : r[r.count - 2]
      let n = options.adjY ? r[r.count - 2] : r[r.count - 1]
      guard k == kRight else { throw node.error("inner dimensions differ: left \(lhs.shape) (adj_x \(options.adjX)), right \(rhs.shape) (adj_y \(options.adjY))") }
      let lhsBatch = Shape(Array(l.dropLast(2))), rhsBatch = Shape(Array(r.dropLast(2)))
      guard let batch = Shape.broadcast(lhsBatch, rhsBatch) else {
        throw node.error("batch dimensions \(lhsBatch) and \(rhsBatch) do not broadcast")
      }
      try node.setOutput(0, shape: Shape(batch.dimensions + [m, n]), type: .float32)
      // Offsets of each output batch's left and right matrices.
      let lhsOffsets = lhsBatch.broadcastIndices(to: batch).map { $0 * m * k }
      let rhsOffsets = rhsBatch.broadcastIndices(to: batch).map { $0 * k * n }
      // Element strides of x[m, k] and w[k, n] inside one matrix.
      let (xm, xk) = options.adjX ? (1, m) : (k, 1)
      let (wk, wn) = options.adjY ? (1, k) : (n, 1)
      if rhs.type == .int8 {
        guard let q = rhs.quantization, !q.scale.isEmpty, q.zeroPoint.allSatisfy({ $0 == 0 }) else {
          throw node.error("(right) hybrid INT8 weights need symmetric quantization scales", tensor: rhs)
        }
        guard q.scale.count == 1 || q.scale.count == n else {
          throw node.error("(right) has \(q.scale.count) scales; expected 1 or N = \(n)", tensor: rhs)
        }
        let columnScales = q.scale.count == 1 ? Array(repeating: q.scale[0], count: n) : q.scale
        let asymmetric = options.asymmetricQuantizeInputs
        let rowBuffer = node.requestScratch(bytes: k * 4)
        let quantizedRow = node.requestScratch(bytes: k)
        let columnSums = node.requestScratch(bytes: n * 4)
        let outputCount = lhsOffsets.count
        return PreparedOp { io in
          let x = io.inputs[0].floats.baseAddress!, w = io.inputs[1].int8s.baseAddress!
          let y = io.outputs[0].floats.baseAddress!
          let row = io.scratch[rowBuffer].baseAddress!.assumingMemoryBound(to: Float.self)
          let qRow = io.scratch[quantizedRow].baseAddress!.assumingMemoryBound(to: Int8.self)
          let sums = io.scratch[columnSums].baseAddress!.assumingMemoryBound(to: Int32.self)
          for b in 0..<outputCount {
            let xb = x + lhsOffsets[b], wb = w + rhsOffsets[b], yb = y + b * m * n
            if asymmetric {
              for j in 0..<n {
                var s: Int32 = 0
                for p in 0..<k { s &+= Int32(wb[p * wk + j * wn]) }
                sums[j] = s
              }
            }
            for i in 0..<m {
              for p in 0..<k { row[p] = xb[i * xm + p * xk] }
              var rowScale: Float, zeroPoint: Int32 = 0
              if asymmetric {
                (rowScale, zeroPoint) = asymmetricQuantize(row, count: k, into: qRow)
              } else {
                rowScale = symmetricQuantize(row, count: k, into: qRow)
              }
              for j in 0..<n {
                var dot: Int32 = 0
                for p in 0..<k { dot &+= Int32(qRow[p]) &* Int32(wb[p * wk + j * wn]) }
                if asymmetric { dot &-= sums[j] &* zeroPoint }
                yb[i * n + j] = Float(dot) * (rowScale * columnScales[j])
              }
            }
          }
        }
      }
      return PreparedOp { io in
        let x = io.inputs[0].floats.baseAddress!, w = io.inputs[1].floats.baseAddress!
        let y = io.outputs[0].floats.baseAddress!
        for b in 0..<lhsOffsets.count {
          let xb = x + lhsOffsets[b], wb = w + rhsOffsets[b], yb = y + b * m * n
          for i in 0..<m {
            for j in 0..<n {
              var sum: Float = 0
              for p in 0..<k { sum += xb[i * xm + p * xk] * wb[p * wk + j * wn] }
              yb[i * n + j] = sum
            }
          }
        }
      }
    }
  }
}
