import TFLiteFormat

extension Reference {
  /// CAST: input (D...) → output (D...) of the output tensor's type. Between FLOAT32/64, FLOAT16,
  /// INT8/16/32/64, UINT8/16/32 and BOOL: floats to integers truncate toward zero, anything to
  /// BOOL is `x != 0`, BOOL to numbers is 0 or 1.
  public struct Cast: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 1...1, outputs: 1...1)
      let x = try node.input(0, types: numericTypes)
      let y = try node.output(0, types: numericTypes)
      try node.setOutput(0, shape: x.shape)
      let integral = ![TensorType.float32, .float64, .float16].contains(x.type)
      if x.type == y.type {
        return PreparedOp { io in copyBytes(from: io.inputs[0], to: io.outputs[0]) }
      }
      return PreparedOp { io in
        let x = io.inputs[0], y = io.outputs[0]
        if integral {
          for i in 0..<x.elementCount { y.store(integer: x.integer(at: i), at: i) }
        } else {
          for i in 0..<x.elementCount { y.store(double: x.double(at: i), at: i) }
        }
      }
    }
  }
}
