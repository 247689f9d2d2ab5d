import TFLiteFormat

extension Reference {
  /// BROADCAST_TO: input (D...), shape (n) constant → output (shape), NumPy broadcasting of the
  /// input to that shape. Any fixed-size type.
  public struct BroadcastTo: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...2, outputs: 1...1)
      let x = try node.input(0)
      guard let elementSize = x.type.byteSize else { throw node.error("(input) has unsupported type \(x.type)", tensor: x) }
      let target = Shape(try node.constantIndices(1))
      guard target.rank >= x.shape.rank, Shape.broadcast(x.shape, target) == target else {
        throw node.error("cannot broadcast \(x.shape) to \(target)", tensor: x)
      }
      try node.setOutput(0, shape: target, type: x.type)
      return prepareBroadcastCopy(from: x.shape, to: target, elementSize: elementSize, wrapping: false)
    }
  }
}
