import TFLiteFormat

extension Reference {
  /// SELECT_V2: condition (C...) BOOL, x (X...), y (Y...) of one type → output (broadcast of C, X
  /// and Y): `condition ? x : y` elementwise. Any fixed-size type.
  ///
  /// SELECT (version 1) uses the same kernel; its older rule — a 1-D condition picking whole rows
  /// of x and y — is read as the condition broadcast along the first dimension.
  public struct SelectV2: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 3...3, outputs: 1...1)
      let c = try node.input(0, types: [.bool])
      let x = try node.input(1)
      let y = try node.input(2, types: [x.type])
      guard let elementSize = x.type.byteSize else { throw node.error("(x) has unsupported type \(x.type)", tensor: x) }
      var conditionShape = c.shape
      // SELECT v1: condition (N) with x (N, ...) selects rows.
      if node.opName.hasPrefix("SELECT ") && c.shape.rank == 1 && x.shape.rank > 1 && c.shape[0] == x.shape[0] {
        conditionShape = Shape(c.shape.dimensions + Array(repeating: 1, count: x.shape.rank - 1))
      }
      guard let xy = Shape.broadcast(x.shape, y.shape), let out = Shape.broadcast(conditionShape, xy) else {
        throw node.error("cannot broadcast condition \(c.shape), x \(x.shape) and y \(y.shape)")
      }
      try node.setOutput(0, shape: out, type: x.type)
      let cs = conditionShape.broadcastStrides(to: out), xs = x.shape.broadcastStrides(to: out), ys = y.shape.broadcastStrides(to: out)
      let outStrides = out.strides
      let count = out.elementCount
      return PreparedOp { io in
        let cond = io.inputs[0].buffer(Bool.self), xd = io.inputs[1].data, yd = io.inputs[2].data, o = io.outputs[0].data
        for i in 0..<count {
          var rest = i, ci = 0, xi = 0, yi = 0
          for axis in 0..<outStrides.count {
            let j = rest / outStrides[axis]
            rest -= j * outStrides[axis]
            ci += j * cs[axis]; xi += j * xs[axis]; yi += j * ys[axis]
          }
          let source = cond[ci] ? xd + xi * elementSize : yd + yi * elementSize
          (o + i * elementSize).copyMemory(from: source, byteCount: elementSize)
        }
      }
    }
  }
}
