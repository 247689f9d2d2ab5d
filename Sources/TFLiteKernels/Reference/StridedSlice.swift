import TFLiteFormat

extension Reference {
  /// STRIDED_SLICE: input (D...), begin (n), end (n), strides (n) constant → output (the selected
  /// lengths, with new axes inserted and shrunk axes removed); any fixed-size type.
  ///
  /// Follows TensorFlow's rules: bit i of `beginMask`/`endMask` ignores begin[i]/end[i] (full range);
  /// `ellipsisMask` expands entry i to every dimension not named by other entries; `newAxisMask`
  /// inserts a dimension of 1 (begin/end ignored); `shrinkAxisMask` takes the single element begin[i]
  /// and drops the dimension; with `offset`, end[i] is relative to begin[i]. Negative indices count
  /// from the end; begin and end are clamped to the dimension.
  public struct StridedSlice: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 3...4, outputs: 1...1)
      let x = try node.input(0)
      guard let elementSize = x.type.byteSize else { throw node.error("(input) has unsupported type \(x.type)", tensor: x) }
      var options = StridedSliceOptions()
      if case .stridedSlice(let o) = node.options { options = o }
      let begin = try node.constantIndices(1), end = try node.constantIndices(2)
      let strides = node.inputs.count > 3 && node.inputs[3] != nil ? try node.constantIndices(3) : Array(repeating: 1, count: begin.count)
      guard begin.count == end.count, begin.count == strides.count else {
        throw node.error("begin \(begin), end \(end) and strides \(strides) must have the same length")
      }
      let bit = { (mask: Int32, i: Int) -> Bool in (mask >> Int32(i)) & 1 == 1 }
      let rank = x.shape.rank
      let specCount = begin.count

      // Expand the sparse specification into one entry per input dimension.
      struct Entry { var begin = 0, end = 0, stride = 1, beginMasked = true, endMasked = true, shrink = false }
      var dense: [Entry] = []
      var sawEllipsis = false
      for i in 0..<specCount {
        if bit(options.ellipsisMask, i) && !sawEllipsis {
          sawEllipsis = true
          // Entries after the ellipsis that name an input dimension.
          let namedAfter = ((i + 1)..<specCount).filter { !bit(options.newAxisMask, $0) }.count
          let fill = rank - dense.count - namedAfter
          for _ in 0..<max(fill, 0) { dense.append(Entry()) }
        } else if bit(options.newAxisMask, i) {
          continue
        } else {
          dense.append(Entry(begin: begin[i], end: end[i], stride: strides[i], beginMasked: bit(options.beginMask, i),
                             endMasked: bit(options.endMask, i), shrink: bit(options.shrinkAxisMask, i)))
        }
      }
      while dense.count < rank { dense.append(Entry()) }
      guard dense.count == rank else {
        throw node.error("slice specification names \(dense.count) dimensions; input \(x.shape) has \(rank)", tensor: x)
      }

      let inputStrides = x.shape.strides
      var start = 0
      var sizes: [Int] = [], steps: [Int] = []
      var keptLengths: [Int] = []   // per input dimension; nil-like -1 when shrunk
      for (axis, e) in dense.enumerated() {
        let n = x.shape[axis]
        guard e.stride != 0 else { throw node.error("stride for dimension \(axis) is 0") }
        var first: Int, length: Int, step = 0
        if e.shrink {
          first = e.begin < 0 ? e.begin + n : e.begin
          guard first >= 0, first < n else { throw node.error("index \(e.begin) is out of range for dimension \(axis) of \(x.shape)", tensor: x) }
          length = 1
          keptLengths.append(-1)
        } else {
          // begin, end and stride are model data and may be any Int64. A stride longer than the dimension
          // selects what one of length max(n, 1) does, and an end beyond ±(n + 1) what one at ±(n + 1)
          // does: clamped first, nothing below can overflow.
          let s = e.stride > 0 ? min(e.stride, max(n, 1)) : max(e.stride, -max(n, 1))
          let end = min(max(e.end, -(n + 1)), n + 1)
          step = s * inputStrides[axis]
          func clamp(_ v: Int) -> Int { s > 0 ? min(max(v, 0), n) : min(max(v, -1), n - 1) }
          first = e.beginMasked ? (s > 0 ? 0 : n - 1) : clamp(e.begin < 0 ? e.begin + n : e.begin)
          var stop: Int
          if options.offset && !e.endMasked {
            stop = clamp(first + end)
          } else {
            stop = e.endMasked ? (s > 0 ? n : -1) : clamp(end < 0 ? end + n : end)
          }
          if n == 0 { first = 0; stop = 0 }
          length = s > 0 ? max(0, (stop - first + s - 1) / s) : max(0, (first - stop + (-s) - 1) / (-s))
          keptLengths.append(length)
        }
        start += first * inputStrides[axis]
        sizes.append(length)
        steps.append(step)
      }

      // Output shape: walk the sparse spec again, inserting new axes and dropping shrunk ones.
      var outDims: [Int] = []
      var denseIndex = 0
      sawEllipsis = false
      for i in 0..<specCount {
        if bit(options.ellipsisMask, i) && !sawEllipsis {
          sawEllipsis = true
          let namedAfter = ((i + 1)..<specCount).filter { !bit(options.newAxisMask, $0) }.count
          let fill = rank - denseIndex - namedAfter
          for _ in 0..<max(fill, 0) { outDims.append(keptLengths[denseIndex]); denseIndex += 1 }
        } else if bit(options.newAxisMask, i) {
          outDims.append(1)
        } else {
          if keptLengths[denseIndex] >= 0 { outDims.append(keptLengths[denseIndex]) }
          denseIndex += 1
        }
      }
      while denseIndex < rank {
        if keptLengths[denseIndex] >= 0 { outDims.append(keptLengths[denseIndex]) }
        denseIndex += 1
      }
      try node.setOutput(0, shape: Shape(outDims), type: x.type)
      let copy = StridedCopy(start: start, sizes: sizes, steps: steps, elementSize: elementSize)
      return PreparedOp { io in copy.run(from: io.inputs[0].data, to: io.outputs[0].data) }
    }
  }
}
