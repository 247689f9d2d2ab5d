import TFLiteFormat

extension Reference {
  /// RESHAPE: input (D...) → output (new shape, same element count); the data is copied unchanged.
  ///
  /// The new shape comes from the second input (a constant 1-D INT32 tensor), else from
  /// `ReshapeOptions.newShape`, else from the output tensor's own shape; one dimension may be -1
  /// (inferred).
  public struct Reshape: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 1...2, outputs: 1...1)
      let x = try node.input(0)
      var requested: [Int]
      if let shapeInput = try node.optionalInput(1, types: [.int32, .int64]), shapeInput.shape.rank == 1 {
        requested = try node.constantIndices(1)
      } else if case .reshape(let o) = node.options, let newShape = o.newShape {
        requested = newShape.map(Int.init)
      } else {
        requested = try node.output(0).shape.dimensions
      }
      // A shape of [0] with a non-empty input means a scalar in old converters.
      if requested == [0] && x.shape.elementCount == 1 { requested = [] }
      let inferred = requested.filter { $0 == -1 }.count
      // Counted with overflow checks: the new shape is model data and may hold any Int32 or Int64.
      guard inferred <= 1, !requested.contains(where: { $0 < -1 }),
            let known = Shape(requested.filter { $0 != -1 }).checkedElementCount else {
        throw node.error("new shape \(requested) is invalid", tensor: x)
      }
      if inferred == 1 {
        guard known > 0, x.shape.elementCount % known == 0 else {
          throw node.error("cannot reshape \(x.shape) to \(requested)", tensor: x)
        }
        requested = requested.map { $0 == -1 ? x.shape.elementCount / known : $0 }
      }
      let shape = Shape(requested)
      guard shape.elementCount == x.shape.elementCount else {
        throw node.error("cannot reshape \(x.shape) (\(x.shape.elementCount) elements) to \(shape)", tensor: x)
      }
      try node.setOutput(0, shape: shape, type: x.type)
      return PreparedOp { io in copyBytes(from: io.inputs[0], to: io.outputs[0]) }
    }
  }
}
