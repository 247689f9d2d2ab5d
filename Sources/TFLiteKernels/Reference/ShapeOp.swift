import TFLiteFormat

extension Reference {
  /// SHAPE: input (D₀, …, Dₙ₋₁) → output (n) INT32 or INT64 holding the dimensions.
  /// Reads only the input's shape, so the interpreter computes it while preparing.
  public struct ShapeOf: Kernel {
    public init() {}
    public var readsInputData: Bool { false }

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 1...1, outputs: 1...1)
      let x = try node.input(0)
      _ = try node.output(0, types: [.int32, .int64])
      try node.setOutput(0, shape: Shape([x.shape.rank]))
      let dims = x.shape.dimensions
      return PreparedOp { io in
        for (i, d) in dims.enumerated() { io.outputs[0].store(integer: Int64(d), at: i) }
      }
    }
  }
}
