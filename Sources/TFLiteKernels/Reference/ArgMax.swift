import TFLiteFormat

extension Reference {
  /// ARG_MAX: input (A..., D, R...), axis (scalar, constant) → output (A..., R...) INT32 or INT64:
  /// the index of the largest value along axis (the first one on ties). FLOAT32, INT32 or INT8/UINT8 input.
  public struct ArgMax: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...2, outputs: 1...1)
      let x = try node.input(0, types: [.float32, .int32, .int8, .uint8])
      let axisValues = try node.constantIndices(1)
      guard axisValues.count == 1, let axis = x.shape.normalizedAxis(axisValues[0]) else {
        throw node.error("axis \(axisValues) is out of range for \(x.shape)", tensor: x)
      }
      _ = try node.output(0, types: [.int32, .int64])
      var dims = x.shape.dimensions
      dims.remove(at: axis)
      try node.setOutput(0, shape: Shape(dims))
      let outer = x.shape.count(0..<axis), n = x.shape[axis], inner = x.shape.count((axis + 1)..<x.shape.rank)
      return PreparedOp { io in
        let x = io.inputs[0], y = io.outputs[0]
        for o in 0..<outer {
          for r in 0..<inner {
            var best = 0
            var bestValue = -Double.infinity
            for j in 0..<n {
              let v = x.double(at: (o * n + j) * inner + r)
              if v > bestValue { bestValue = v; best = j }
            }
            y.store(integer: Int64(best), at: o * inner + r)
          }
        }
      }
    }
  }
}
