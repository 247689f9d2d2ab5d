import TFLiteFormat

extension Reference {
  /// EXPAND_DIMS: input (D...), axis (scalar, constant) → output (D with a 1 inserted at axis;
  /// a negative axis counts from the end of the output); data copied unchanged.
  public struct ExpandDims: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...2, outputs: 1...1)
      let x = try node.input(0)
      let axes = try node.constantIndices(1)
      guard axes.count == 1 else { throw node.error("axis must be a single value; got \(axes)") }
      var axis = axes[0]
      if axis < 0 { axis += x.shape.rank + 1 }
      guard (0...x.shape.rank).contains(axis) else { throw node.error("axis \(axes[0]) is out of range for \(x.shape)", tensor: x) }
      var dims = x.shape.dimensions
      dims.insert(1, at: axis)
      try node.setOutput(0, shape: Shape(dims), type: x.type)
      return PreparedOp { io in copyBytes(from: io.inputs[0], to: io.outputs[0]) }
    }
  }
}
