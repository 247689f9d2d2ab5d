import TFLiteFormat

extension Reference {
  /// SQUEEZE: input (D...) → output (D without the size-1 dimensions listed in `squeezeDims`,
  /// or without every size-1 dimension when the list is empty); data copied unchanged.
  public struct Squeeze: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 1...1, outputs: 1...1)
      let x = try node.input(0)
      var dims: [Int32] = []
      if case .squeeze(let o) = node.options { dims = o.squeezeDims }
      var remove = Set<Int>()
      if dims.isEmpty {
        remove = Set(x.shape.dimensions.indices.filter { x.shape[$0] == 1 })
      } else {
        for d in dims {
          guard let axis = x.shape.normalizedAxis(Int(d)), x.shape[axis] == 1 else {
            throw node.error("cannot squeeze dimension \(d) of \(x.shape)", tensor: x)
          }
          remove.insert(axis)
        }
      }
      let shape = Shape(x.shape.dimensions.indices.filter { !remove.contains($0) }.map { x.shape[$0] })
      try node.setOutput(0, shape: shape, type: x.type)
      return PreparedOp { io in copyBytes(from: io.inputs[0], to: io.outputs[0]) }
    }
  }
}
