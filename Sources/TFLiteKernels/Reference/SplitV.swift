import TFLiteFormat

extension Reference {
  /// SPLIT_V: input (A..., D, R...), sizes (n, one may be -1) constant, axis (scalar) constant
  /// → n outputs (A..., sizeᵢ, R...). Any fixed-size type.
  public struct SplitV: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 3...3, outputs: 1...Int.max)
      let x = try node.input(0)
      let sizes = try node.constantIndices(1)
      let axis = try node.constantIndices(2)
      guard axis.count == 1 else { throw node.error("axis must be a single value; got \(axis)") }
      return try prepareSplit(&node, input: x, axis: axis[0], sizes: sizes)
    }
  }
}
