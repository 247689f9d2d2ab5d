import TFLiteFormat

extension Reference {
  /// CONCATENATION: inputs (A..., Cᵢ, R...) for i in 0..<n, equal except along axis → output (A..., ΣCᵢ, R...).
  /// Any fixed-size type; a fused activation is applied to FLOAT32 results.
  public struct Concatenation: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 1...Int.max, outputs: 1...1)
      var options = ConcatenationOptions()
      if case .concatenation(let o) = node.options { options = o }
      let first = try node.input(0)
      guard let elementSize = first.type.byteSize else { throw node.error("(input 0) has unsupported type \(first.type)", tensor: first) }
      guard let axis = first.shape.normalizedAxis(Int(options.axis)) else {
        throw node.error("axis \(options.axis) is out of range for \(first.shape)", tensor: first)
      }
      var total = 0
      var chunkBytes: [Int] = []
      let inner = first.shape.count((axis + 1)..<first.shape.rank)
      for i in 0..<node.inputs.count {
        let t = try node.input(i, types: [first.type])
        guard t.shape.rank == first.shape.rank,
              (0..<t.shape.rank).allSatisfy({ $0 == axis || t.shape[$0] == first.shape[$0] }) else {
          throw node.error("(input \(i)) has shape \(t.shape); it must match \(first.shape) except along axis \(axis)", tensor: t)
        }
        total += t.shape[axis]
        chunkBytes.append(t.shape[axis] * inner * elementSize)
      }
      var dims = first.shape.dimensions
      dims[axis] = total
      try node.setOutput(0, shape: Shape(dims), type: first.type)
      let outer = first.shape.count(0..<axis)
      let activation = first.type == .float32 ? options.fusedActivation : .none
      return PreparedOp { io in
        var o = io.outputs[0].data
        for j in 0..<outer {
          for (i, bytes) in chunkBytes.enumerated() {
            o.copyMemory(from: io.inputs[i].data + j * bytes, byteCount: bytes)
            o += bytes
          }
        }
        if activation != .none { activation.apply(to: io.outputs[0].floats) }
      }
    }
  }
}
