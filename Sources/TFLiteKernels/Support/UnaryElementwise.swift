import TFLiteFormat

/// The shared body of elementwise unary float operators (TANH, EXP, RSQRT, GELU, ...):
/// input (D...) FLOAT32 → output (D...) FLOAT32, `y[i] = f(x[i])`.
public struct UnaryFloatKernel: Kernel {
  public let function: @Sendable (Float) -> Float
  public init(_ function: @escaping @Sendable (Float) -> Float) { self.function = function }

  public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
    try node.expect(inputs: 1...1, outputs: 1...1)
    let x = try node.input(0, types: [.float32])
    try node.setOutput(0, shape: x.shape, type: .float32)
    let f = function
    return PreparedOp { io in
      let x = io.inputs[0].floats, y = io.outputs[0].floats
      for i in 0..<x.count { y[i] = f(x[i]) }
    }
  }
}
