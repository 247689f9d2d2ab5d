import TFLiteFormat

extension Reference {
  /// ZEROS_LIKE: input (D...) → output (D...) of zeros, same type.
  public struct ZerosLike: Kernel {
    public init() {}
    public var readsInputData: Bool { false }

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 1...1, outputs: 1...1)
      let x = try node.input(0)
      guard x.type.byteSize != nil else { throw node.error("(input) has unsupported type \(x.type)", tensor: x) }
      try node.setOutput(0, shape: x.shape, type: x.type)
      return PreparedOp { io in io.outputs[0].data.initializeMemory(as: UInt8.self, repeating: 0, count: io.outputs[0].byteCount) }
    }
  }
}
