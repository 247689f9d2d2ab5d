import TFLiteFormat

extension Reference {
  /// TRANSPOSE: input (D₀, …, Dₙ₋₁), permutation (n) constant → output (D_perm[0], …, D_perm[n−1]):
  /// `out[i₀, …] = in[...]` with output axis a taken from input axis `perm[a]`. Any fixed-size type.
  public struct Transpose: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...2, outputs: 1...1)
      let x = try node.input(0)
      guard let elementSize = x.type.byteSize else { throw node.error("(input) has unsupported type \(x.type)", tensor: x) }
      let perm = try node.constantIndices(1).map { $0 < 0 ? $0 + x.shape.rank : $0 }
      guard perm.count == x.shape.rank, Set(perm) == Set(0..<x.shape.rank) else {
        throw node.error("permutation \(perm) does not fit input \(x.shape)", tensor: x)
      }
      let strides = x.shape.strides
      try node.setOutput(0, shape: Shape(perm.map { x.shape[$0] }), type: x.type)
      let copy = StridedCopy(start: 0, sizes: perm.map { x.shape[$0] }, steps: perm.map { strides[$0] }, elementSize: elementSize)
      return PreparedOp { io in copy.run(from: io.inputs[0].data, to: io.outputs[0].data) }
    }
  }
}
