import TFLiteFormat

extension Reference {
  /// UNPACK: input (A..., n, R...) → n outputs (A..., R...), slicing along axis. Any fixed-size type.
  public struct Unpack: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 1...1, outputs: 1...Int.max)
      var options = UnpackOptions()
      if case .unpack(let o) = node.options { options = o }
      let x = try node.input(0)
      guard let elementSize = x.type.byteSize else { throw node.error("(input) has unsupported type \(x.type)", tensor: x) }
      guard let axis = x.shape.normalizedAxis(Int(options.axis)) else { throw node.error("axis \(options.axis) is out of range for \(x.shape)", tensor: x) }
      let n = x.shape[axis]
      guard node.outputs.count == n else { throw node.error("has \(node.outputs.count) outputs; dimension \(axis) of \(x.shape) is \(n)", tensor: x) }
      var dims = x.shape.dimensions
      dims.remove(at: axis)
      for i in 0..<n { try node.setOutput(i, shape: Shape(dims), type: x.type) }
      let outer = x.shape.count(0..<axis)
      let bytes = x.shape.count((axis + 1)..<x.shape.rank) * elementSize
      return PreparedOp { io in
        var src = io.inputs[0].data
        for j in 0..<outer {
          for i in 0..<n {
            (io.outputs[i].data + j * bytes).copyMemory(from: src, byteCount: bytes)
            src += bytes
          }
        }
      }
    }
  }
}
