import TFLiteFormat

extension Reference {
  /// FILL: dims (n) constant INT32/INT64, value (scalar) → output (dims) filled with value. Any fixed-size type.
  public struct Fill: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...2, outputs: 1...1)
      let dims = try node.constantIndices(0)
      let value = try node.input(1)
      guard let elementSize = value.type.byteSize, value.shape.elementCount == 1 else {
        throw node.error("(value) must be a scalar of a fixed-size type", tensor: value)
      }
      guard dims.allSatisfy({ $0 >= 0 }) else { throw node.error("dims \(dims) must be non-negative") }
      try node.setOutput(0, shape: Shape(dims), type: value.type)
      return PreparedOp { io in
        let out = io.outputs[0]
        for i in 0..<out.elementCount { (out.data + i * elementSize).copyMemory(from: io.inputs[1].data, byteCount: elementSize) }
      }
    }
  }
}
