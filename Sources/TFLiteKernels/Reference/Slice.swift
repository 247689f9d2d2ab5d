import TFLiteFormat

extension Reference {
  /// SLICE: input (D...), begin (n), size (n) constant → output (size, with -1 meaning "to the end"):
  /// `out[j] = in[begin + j]`. Any fixed-size type.
  public struct Slice: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 3...3, outputs: 1...1)
      let x = try node.input(0)
      guard let elementSize = x.type.byteSize else { throw node.error("(input) has unsupported type \(x.type)", tensor: x) }
      let begin = try node.constantIndices(1), size = try node.constantIndices(2)
      guard begin.count == x.shape.rank, size.count == x.shape.rank else {
        throw node.error("begin \(begin) and size \(size) must have one entry per dimension of \(x.shape)", tensor: x)
      }
      var sizes: [Int] = []
      for axis in 0..<x.shape.rank {
        let n = x.shape[axis]
        // Begin is checked before anything is computed from it: begin and size are model data, up to ±Int64.max.
        guard (0...n).contains(begin[axis]), case let s = size[axis] == -1 ? n - begin[axis] : size[axis],
              s >= 0, s <= n - begin[axis] else {
          throw node.error("begin \(begin) and size \(size) fall outside \(x.shape)", tensor: x)
        }
        sizes.append(s)
      }
      let strides = x.shape.strides
      let start = zip(begin, strides).reduce(0) { $0 + $1.0 * $1.1 }
      try node.setOutput(0, shape: Shape(sizes), type: x.type)
      let copy = StridedCopy(start: start, sizes: sizes, steps: strides, elementSize: elementSize)
      return PreparedOp { io in copy.run(from: io.inputs[0].data, to: io.outputs[0].data) }
    }
  }
}
