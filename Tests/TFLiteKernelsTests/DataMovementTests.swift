import Testing
import TFLiteFormat
import TFLiteKernels
import TestSupport

@Suite("Data movement kernels")
struct DataMovementTests {
  let x23: TestTensor = .floats([2, 3], [1, 2, 3, 4, 5, 6])

  @Test("RESHAPE from a shape tensor with -1, from options, refusing a wrong count")
  func reshape() throws {
    let a = try runKernel(Reference.Reshape(), inputs: [x23, .int32s([2], [3, -1])], outputTypes: [.float32])
    #expect(a[0].shape == [3, 2])
    #expect(a[0].floats == [1, 2, 3, 4, 5, 6])
    let b = try runKernel(Reference.Reshape(), options: .reshape(ReshapeOptions(newShape: [6])), inputs: [x23], outputTypes: [.float32])
    #expect(b[0].shape == [6])
    #expect(throws: KernelError.self) { _ = try runKernel(Reference.Reshape(), inputs: [x23, .int32s([1], [4])], outputTypes: [.float32]) }
    // A shape that is not known before running is refused with a clear message.
    #expect(throws: KernelError.self) { _ = try runKernel(Reference.Reshape(), inputs: [x23, .int32s([2], [3, 2], constant: false)], outputTypes: [.float32]) }
  }

  @Test("RESHAPE refuses a new shape whose product overflows")
  func reshapeOverflow() {
    #expect(throws: KernelError.self) { _ = try runKernel(Reference.Reshape(), inputs: [x23, .int32s([3], [.max, .max, .max])], outputTypes: [.float32]) }
    #expect(throws: KernelError.self) { _ = try runKernel(Reference.Reshape(), inputs: [x23, .int64s([3], [.max, -1, .max])], outputTypes: [.float32]) }
  }

  @Test("SQUEEZE and EXPAND_DIMS")
  func squeezeExpand() throws {
    let x: TestTensor = .floats([1, 3, 1], [1, 2, 3])
    #expect(try runKernel(Reference.Squeeze(), inputs: [x], outputTypes: [.float32])[0].shape == [3])
    #expect(try runKernel(Reference.Squeeze(), options: .squeeze(SqueezeOptions(squeezeDims: [-1])), inputs: [x], outputTypes: [.float32])[0].shape == [1, 3])
    #expect(try runKernel(Reference.ExpandDims(), inputs: [x23, .int32s([], [-1])], outputTypes: [.float32])[0].shape == [2, 3, 1])
    #expect(try runKernel(Reference.ExpandDims(), inputs: [x23, .int32s([1], [0])], outputTypes: [.float32])[0].shape == [1, 2, 3])
  }

  @Test("TRANSPOSE 2-D and the attention-head permutation (0, 2, 1, 3)")
  func transpose() throws {
    let t = try runKernel(Reference.Transpose(), inputs: [x23, .int32s([2], [1, 0])], outputTypes: [.float32])
    #expect(t[0].shape == [3, 2])
    #expect(t[0].floats == [1, 4, 2, 5, 3, 6])
    // (B=1, S=2, H=2, D=2) → (1, 2, 2, 2) with heads first.
    let x: TestTensor = .floats([1, 2, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7])
    let h = try runKernel(Reference.Transpose(), inputs: [x, .int32s([4], [0, 2, 1, 3])], outputTypes: [.float32])
    #expect(h[0].floats == [0, 1, 4, 5, 2, 3, 6, 7])
  }

  @Test("PAD with zeros and PADV2 with a value")
  func pad() throws {
    let p = try runKernel(Reference.Pad(), inputs: [.floats([1, 2], [1, 2]), .int32s([2, 2], [0, 1, 1, 0])], outputTypes: [.float32])
    #expect(p[0].shape == [2, 3])
    #expect(p[0].floats == [0, 1, 2, 0, 0, 0])
    let v = try runKernel(Reference.PadV2(), inputs: [.floats([2], [1, 2]), .int32s([1, 2], [1, 2]), .floats([], [-1])], outputTypes: [.float32])
    #expect(v[0].floats == [-1, 1, 2, -1, -1])
  }

  @Test("PAD refuses paddings that overflow a dimension or the element count; PADV2 a value that is not one element")
  func padOverflow() {
    let x: TestTensor = .floats([1, 2], [1, 2])
    #expect(throws: KernelError.self) { _ = try runKernel(Reference.Pad(), inputs: [x, .int64s([2, 2], [0, .max, 0, 1])], outputTypes: [.float32]) }
    #expect(throws: KernelError.self) { _ = try runKernel(Reference.Pad(), inputs: [x, .int32s([2, 2], [0, .max, 0, .max])], outputTypes: [.float32]) }
    #expect(throws: KernelError.self) {
      _ = try runKernel(Reference.PadV2(), inputs: [x, .int32s([2, 2], [0, 1, 0, 1]), .floats([0], [])], outputTypes: [.float32])
    }
  }

  /// Row-major strides of `shape`, in elements.
  static func strides(_ shape: [Int]) -> [Int] {
    var strides = Array(repeating: 1, count: shape.count)
    for d in stride(from: shape.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
    return strides
  }

  /// The elements of x (values 0, 1, 2, … in row-major order) at every combination of the per-axis
  /// indices, in row-major order of the output: what a slice or transpose must copy, index by index.
  static func gather(_ shape: [Int], _ indices: [[Int]]) -> [Float] {
    let strides = strides(shape)
    var offsets = [0]
    for (d, axis) in indices.enumerated() { offsets = offsets.flatMap { o in axis.map { o + $0 * strides[d] } } }
    return offsets.map(Float.init)
  }

  @Test("SLICE, STRIDED_SLICE and TRANSPOSE copy what indexing element by element selects: random shapes with size-1 axes, whole rows (one contiguous run), negative strides")
  func dataMovementAgainstIndexing() throws {
    var rng = SeededGenerator(seed: 23)
    for _ in 0..<200 {
      let rank = Int.random(in: 1...5, using: &rng)
      let shape = (0..<rank).map { _ in [1, 1, 2, 3, 5, 8].randomElement(using: &rng)! }
      let count = shape.reduce(1, *)
      let x: TestTensor = .floats(shape, (0..<count).map(Float.init))
      // SLICE: each axis whole (so that runs merge) or a random part.
      var begin: [Int32] = [], size: [Int32] = [], sliceIndices: [[Int]] = []
      for dim in shape {
        let b = Bool.random(using: &rng) ? 0 : Int.random(in: 0..<dim, using: &rng)
        let n = b == 0 && Bool.random(using: &rng) ? dim : Int.random(in: 1...(dim - b), using: &rng)
        begin.append(Int32(b)); size.append(Int32(n)); sliceIndices.append(Array(b..<(b + n)))
      }
      let sliced = try runKernel(Reference.Slice(), inputs: [x, .int32s([rank], begin), .int32s([rank], size)], outputTypes: [.float32])[0]
      #expect(sliced.floats == Self.gather(shape, sliceIndices), "SLICE \(shape) begin \(begin) size \(size)")
      // STRIDED_SLICE: strides of ±1 and ±2, ends inside the axis.
      var starts: [Int32] = [], ends: [Int32] = [], steps: [Int32] = [], stridedIndices: [[Int]] = []
      for dim in shape {
        let step = [1, 1, 2, -1, -2].randomElement(using: &rng)!
        let b = Int.random(in: 0..<dim, using: &rng)
        // A negative stride walks down from b to just above e (an end of 0 stops before index 0).
        let e = step > 0 ? Int.random(in: (b + 1)...dim, using: &rng) : Int.random(in: 0...b, using: &rng)
        let taken = Array(stride(from: b, to: e, by: step))
        starts.append(Int32(b)); ends.append(Int32(e)); steps.append(Int32(step)); stridedIndices.append(taken)
      }
      if stridedIndices.allSatisfy({ !$0.isEmpty }) {
        let out = try stridedSlice(x, starts, ends, steps, StridedSliceOptions())
        #expect(out.floats == Self.gather(shape, stridedIndices), "STRIDED_SLICE \(shape) \(starts) \(ends) \(steps)")
      }
      // TRANSPOSE: a random permutation (the identity one time in five or so: every axis merges).
      let perm = Int.random(in: 0..<5, using: &rng) == 0 ? Array(0..<rank) : Array(0..<rank).shuffled(using: &rng)
      let transposed = try runKernel(Reference.Transpose(), inputs: [x, .int32s([rank], perm.map(Int32.init))], outputTypes: [.float32])[0]
      let strides = Self.strides(shape)
      var expected = [0]
      for d in perm { expected = expected.flatMap { o in (0..<shape[d]).map { o + $0 * strides[d] } } }
      #expect(transposed.floats == expected.map(Float.init), "TRANSPOSE \(shape) perm \(perm)")
    }
  }

  @Test("SLICE with size -1")
  func slice() throws {
    let s = try runKernel(Reference.Slice(), inputs: [x23, .int32s([2], [0, 1]), .int32s([2], [-1, 2])], outputTypes: [.float32])
    #expect(s[0].shape == [2, 2])
    #expect(s[0].floats == [2, 3, 5, 6])
  }

  @Test("SLICE refuses INT64 begins at the ends of the range instead of overflowing")
  func sliceExtremes() {
    #expect(throws: KernelError.self) { _ = try runKernel(Reference.Slice(), inputs: [x23, .int64s([2], [0, .max]), .int64s([2], [1, 1])], outputTypes: [.float32]) }
    #expect(throws: KernelError.self) { _ = try runKernel(Reference.Slice(), inputs: [x23, .int64s([2], [0, .min]), .int64s([2], [1, -1])], outputTypes: [.float32]) }
  }

  func stridedSlice(_ x: TestTensor, _ begin: [Int32], _ end: [Int32], _ strides: [Int32], _ options: StridedSliceOptions) throws -> TestOutput {
    try runKernel(Reference.StridedSlice(), options: .stridedSlice(options),
                  inputs: [x, .int32s([begin.count], begin), .int32s([end.count], end), .int32s([strides.count], strides)], outputTypes: [.float32])[0]
  }

  @Test("STRIDED_SLICE: ranges, negative stride, masks, shrink, new axis, ellipsis, offset")
  func stridedSliceRules() throws {
    // x[:, 1:] (begin mask on axis 0)
    let a = try stridedSlice(x23, [0, 1], [0, 3], [1, 1], StridedSliceOptions(beginMask: 1, endMask: 1))
    #expect(a.shape == [2, 2])
    #expect(a.floats == [2, 3, 5, 6])
    // x[:, ::-1]
    let b = try stridedSlice(x23, [0, 0], [0, 0], [1, -1], StridedSliceOptions(beginMask: 3, endMask: 3))
    #expect(b.floats == [3, 2, 1, 6, 5, 4])
    // x[:, 0] — shrink axis 1: the [CLS] token of (B, S).
    let c = try stridedSlice(x23, [0, 0], [0, 1], [1, 1], StridedSliceOptions(beginMask: 1, endMask: 1, shrinkAxisMask: 2))
    #expect(c.shape == [2])
    #expect(c.floats == [1, 4])
    // x[-1] — shrink with a negative index.
    let d = try stridedSlice(x23, [-1], [0], [1], StridedSliceOptions(shrinkAxisMask: 1))
    #expect(d.shape == [3])
    #expect(d.floats == [4, 5, 6])
    // x[tf.newaxis, :, 1]
    let e = try stridedSlice(x23, [0, 0, 1], [0, 0, 2], [1, 1, 1], StridedSliceOptions(beginMask: 2, endMask: 2, newAxisMask: 1, shrinkAxisMask: 4))
    #expect(e.shape == [1, 2])
    #expect(e.floats == [2, 5])
    // x[..., 2] with an ellipsis
    let f = try stridedSlice(x23, [0, 2], [0, 3], [1, 1], StridedSliceOptions(ellipsisMask: 1, shrinkAxisMask: 2))
    #expect(f.shape == [2])
    #expect(f.floats == [3, 6])
    // offset: end is relative to begin: x[0:1, 1:1+2]
    let g = try stridedSlice(x23, [0, 1], [1, 2], [1, 1], StridedSliceOptions(offset: true))
    #expect(g.shape == [1, 2])
    #expect(g.floats == [2, 3])
    // Out-of-range end is clamped: x[:, 1:100:2]
    let h = try stridedSlice(x23, [0, 1], [2, 100], [1, 2], StridedSliceOptions())
    #expect(h.floats == [2, 5])
  }

  @Test("STRIDED_SLICE with INT64 extremes selects as clamped values do instead of overflowing")
  func stridedSliceExtremes() throws {
    func run(_ begin: [Int64], _ end: [Int64], _ strides: [Int64], _ options: StridedSliceOptions = StridedSliceOptions()) throws -> TestOutput {
      try runKernel(Reference.StridedSlice(), options: .stridedSlice(options),
                    inputs: [x23, .int64s([2], begin), .int64s([2], end), .int64s([2], strides)], outputTypes: [.float32])[0]
    }
    // x[:, ::Int64.max] and x[:, ::Int64.min]: the first and last column.
    let a = try run([0, 0], [2, 3], [1, .max])
    #expect(a.shape == [2, 1] && a.floats == [1, 4])
    let b = try run([0, 2], [2, .min], [1, .min])
    #expect(b.shape == [2, 1] && b.floats == [3, 6])
    // offset: an end of Int64.max past begin reaches the end.
    let c = try run([0, 1], [1, .max], [1, 1], StridedSliceOptions(offset: true))
    #expect(c.shape == [1, 2] && c.floats == [2, 3])
  }

  @Test("CONCATENATION on the last axis, PACK and UNPACK")
  func concatPackUnpack() throws {
    let c = try runKernel(Reference.Concatenation(), options: .concatenation(ConcatenationOptions(axis: -1)),
                          inputs: [x23, .floats([2, 1], [7, 8])], outputTypes: [.float32])
    #expect(c[0].shape == [2, 4])
    #expect(c[0].floats == [1, 2, 3, 7, 4, 5, 6, 8])
    let p = try runKernel(Reference.Pack(), options: .pack(PackOptions(valuesCount: 2, axis: 1)),
                          inputs: [.floats([2], [1, 2]), .floats([2], [3, 4])], outputTypes: [.float32])
    #expect(p[0].shape == [2, 2])
    #expect(p[0].floats == [1, 3, 2, 4])
    let u = try runKernel(Reference.Unpack(), options: .unpack(UnpackOptions(num: 3, axis: 1)), inputs: [x23], outputTypes: [.float32, .float32, .float32])
    #expect(u.map(\.floats) == [[1, 4], [2, 5], [3, 6]])
    #expect(u[0].shape == [2])
  }

  @Test("SPLIT and SPLIT_V (with an inferred size)")
  func split() throws {
    let s = try runKernel(Reference.Split(), options: .split(SplitOptions(numSplits: 3)), inputs: [.int32s([], [1]), x23], outputTypes: [.float32, .float32, .float32])
    #expect(s.map(\.floats) == [[1, 4], [2, 5], [3, 6]])
    let v = try runKernel(Reference.SplitV(), inputs: [x23, .int32s([2], [1, -1]), .int32s([], [1])], outputTypes: [.float32, .float32])
    #expect(v[0].floats == [1, 4])
    #expect(v[1].shape == [2, 2])
    #expect(v[1].floats == [2, 3, 5, 6])
  }

  @Test("SPLIT_V refuses sizes whose sum overflows")
  func splitVOverflow() {
    #expect(throws: KernelError.self) {
      _ = try runKernel(Reference.SplitV(), inputs: [x23, .int64s([2], [.max, .max]), .int32s([], [1])], outputTypes: [.float32, .float32])
    }
    #expect(throws: KernelError.self) {
      _ = try runKernel(Reference.SplitV(), inputs: [x23, .int64s([3], [.max, 1, -1]), .int32s([], [1])], outputTypes: [.float32, .float32, .float32])
    }
  }

  @Test("SHAPE, FILL and ZEROS_LIKE")
  func shapeFill() throws {
    #expect(try runKernel(Reference.ShapeOf(), inputs: [x23], outputTypes: [.int32])[0].int32s == [2, 3])
    let f = try runKernel(Reference.Fill(), inputs: [.int32s([2], [2, 2]), .floats([], [1.5])], outputTypes: [.float32])
    #expect(f[0].floats == [1.5, 1.5, 1.5, 1.5])
    #expect(try runKernel(Reference.ZerosLike(), inputs: [x23], outputTypes: [.float32])[0].floats == [0, 0, 0, 0, 0, 0])
  }
}
