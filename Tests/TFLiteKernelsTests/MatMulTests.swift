import Testing
import TFLiteFormat
import TFLiteKernels
import TestSupport

@Suite("FULLY_CONNECTED and BATCH_MATMUL")
struct MatMulTests {
  let weights: TestTensor = .floats([2, 3], [1, 0, -1, 2, 1, 0], constant: true)

  @Test("float FULLY_CONNECTED with bias flattens a 3-D input to (M, N) without keep_num_dims")
  func floatFlatten() throws {
    let x: TestTensor = .floats([2, 1, 3], [1, 2, 3, 4, 5, 6])
    let out = try runKernel(Reference.FullyConnected(), options: .fullyConnected(FullyConnectedOptions()),
                            inputs: [x, weights, .floats([2], [0.5, -1], constant: true)], outputTypes: [.float32])
    #expect(out[0].shape == [2, 2])
    // Row [1,2,3]: 1−3 = −2, 2+2 = 4; row [4,5,6]: 4−6 = −2, 8+5 = 13; plus bias.
    #expect(out[0].floats == [-1.5, 3, -1.5, 12])
  }

  @Test("keep_num_dims keeps (B, S, N); no bias (omitted input); fused RELU")
  func keepDimsNoBias() throws {
    let x: TestTensor = .floats([1, 2, 3], [1, 2, 3, 4, 5, 6])
    let out = try runKernel(Reference.FullyConnected(), options: .fullyConnected(FullyConnectedOptions(fusedActivation: .relu, keepNumDims: true)),
                            inputs: [x, weights, nil], outputTypes: [.float32])
    #expect(out[0].shape == [1, 2, 2])
    #expect(out[0].floats == [0, 4, 0, 13])
  }

  @Test("hybrid, symmetric inputs: x quantized with scale max|x|/127, rounding half away from zero")
  func hybridSymmetric() throws {
    // max|x| = 127 → scale 1, q = [127, −64 (−63.5 rounds away), 0, 25].
    let x: TestTensor = .floats([1, 4], [127, -63.5, 0, 25.4])
    let w: TestTensor = .int8s([2, 4], [1, 2, 3, 4, -1, 0, 1, 0], scale: [0.5])
    let out = try runKernel(Reference.FullyConnected(), options: .fullyConnected(FullyConnectedOptions()),
                            inputs: [x, w, .floats([2], [1, -1], constant: true)], outputTypes: [.float32])
    // dot0 = 127 − 128 + 0 + 100 = 99 → 99 · 1 · 0.5 + 1; dot1 = −127 → −63.5 − 1. (Float math would give 51.8.)
    #expect(out[0].floats == [50.5, -64.5])
  }

  @Test("hybrid, asymmetric inputs with per-channel weight scales")
  func hybridAsymmetric() throws {
    // x = [0, 255]: range [0, 255], scale 1, zero point −128, q = [−128, 127].
    let x: TestTensor = .floats([1, 2], [0, 255])
    let w: TestTensor = .int8s([2, 2], [1, 1, 2, -1], scale: [1, 0.5])
    let out = try runKernel(Reference.FullyConnected(), options: .fullyConnected(FullyConnectedOptions(asymmetricQuantizeInputs: true)),
                            inputs: [x, w], outputTypes: [.float32])
    // row sums [2, 1]; dot0 = −1 − 2·(−128) = 255; dot1 = −383 − 1·(−128) = −255 → ×0.5.
    #expect(out[0].floats == [255, -127.5])

    // x = [−1, 3]: scale 4/255, zero point round(−64.25) = −64, q = [−128, 127];
    // dot = −1 − 2·(−64) = 127 → 127 · 4/255.
    let y = try runKernel(Reference.FullyConnected(), options: .fullyConnected(FullyConnectedOptions(asymmetricQuantizeInputs: true)),
                          inputs: [.floats([1, 2], [-1, 3]), .int8s([1, 2], [1, 1], scale: [1])], outputTypes: [.float32])
    #expect(Tolerance.firstMismatch(y[0].floats, [127 * 4 / 255], rtol: 1e-6) == nil)
  }

  @Test("hybrid: a row holding an infinity gives NaN outputs on both backends (no trap), the other rows stay exact",
        arguments: [false, true])
  func hybridInfinities(asymmetric: Bool) throws {
    // Row 0 holds +∞ (asymmetric: the zero point is ∞ / ∞, NaN), row 1 −∞, row 2 both, row 3 is ordinary.
    let x: TestTensor = .floats([4, 4], [1, .infinity, 2, 3, -.infinity, 1, 2, 3, .infinity, -.infinity, 0, 1, 1, -2, 3, 0.5])
    let w: TestTensor = .int8s([2, 4], [1, 2, 3, 4, -1, 0, 1, 0], scale: [0.5])
    let options = BuiltinOptions.fullyConnected(FullyConnectedOptions(asymmetricQuantizeInputs: asymmetric))
    let reference = try runKernel(Reference.FullyConnected(), options: options, inputs: [x, w], outputTypes: [.float32])[0].floats
    let optimized = try runKernel(Optimized.FullyConnected(), options: options, inputs: [x, w], outputTypes: [.float32])[0].floats
    #expect(reference[0..<6].allSatisfy { $0.isNaN })
    #expect(optimized[0..<6].allSatisfy { $0.isNaN })
    #expect(reference[6...].allSatisfy { $0.isFinite })
    #expect(Array(optimized[6...]) == Array(reference[6...]))
    // BATCH_MATMUL's hybrid path quantizes its rows the same way.
    let bmm = try runKernel(Reference.BatchMatMul(), options: .batchMatMul(BatchMatMulOptions(adjY: true, asymmetricQuantizeInputs: asymmetric)),
                            inputs: [x, w], outputTypes: [.float32])[0].floats
    #expect(bmm[0..<6].allSatisfy { $0.isNaN })
    #expect(Array(bmm[6...]) == Array(reference[6...]))
  }

  @Test("a weight matrix that does not divide the input is refused, naming the tensor")
  func badShapes() {
    #expect(throws: KernelError.self) {
      _ = try runKernel(Reference.FullyConnected(), options: .fullyConnected(FullyConnectedOptions()),
                        inputs: [.floats([1, 4], [1, 2, 3, 4]), weights], outputTypes: [.float32])
    }
  }

  @Test("BATCH_MATMUL plain, adj_y, and broadcasting the batch dimension")
  func batchMatMul() throws {
    // left (2, 2, 2), right (2, 2): right broadcast over the batch.
    let l: TestTensor = .floats([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8])
    let r: TestTensor = .floats([2, 2], [1, 0, 1, 1])
    let plain = try runKernel(Reference.BatchMatMul(), options: .batchMatMul(BatchMatMulOptions()), inputs: [l, r], outputTypes: [.float32])
    #expect(plain[0].shape == [2, 2, 2])
    #expect(plain[0].floats == [3, 2, 7, 4, 11, 6, 15, 8])
    let adjY = try runKernel(Reference.BatchMatMul(), options: .batchMatMul(BatchMatMulOptions(adjY: true)), inputs: [l, r], outputTypes: [.float32])
    // right transposed = [[1, 1], [0, 1]].
    #expect(adjY[0].floats == [1, 3, 3, 7, 5, 11, 7, 15])
    let adjX = try runKernel(Reference.BatchMatMul(), options: .batchMatMul(BatchMatMulOptions(adjX: true)),
                             inputs: [.floats([1, 2, 2], [1, 2, 3, 4]), r], outputTypes: [.float32])
    // left transposed = [[1, 3], [2, 4]].
    #expect(adjX[0].floats == [4, 3, 6, 4])
  }
}
