import TFLiteFormat

/// The shared body of SPLIT and SPLIT_V: input (A..., D, R...) → outputs (A..., sizeᵢ, R...), Σ sizeᵢ = D.
func prepareSplit(_ node: inout NodeContext, input: TensorInfo, axis rawAxis: Int, sizes requested: [Int]) throws(KernelError) -> PreparedOp {
  guard let elementSize = input.type.byteSize else { throw node.error("(input) has unsupported type \(input.type)", tensor: input) }
  guard let axis = input.shape.normalizedAxis(rawAxis) else { throw node.error("axis \(rawAxis) is out of range for \(input.shape)", tensor: input) }
  let total = input.shape[axis]
  let refusal = node.error("cannot split dimension \(axis) of \(input.shape) into \(requested) for \(node.outputs.count) outputs", tensor: input)
  // The given sizes are summed with overflow checks: SPLIT_V's sizes are model data, up to Int64.max.
  var known = 0
  for s in requested where s != -1 {
    let (sum, overflow) = known.addingReportingOverflow(s)
    guard s >= 0, !overflow else { throw refusal }
    known = sum
  }
  let inferred = requested.filter { $0 == -1 }.count
  let sizes = inferred == 1 ? requested.map { $0 == -1 ? total - known : $0 } : requested
  guard sizes.count == node.outputs.count, inferred <= 1, sizes.allSatisfy({ $0 >= 0 }), inferred == 1 || known == total else {
    throw refusal
  }
  for (i, s) in sizes.enumerated() {
    var dims = input.shape.dimensions
    dims[axis] = s
    try node.setOutput(i, shape: Shape(dims), type: input.type)
  }
  let outer = input.shape.count(0..<axis)
  let inner = input.shape.count((axis + 1)..<input.shape.rank) * elementSize
  let inputIndex = input.index
  let position = node.inputs.firstIndex { $0?.index == inputIndex } ?? 0
  return PreparedOp { io in
    var src = io.inputs[position].data
    for j in 0..<outer {
      for (i, s) in sizes.enumerated() {
        let bytes = s * inner
        (io.outputs[i].data + j * bytes).copyMemory(from: src, byteCount: bytes)
        src += bytes
      }
    }
  }
}
