import TFLiteFormat

extension Reference {
  /// PAD: input (D...), paddings (rank, 2) constant → output (Dᵢ + before ᵢ + afterᵢ), filled with 0
  /// (the zero point for quantized tensors). Any fixed-size type.
  public struct Pad: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...2, outputs: 1...1)
      return try preparePadding(&node, constantValue: false)
    }
  }
}

/// The shared body of PAD and PADV2; with `constantValue` the fill value is input 2 (a scalar).
func preparePadding(_ node: inout NodeContext, constantValue: Bool) throws(KernelError) -> PreparedOp {
  let x = try node.input(0)
  guard let elementSize = x.type.byteSize else { throw node.error("(input) has unsupported type \(x.type)", tensor: x) }
  let paddings = try node.constantIndices(1)
  guard paddings.count == 2 * x.shape.rank, paddings.allSatisfy({ $0 >= 0 }) else {
    throw node.error("paddings \(paddings) must be non-negative (before, after) pairs, one per dimension of \(x.shape)", tensor: x)
  }
  if constantValue {
    let value = try node.input(2, types: [x.type])
    guard value.shape.elementCount == 1 else { throw node.error("(value) must hold exactly one element; it has shape \(value.shape)", tensor: value) }
  }
  // Added with overflow checks (paddings are model data, up to Int64.max); setOutput then bounds the
  // shape, so the strides below cannot overflow either.
  var outDims: [Int] = []
  for axis in 0..<x.shape.rank {
    let (withBefore, o1) = x.shape[axis].addingReportingOverflow(paddings[2 * axis])
    let (dim, o2) = withBefore.addingReportingOverflow(paddings[2 * axis + 1])
    guard !o1, !o2 else { throw node.error("paddings \(paddings) make dimension \(axis) of \(x.shape) overflow", tensor: x) }
    outDims.append(dim)
  }
  let outShape = Shape(outDims)
  try node.setOutput(0, shape: outShape, type: x.type)
  let zeroPoint = x.quantization?.zeroPoint.first ?? 0
  let outStrides = outShape.strides
  let interiorStart = (0..<x.shape.rank).reduce(0) { $0 + paddings[2 * $1] * outStrides[$1] }
  // Copy the input into the interior: a strided copy "from" the input viewed with output strides.
  let inner = x.shape.rank == 0 ? 1 : x.shape[x.shape.rank - 1]
  let rows = inner == 0 ? 0 : x.shape.elementCount / inner
  let rowShape = Shape(Array(x.shape.dimensions.dropLast()))
  let rowStrides = Array(outStrides.dropLast())
  var rowOffsets: [Int] = []
  for r in 0..<rows {
    var rest = r, offset = interiorStart
    let rs = rowShape.strides
    for axis in 0..<rowShape.rank { offset += (rest / rs[axis]) * rowStrides[axis]; rest %= rs[axis] }
    rowOffsets.append(offset)
  }
  return PreparedOp { io in
    let out = io.outputs[0], src = io.inputs[0].data
    // Fill with the pad value.
    if constantValue {
      let value = io.inputs[2].data
      for i in 0..<out.elementCount { (out.data + i * elementSize).copyMemory(from: value, byteCount: elementSize) }
    } else if zeroPoint == 0 {
      out.data.initializeMemory(as: UInt8.self, repeating: 0, count: out.byteCount)
    } else {
      for i in 0..<out.elementCount { out.store(integer: zeroPoint, at: i) }
    }
    for (r, offset) in rowOffsets.enumerated() {
      (out.data + offset * elementSize).copyMemory(from: src + r * inner * elementSize, byteCount: inner * elementSize)
    }
  }
}
