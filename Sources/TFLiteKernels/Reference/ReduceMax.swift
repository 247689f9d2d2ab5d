import TFLiteFormat

extension Reference {
  /// REDUCE_MAX: input (D...), axes (A) constant INT32 → output (D without the axes; kept as 1 with `keepDims`);
  /// FLOAT32 or INT32.
  public struct ReduceMax: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...2, outputs: 1...1)
      let x = try node.input(0, types: [.float32, .int32])
      let plan = try ReductionPlan(node)
      try node.setOutput(0, shape: plan.outputShape, type: x.type)
      if x.type == .int32 {
        return PreparedOp { io in
          let x = io.inputs[0].int32s, y = io.outputs[0].int32s
          y.update(repeating: .min)
          plan.forEach { o, i in y[o] = max(y[o], x[i]) }
        }
      }
      return PreparedOp { io in
        let x = io.inputs[0].floats, y = io.outputs[0].floats
        y.update(repeating: -.infinity)
        plan.forEach { o, i in y[o] = max(y[o], x[i]) }
      }
    }
  }
}
