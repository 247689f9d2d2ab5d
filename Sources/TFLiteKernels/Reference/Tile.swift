import TFLiteFormat

extension Reference {
  /// TILE: input (D₀, …), multiples (rank) constant → output (D₀·m₀, …): the input repeated
  /// along every dimension. Any fixed-size type.
  public struct Tile: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...2, outputs: 1...1)
      let x = try node.input(0)
      guard let elementSize = x.type.byteSize else { throw node.error("(input) has unsupported type \(x.type)", tensor: x) }
      let multiples = try node.constantIndices(1)
      guard multiples.count == x.shape.rank, multiples.allSatisfy({ $0 >= 0 }) else {
        throw node.error("multiples \(multiples) must be non-negative, one per dimension of \(x.shape)", tensor: x)
      }
      // Multiplied with overflow checks: multiples are model data, up to Int64.max.
      var dims: [Int] = []
      for (d, m) in zip(x.shape.dimensions, multiples) {
        let (product, overflow) = d.multipliedReportingOverflow(by: m)
        guard !overflow else { throw node.error("multiples \(multiples) make \(x.shape) overflow", tensor: x) }
        dims.append(product)
      }
      let out = Shape(dims)
      try node.setOutput(0, shape: out, type: x.type)
      return prepareBroadcastCopy(from: x.shape, to: out, elementSize: elementSize, wrapping: true)
    }
  }
}

/// Fills an output by reading the input at `out index mod input dimension` (TILE) or with
/// size-1 dimensions repeated (BROADCAST_TO).
func prepareBroadcastCopy(from input: Shape, to out: Shape, elementSize: Int, wrapping: Bool) -> PreparedOp {
  let lead = out.rank - input.rank
  let inStrides = input.strides, outStrides = out.strides
  let dims = input.dimensions
  let count = out.elementCount
  return PreparedOp { io in
    let src = io.inputs[0].data, dst = io.outputs[0].data
    for i in 0..<count {
      var rest = i, offset = 0
      for axis in 0..<out.rank {
        let j = rest / outStrides[axis]
        rest -= j * outStrides[axis]
        guard axis >= lead else { continue }
        let d = dims[axis - lead]
        let k = wrapping ? j % d : (d == 1 ? 0 : j)
        offset += k * inStrides[axis - lead]
      }
      (dst + i * elementSize).copyMemory(from: src + offset * elementSize, byteCount: elementSize)
    }
  }
}
