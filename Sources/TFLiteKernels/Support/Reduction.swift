import TFLiteFormat

/// The shape bookkeeping of reductions (MEAN, SUM, REDUCE_MAX, ...): input (D...) and constant
/// axes → output (D with reduced axes dropped, or kept as 1 with `keepDims`).
struct ReductionPlan {
  let inputShape: Shape
  let outputShape: Shape
  /// For each input axis, the output stride it maps to (0 for reduced axes).
  let outputStrides: [Int]
  /// How many input elements fall into each output element.
  let reducedCount: Int

  init(_ node: NodeContext) throws(KernelError) {
    let x = try node.input(0)
    let axes = try node.constantIndices(1)
    var keepDims = false
    if case .reducer(let o) = node.options { keepDims = o.keepDims }
    var reduced = Set<Int>()
    for a in axes {
      guard let axis = x.shape.normalizedAxis(a) else { throw node.error("axis \(a) is out of range for input \(x.shape)", tensor: x) }
      reduced.insert(axis)
    }
    var kept: [Int] = [], keptShape: [Int] = []
    for axis in 0..<x.shape.rank {
      if reduced.contains(axis) { if keepDims { keptShape.append(1) } } else { kept.append(axis); keptShape.append(x.shape[axis]) }
    }
    inputShape = x.shape
    outputShape = Shape(keptShape)
    let compact = Shape(kept.map { x.shape[$0] }).strides
    var strides = [Int](repeating: 0, count: x.shape.rank)
    for (j, axis) in kept.enumerated() { strides[axis] = compact[j] }
    outputStrides = strides
    reducedCount = reduced.reduce(1) { $0 * x.shape[$1] }
  }

  /// Calls `body(outputIndex, inputIndex)` for every input element, in row-major input order.
  @inline(__always)
  func forEach(_ body: (Int, Int) -> Void) {
    if inputShape.rank == 0 { body(0, 0); return }
    var i = 0
    walk(0, 0, &i, body)
  }

  private func walk(_ axis: Int, _ outOffset: Int, _ i: inout Int, _ body: (Int, Int) -> Void) {
    let size = inputShape[axis], s = outputStrides[axis]
    if axis == inputShape.rank - 1 {
      for j in 0..<size { body(outOffset + j * s, i); i += 1 }
    } else {
      for j in 0..<size { walk(axis + 1, outOffset + j * s, &i, body) }
    }
  }
}
