import TFLiteFormat

extension Reference {
  /// MEAN: input (D...), axes (A) constant INT32 → output (D without the axes; kept as 1 with `keepDims`).
  /// FLOAT32 sums accumulated in float, then divided by the number of reduced elements.
  public struct Mean: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...2, outputs: 1...1)
      _ = try node.input(0, types: [.float32])
      let plan = try ReductionPlan(node)
      try node.setOutput(0, shape: plan.outputShape, type: .float32)
      let divisor = Float(max(plan.reducedCount, 1))
      return PreparedOp { io in
        let x = io.inputs[0].floats, y = io.outputs[0].floats
        y.update(repeating: 0)
        plan.forEach { o, i in y[o] += x[i] }
        for j in 0..<y.count { y[j] /= divisor }
      }
    }
  }
}
