import Testing
import TFLiteFormat
import TFLiteKernels
import TestSupport

@Suite("SOFTMAX, GATHER and reductions")
struct SoftmaxGatherReduceTests {
  @Test("SOFTMAX over the last dimension, with beta")
  func softmax() throws {
    let out = try runKernel(Reference.Softmax(), options: .softmax(SoftmaxOptions(beta: 1)),
                            inputs: [.floats([2, 2], [0, 0, 1, 3])], outputTypes: [.float32])
    // e^-2 / (1 + e^-2) = 0.11920292.
    #expect(Tolerance.firstMismatch(out[0].floats, [0.5, 0.5, 0.11920292, 0.880797]) == nil)
    let half = try runKernel(Reference.Softmax(), options: .softmax(SoftmaxOptions(beta: 0.5)),
                             inputs: [.floats([2], [1, 5])], outputTypes: [.float32])
    #expect(Tolerance.firstMismatch(half[0].floats, [0.11920292, 0.880797]) == nil)
  }

  @Test("GATHER rows of an embedding table, INT32 and INT64 indices, out-of-range index gives zeros")
  func gatherRows() throws {
    let table: TestTensor = .floats([3, 2], [0, 1, 10, 11, 20, 21], constant: true)
    let out = try runKernel(Reference.Gather(), options: .gather(GatherOptions()), inputs: [table, .int32s([1, 3], [2, 0, 2], constant: false)], outputTypes: [.float32])
    #expect(out[0].shape == [1, 3, 2])
    #expect(out[0].floats == [20, 21, 0, 1, 20, 21])
    let wide = try runKernel(Reference.Gather(), inputs: [table, .int64s([2], [1, 7], constant: false)], outputTypes: [.float32])
    #expect(wide[0].floats == [10, 11, 0, 0])
  }

  @Test("GATHER along axis 1, with batch_dims 1, and on INT8 data")
  func gatherAxisBatch() throws {
    let params: TestTensor = .floats([2, 3], [1, 2, 3, 4, 5, 6])
    let axis1 = try runKernel(Reference.Gather(), options: .gather(GatherOptions(axis: 1)), inputs: [params, .int32s([2], [2, 0])], outputTypes: [.float32])
    #expect(axis1[0].shape == [2, 2])
    #expect(axis1[0].floats == [3, 1, 6, 4])
    let batched = try runKernel(Reference.Gather(), options: .gather(GatherOptions(axis: 1, batchDims: 1)),
                                inputs: [params, .int32s([2, 1], [2, 0])], outputTypes: [.float32])
    #expect(batched[0].shape == [2, 1])
    #expect(batched[0].floats == [3, 4])
    let int8 = try runKernel(Reference.Gather(), inputs: [.int8s([2, 2], [1, -2, 3, -4], scale: [0.1]), .int32s([1], [1])], outputTypes: [.int8])
    #expect(int8[0].int8s == [3, -4])
  }

  @Test("MEAN over the sequence axis, keep_dims, and over several axes")
  func mean() throws {
    let x: TestTensor = .floats([1, 2, 3], [1, 2, 3, 5, 6, 7])
    let seq = try runKernel(Reference.Mean(), options: .reducer(ReducerOptions(keepDims: false)), inputs: [x, .int32s([1], [1])], outputTypes: [.float32])
    #expect(seq[0].shape == [1, 3])
    #expect(seq[0].floats == [3, 4, 5])
    let last = try runKernel(Reference.Mean(), options: .reducer(ReducerOptions(keepDims: true)), inputs: [x, .int32s([1], [-1])], outputTypes: [.float32])
    #expect(last[0].shape == [1, 2, 1])
    #expect(last[0].floats == [2, 6])
    let all = try runKernel(Reference.Mean(), inputs: [x, .int32s([2], [1, 2])], outputTypes: [.float32])
    #expect(all[0].floats == [4])
  }

  @Test("SUM and REDUCE_MAX")
  func sumMax() throws {
    let x: TestTensor = .floats([2, 3], [1, 2, 3, -4, 5, -6])
    #expect(try runKernel(Reference.Sum(), inputs: [x, .int32s([1], [0])], outputTypes: [.float32])[0].floats == [-3, 7, -3])
    #expect(try runKernel(Reference.ReduceMax(), inputs: [x, .int32s([1], [1])], outputTypes: [.float32])[0].floats == [3, 5])
  }

  @Test("ARG_MAX picks the first maximum, output INT32 or INT64")
  func argMax() throws {
    let x: TestTensor = .floats([2, 3], [1, 9, 9, 7, 2, 3])
    #expect(try runKernel(Reference.ArgMax(), inputs: [x, .int32s([], [1])], outputTypes: [.int32])[0].int32s == [1, 0])
    #expect(try runKernel(Reference.ArgMax(), inputs: [x, .int32s([], [0])], outputTypes: [.int64])[0].int64s == [1, 0, 0])
  }
}
