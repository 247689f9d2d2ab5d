import TFLiteFormat

extension Reference {
  /// SPLIT: axis (scalar, constant), input (A..., D, R...) → n outputs (A..., D/n, R...). Any fixed-size type.
  public struct Split: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...2, outputs: 1...Int.max)
      let axis = try node.constantIndices(0)
      let x = try node.input(1)
      guard axis.count == 1 else { throw node.error("axis must be a single value; got \(axis)") }
      let n = node.outputs.count
      let normalized = x.shape.normalizedAxis(axis[0])
      guard let a = normalized, x.shape[a] % n == 0 else {
        throw node.error("dimension \(axis[0]) of \(x.shape) does not split into \(n) equal parts", tensor: x)
      }
      return try prepareSplit(&node, input: x, axis: a, sizes: Array(repeating: x.shape[a] / n, count: n))
    }
  }
}
