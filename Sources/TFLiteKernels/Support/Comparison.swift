import TFLiteFormat

/// The shared body of comparisons (EQUAL, LESS, ...): left (A...), right (B...) of the same type
/// (FLOAT32, INT32, INT64, INT8, UINT8 or BOOL) → output (broadcast of A and B) BOOL.
/// Quantized inputs compare their stored integers, which is exact when both share scale and zero point.
public struct ComparisonKernel: Kernel {
  public let float: @Sendable (Float, Float) -> Bool
  public let integer: @Sendable (Int64, Int64) -> Bool

  public init(float: @escaping @Sendable (Float, Float) -> Bool, integer: @escaping @Sendable (Int64, Int64) -> Bool) {
    self.float = float
    self.integer = integer
  }

  public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
    try node.expect(inputs: 2...2, outputs: 1...1)
    let a = try node.input(0, types: [.float32, .int32, .int64, .int8, .uint8, .bool])
    let b = try node.input(1, types: [a.type])
    guard let plan = BroadcastPlan(a.shape, b.shape) else { throw node.error("cannot broadcast input shapes \(a.shape) and \(b.shape)") }
    try node.setOutput(0, shape: plan.outputShape, type: .bool)
    let (f, g) = (float, integer)
    switch a.type {
    case .float32:
      return PreparedOp { io in plan.run(io.inputs[0].floats.baseAddress!, io.inputs[1].floats.baseAddress!, io.outputs[0].buffer(Bool.self).baseAddress!, f) }
    case .int32:
      return PreparedOp { io in
        plan.run(io.inputs[0].int32s.baseAddress!, io.inputs[1].int32s.baseAddress!, io.outputs[0].buffer(Bool.self).baseAddress!) { g(Int64($0), Int64($1)) }
      }
    case .int64:
      return PreparedOp { io in plan.run(io.inputs[0].int64s.baseAddress!, io.inputs[1].int64s.baseAddress!, io.outputs[0].buffer(Bool.self).baseAddress!, g) }
    case .int8:
      return PreparedOp { io in
        plan.run(io.inputs[0].int8s.baseAddress!, io.inputs[1].int8s.baseAddress!, io.outputs[0].buffer(Bool.self).baseAddress!) { g(Int64($0), Int64($1)) }
      }
    default:  // UINT8 and BOOL: one byte, unsigned
      return PreparedOp { io in
        plan.run(io.inputs[0].uint8s.baseAddress!, io.inputs[1].uint8s.baseAddress!, io.outputs[0].buffer(Bool.self).baseAddress!) { g(Int64($0), Int64($1)) }
      }
    }
  }
}
