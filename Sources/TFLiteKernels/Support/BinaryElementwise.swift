import TFLiteFormat

/// The shared body of elementwise binary operators (ADD, SUB, MUL, DIV, POW, MAXIMUM, ...):
/// left (A...) and right (B...) broadcast NumPy-style → output (broadcast shape).
///
/// Each operator file gives the per-type operations it supports; a fused activation,
/// when the options carry one, is applied to FLOAT32 and INT32 results.
public struct BinaryElementwiseKernel: Kernel {
  public let float: (@Sendable (Float, Float) -> Float)?
  public let int32: (@Sendable (Int32, Int32) -> Int32)?
  public let int64: (@Sendable (Int64, Int64) -> Int64)?

  public init(float: (@Sendable (Float, Float) -> Float)?, int32: (@Sendable (Int32, Int32) -> Int32)? = nil,
              int64: (@Sendable (Int64, Int64) -> Int64)? = nil) {
    self.float = float
    self.int32 = int32
    self.int64 = int64
  }

  public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
    try node.expect(inputs: 2...2, outputs: 1...1)
    var types: [TensorType] = []
    if float != nil { types.append(.float32) }
    if int32 != nil { types.append(.int32) }
    if int64 != nil { types.append(.int64) }
    let a = try node.input(0, types: types)
    let b = try node.input(1, types: [a.type])
    guard let plan = BroadcastPlan(a.shape, b.shape) else {
      throw node.error("cannot broadcast input shapes \(a.shape) and \(b.shape)")
    }
    try node.setOutput(0, shape: plan.outputShape, type: a.type)
    let activation: ActivationFunction
    switch node.options {
    case .add(let o), .sub(let o): activation = o.fusedActivation
    case .mul(let f), .div(let f): activation = f
    default: activation = .none
    }
    guard activation.isSupportedFused else { throw node.error("fused activation \(activation) is not supported") }
    switch a.type {
    case .float32:
      let op = float!
      return PreparedOp { io in
        plan.run(io.inputs[0].floats.baseAddress!, io.inputs[1].floats.baseAddress!, io.outputs[0].floats.baseAddress!, op)
        activation.apply(to: io.outputs[0].floats)
      }
    case .int32:
      let op = int32!
      return PreparedOp { io in
        plan.run(io.inputs[0].int32s.baseAddress!, io.inputs[1].int32s.baseAddress!, io.outputs[0].int32s.baseAddress!, op)
        activation.apply(to: io.outputs[0].int32s)
      }
    default:
      let op = int64!
      return PreparedOp { io in
        plan.run(io.inputs[0].int64s.baseAddress!, io.inputs[1].int64s.baseAddress!, io.outputs[0].int64s.baseAddress!, op)
      }
    }
  }
}
