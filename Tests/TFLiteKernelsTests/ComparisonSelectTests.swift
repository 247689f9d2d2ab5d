import Testing
import TFLiteFormat
import TFLiteKernels
import TestSupport

@Suite("Comparisons, SELECT, TILE, BROADCAST_TO, RANGE, LOG_SOFTMAX, EMBEDDING_LOOKUP")
struct ComparisonSelectTests {
  @Test("comparisons broadcast and give BOOL")
  func comparisons() throws {
    let a: TestTensor = .floats([3], [1, 2, 3]), b: TestTensor = .floats([], [2])
    #expect(try runKernel(Reference.less, inputs: [a, b], outputTypes: [.bool])[0].bytes == [1, 0, 0])
    #expect(try runKernel(Reference.greaterEqual, inputs: [a, b], outputTypes: [.bool])[0].bytes == [0, 1, 1])
    #expect(try runKernel(Reference.equal, inputs: [.int32s([2], [5, 6]), .int32s([2], [5, 7])], outputTypes: [.bool])[0].bytes == [1, 0])
    #expect(try runKernel(Reference.notEqual, inputs: [.int64s([1], [3]), .int64s([2], [3, 4])], outputTypes: [.bool])[0].bytes == [0, 1])
    let t = TestTensor(type: .bool, shape: [2], bytes: [1, 0]), f = TestTensor(type: .bool, shape: [2], bytes: [1, 1])
    #expect(try runKernel(Reference.logicalAnd, inputs: [t, f], outputTypes: [.bool])[0].bytes == [1, 0])
    #expect(try runKernel(Reference.logicalOr, inputs: [t, TestTensor(type: .bool, shape: [2], bytes: [0, 0])], outputTypes: [.bool])[0].bytes == [1, 0])
  }

  @Test("SELECT_V2 broadcasts condition, x and y")
  func select() throws {
    let c = TestTensor(type: .bool, shape: [2, 1], bytes: [1, 0])
    let out = try runKernel(Reference.SelectV2(), inputs: [c, .floats([3], [1, 2, 3]), .floats([], [-1])], outputTypes: [.float32])
    #expect(out[0].shape == [2, 3])
    #expect(out[0].floats == [1, 2, 3, -1, -1, -1])
  }

  @Test("TILE and BROADCAST_TO")
  func tileBroadcast() throws {
    let x: TestTensor = .floats([1, 2], [1, 2])
    let t = try runKernel(Reference.Tile(), inputs: [x, .int32s([2], [2, 2])], outputTypes: [.float32])
    #expect(t[0].shape == [2, 4])
    #expect(t[0].floats == [1, 2, 1, 2, 1, 2, 1, 2])
    let b = try runKernel(Reference.BroadcastTo(), inputs: [.floats([2, 1], [1, 2]), .int32s([3], [2, 2, 3])], outputTypes: [.float32])
    #expect(b[0].shape == [2, 2, 3])
    #expect(b[0].floats == [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2])
  }

  @Test("TILE refuses multiples that overflow; BROADCAST_TO a negative or overflowing target")
  func tileBroadcastOverflow() {
    let x: TestTensor = .floats([1, 2], [1, 2])
    #expect(throws: KernelError.self) { _ = try runKernel(Reference.Tile(), inputs: [x, .int64s([2], [1, .max])], outputTypes: [.float32]) }
    #expect(throws: KernelError.self) { _ = try runKernel(Reference.Tile(), inputs: [x, .int32s([2], [.max, .max])], outputTypes: [.float32]) }
    #expect(throws: KernelError.self) { _ = try runKernel(Reference.BroadcastTo(), inputs: [.floats([1], [1]), .int32s([1], [-5])], outputTypes: [.float32]) }
    #expect(throws: KernelError.self) {
      _ = try runKernel(Reference.BroadcastTo(), inputs: [.floats([1], [1]), .int32s([3], [.max, .max, .max])], outputTypes: [.float32])
    }
  }

  @Test("RANGE from constant scalars")
  func range() throws {
    let r = try runKernel(Reference.RangeOf(), inputs: [.int32s([], [2]), .int32s([], [9]), .int32s([], [3])], outputTypes: [.int32])
    #expect(r[0].int32s == [2, 5, 8])
  }

  @Test("RANGE of hostile constants: too long is refused (not trapped), INT64 near its limits is exact")
  func rangeExtremes() throws {
    #expect(throws: KernelError.self) {   // 10³⁰ elements: the length does not fit an Int
      _ = try runKernel(Reference.RangeOf(), inputs: [.floats([], [0], constant: true), .floats([], [1e30], constant: true),
                                                      .floats([], [1], constant: true)], outputTypes: [.float32])
    }
    #expect(throws: KernelError.self) {   // 2⁶⁴ elements
      _ = try runKernel(Reference.RangeOf(), inputs: [.int64s([], [.min]), .int64s([], [.max]), .int64s([], [1])], outputTypes: [.int64])
    }
    #expect(throws: KernelError.self) {   // limit below start with a positive delta, equal once rounded to a Double
      _ = try runKernel(Reference.RangeOf(), inputs: [.int64s([], [1 << 60 + 1]), .int64s([], [1 << 60]), .int64s([], [1])],
                        outputTypes: [.int64])
    }
    let whole = try runKernel(Reference.RangeOf(), inputs: [.int64s([], [.min]), .int64s([], [.max]), .int64s([], [.max])],
                              outputTypes: [.int64])
    let bottom = Int64.min
    #expect(whole[0].int64s == [bottom, -1, .max - 1])
    // Beyond 2⁵³ a Double would lose the last digits; start + i · delta stays in range.
    let big = try runKernel(Reference.RangeOf(), inputs: [.int64s([], [.max - 10]), .int64s([], [.max]), .int64s([], [4])],
                            outputTypes: [.int64])
    let top = Int64.max
    #expect(big[0].int64s == [top - 10, top - 6, top - 2])
    let wide = try runKernel(Reference.RangeOf(), inputs: [.int64s([], [-(1 << 62)]), .int64s([], [1 << 62]), .int64s([], [1 << 61])],
                             outputTypes: [.int64])
    let quarter: Int64 = 1 << 61
    let expected: [Int64] = [-2 * quarter, -quarter, 0, quarter]
    #expect(wide[0].int64s == expected)
  }

  @Test("LOG_SOFTMAX over the last dimension")
  func logSoftmax() throws {
    let out = try runKernel(Reference.LogSoftmax(), inputs: [.floats([2], [0, 0])], outputTypes: [.float32])
    #expect(Tolerance.firstMismatch(out[0].floats, [-0.6931472, -0.6931472]) == nil)
  }

  @Test("EMBEDDING_LOOKUP refuses a quantized table whose zero point is outside its type's range")
  func embeddingLookupZeroPoint() {
    let q: TestTensor = .int8s([2, 2], [1, -2, 3, 4], scale: [0.5], zeroPoint: [.min])
    #expect(throws: KernelError.self) { _ = try runKernel(Reference.EmbeddingLookup(), inputs: [.int32s([1], [1]), q], outputTypes: [.float32]) }
  }

  @Test("EMBEDDING_LOOKUP copies float rows and dequantizes INT8 tables")
  func embeddingLookup() throws {
    let table: TestTensor = .floats([3, 2], [0, 1, 10, 11, 20, 21], constant: true)
    #expect(try runKernel(Reference.EmbeddingLookup(), inputs: [.int32s([2], [2, 0]), table], outputTypes: [.float32])[0].floats == [20, 21, 0, 1])
    let q: TestTensor = .int8s([2, 2], [1, -2, 3, 4], scale: [0.5])
    #expect(try runKernel(Reference.EmbeddingLookup(), inputs: [.int32s([1], [1]), q], outputTypes: [.float32])[0].floats == [1.5, 2])
  }
}
