import TFLiteFormat

extension Reference {
  /// EMBEDDING_LOOKUP: ids (N) INT32, table (V, D...) → output (N, D...): row ids[n] of the table.
  /// FLOAT32 tables are copied; INT8/UINT8 tables feeding a FLOAT32 output (hybrid models) are
  /// dequantized with the table's scale (per tensor, or one per row). An id out of range yields zeros.
  public struct EmbeddingLookup: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...2, outputs: 1...1)
      let ids = try node.input(0, types: [.int32])
      let table = try node.input(1)
      guard ids.shape.rank == 1, table.shape.rank >= 1, let elementSize = table.type.byteSize else {
        throw node.error("needs ids (N) and a table (V, D...); got \(ids.shape) and \(table.shape)")
      }
      let output = try node.output(0)
      let rows = table.shape[0]
      let rowCount = table.shape.count(1..<table.shape.rank)
      try node.setOutput(0, shape: Shape([ids.shape[0]] + Array(table.shape.dimensions.dropFirst())))
      let n = ids.shape[0]
      if output.type == table.type {
        let rowBytes = rowCount * elementSize
        return PreparedOp { io in
          let idx = io.inputs[0].int32s, src = io.inputs[1].data, dst = io.outputs[0].data
          for i in 0..<n {
            let id = Int(idx[i])
            if id >= 0 && id < rows { (dst + i * rowBytes).copyMemory(from: src + id * rowBytes, byteCount: rowBytes) }
            else { (dst + i * rowBytes).initializeMemory(as: UInt8.self, repeating: 0, count: rowBytes) }
          }
        }
      }
      guard output.type == .float32, table.type == .int8 || table.type == .uint8, let q = table.quantization,
            q.scale.count == 1 || q.scale.count == rows else {
        throw node.error("(table) \(table.type) cannot fill a \(output.type) output", tensor: table)
      }
      let scales = q.scale, zeroPoints = q.zeroPoint
      // Zero points are model data: outside the storage range (Int64.min) `value - zero` would overflow at invoke.
      let storable: ClosedRange<Int64> = table.type == .int8 ? -128...127 : 0...255
      guard zeroPoints.allSatisfy({ storable.contains($0) }) else {
        throw node.error("(table) has zero points \(zeroPoints) outside the \(table.type) range", tensor: table)
      }
      return PreparedOp { io in
        let idx = io.inputs[0].int32s, t = io.inputs[1], y = io.outputs[0].floats
        for i in 0..<n {
          let id = Int(idx[i])
          for j in 0..<rowCount {
            guard id >= 0 && id < rows else { y[i * rowCount + j] = 0; continue }
            let c = scales.count == 1 ? 0 : id
            let zero = c < zeroPoints.count ? zeroPoints[c] : 0
            y[i * rowCount + j] = scales[c] * Float(t.integer(at: id * rowCount + j) - zero)
          }
        }
      }
    }
  }
}
