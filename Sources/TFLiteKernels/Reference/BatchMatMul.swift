import TFLiteFormat

extension Reference {
  /// BATCH_MATMUL: left (..., M, K) — (..., K, M) with `adjX` — and right (..., K, N) — (..., N, K)
  /// with `adjY` → output (broadcast of the batch dimensions, M, N); FLOAT32.
  ///
  /// `y[b, m, n] = Σₖ x[b, m, k] · w[b, k, n]`; batch dimensions broadcast NumPy-style.
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
      let rhs = try node.input(1, types: [.float32])
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
      let ls = lhsBatch.broadcastStrides(to: batch), rs = rhsBatch.broadcastStrides(to: batch)
      var lhsOffsets: [Int] = [], rhsOffsets: [Int] = []
      let batchStrides = batch.strides
      for flat in 0..<batch.elementCount {
        var lo = 0, ro = 0, rest = flat
        for axis in 0..<batch.rank {
          let i = rest / batchStrides[axis]
          rest %= batchStrides[axis]
          lo += i * ls[axis]
          ro += i * rs[axis]
        }
        lhsOffsets.append(lo * m * k)
        rhsOffsets.append(ro * k * n)
      }
      // Element strides of x[m, k] and w[k, n] inside one matrix.
      let (xm, xk) = options.adjX ? (1, m) : (k, 1)
      let (wk, wn) = options.adjY ? (1, k) : (n, 1)
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
