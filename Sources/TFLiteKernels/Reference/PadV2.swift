import TFLiteFormat

extension Reference {
  /// PADV2: input (D...), paddings (rank, 2) constant, value (scalar, input's type)
  /// → output (Dᵢ + beforeᵢ + afterᵢ), filled with value. Any fixed-size type.
  public struct PadV2: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 3...3, outputs: 1...1)
      return try preparePadding(&node, constantValue: true)
    }
  }
}
