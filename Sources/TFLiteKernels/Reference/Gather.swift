import TFLiteFormat

extension Reference {
  /// GATHER: params (P₀, …, P_axis, …), indices (I...) INT32/INT64
  /// → output (P[..<axis] + I[batchDims...] + P[(axis+1)...]).
  ///
  /// `out[b, o, i, r] = params[b, o, indices[b, i], r]`, with b the first `batchDims` dimensions
  /// (shared by params and indices), o the rest before `axis`, r the dimensions after it.
  /// Any fixed-size element type (FLOAT32 embeddings, INT8 quantized tables, INT32 ...): elements
  /// are copied, quantization carries over. An index out of range yields zeros (invoke cannot fail).
  public struct Gather: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...2, outputs: 1...1)
      let params = try node.input(0)
      let indices = try node.input(1, types: [.int32, .int64])
      guard let elementSize = params.type.byteSize else { throw node.error("(params) has unsupported type \(params.type)", tensor: params) }
      var options = GatherOptions()
      if case .gather(let o) = node.options { options = o }
      var batchDims = Int(options.batchDims)
      if batchDims < 0 { batchDims += indices.shape.rank }
      guard let axis = params.shape.normalizedAxis(Int(options.axis)) else {
        throw node.error("axis \(options.axis) is out of range for params \(params.shape)", tensor: params)
      }
      guard batchDims >= 0, batchDims <= axis, batchDims <= indices.shape.rank,
            params.shape.dimensions[..<batchDims] == indices.shape.dimensions[..<batchDims] else {
        throw node.error("batch_dims \(options.batchDims) does not fit params \(params.shape), indices \(indices.shape) and axis \(axis)")
      }
      let p = params.shape.dimensions, ix = indices.shape.dimensions
      try node.setOutput(0, shape: Shape(Array(p[..<axis]) + Array(ix[batchDims...]) + Array(p[(axis + 1)...])), type: params.type)
      let batches = params.shape.count(0..<batchDims)
      let outer = params.shape.count(batchDims..<axis)
      let axisSize = p[axis]
      let inner = params.shape.count((axis + 1)..<p.count) * elementSize
      let perBatch = indices.shape.count(batchDims..<ix.count)
      return PreparedOp { io in
        let src = io.inputs[0].data, idx = io.inputs[1], dst = io.outputs[0].data
        var o = 0
        for b in 0..<batches {
          for j in 0..<outer {
            let base = src + ((b * outer + j) * axisSize) * inner
            for i in 0..<perBatch {
              let index = idx.index(at: b * perBatch + i)
              if index >= 0 && index < axisSize {
                (dst + o).copyMemory(from: base + index * inner, byteCount: inner)
              } else {
                (dst + o).initializeMemory(as: UInt8.self, repeating: 0, count: inner)
              }
              o += inner
            }
          }
        }
      }
    }
  }
}
