import TFLiteFormat

extension Reference {
  /// PACK: n inputs (A..., R...) → output (A..., n, R...), stacking along axis. Any fixed-size type.
  public struct Pack: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 1...Int.max, outputs: 1...1)
      var options = PackOptions()
      if case .pack(let o) = node.options { options = o }
      let first = try node.input(0)
      guard let elementSize = first.type.byteSize else { throw node.error("(input 0) has unsupported type \(first.type)", tensor: first) }
      let n = node.inputs.count
      var axis = Int(options.axis)
      if axis < 0 { axis += first.shape.rank + 1 }
      guard (0...first.shape.rank).contains(axis) else { throw node.error("axis \(options.axis) is out of range for \(first.shape)", tensor: first) }
      for i in 0..<n {
        let t = try node.input(i, types: [first.type])
        guard t.shape == first.shape else { throw node.error("(input \(i)) has shape \(t.shape); expected \(first.shape)", tensor: t) }
      }
      var dims = first.shape.dimensions
      dims.insert(n, at: axis)
      try node.setOutput(0, shape: Shape(dims), type: first.type)
      let outer = first.shape.count(0..<axis)
      let bytes = first.shape.count(axis..<first.shape.rank) * elementSize
      return PreparedOp { io in
        var o = io.outputs[0].data
        for j in 0..<outer {
          for i in 0..<n {
            o.copyMemory(from: io.inputs[i].data + j * bytes, byteCount: bytes)
            o += bytes
          }
        }
      }
    }
  }
}
