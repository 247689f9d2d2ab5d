import Testing
import TFLiteFormat
import TFLiteKernels
import TestSupport

@Suite("CAST, QUANTIZE and DEQUANTIZE")
struct QuantizationKernelTests {
  @Test("CAST float → int32 truncates toward zero; int32 → float; float → bool")
  func cast() throws {
    let x: TestTensor = .floats([4], [1.7, -1.7, 0, 300])
    #expect(try runKernel(Reference.Cast(), inputs: [x], outputTypes: [.int32])[0].int32s == [1, -1, 0, 300])
    #expect(try runKernel(Reference.Cast(), inputs: [.int32s([2], [3, -4])], outputTypes: [.float32])[0].floats == [3, -4])
    #expect(try runKernel(Reference.Cast(), inputs: [x], outputTypes: [.bool])[0].bytes == [1, 1, 0, 1])
    #expect(try runKernel(Reference.Cast(), inputs: [.int32s([2], [3, -4])], outputTypes: [.int64])[0].int64s == [3, -4])
  }

  @Test("QUANTIZE rounds x / scale half away from zero, adds the zero point and saturates")
  func quantize() throws {
    let q = QuantizationParameters(scale: [0.5], zeroPoint: [10])
    let out = try runKernel(Reference.Quantize(), inputs: [.floats([4], [1.25, -1.25, 100, -100])], outputTypes: [.int8], outputQuantization: [q])
    // 2.5 → 3 (+10 = 13); −2.5 → −3 (7); 200 + 10 saturates at 127; −200 + 10 at −128.
    #expect(out[0].int8s == [13, 7, 127, -128])
    let u8 = try runKernel(Reference.Quantize(), inputs: [.floats([2], [0, 1])], outputTypes: [.uint8],
                           outputQuantization: [QuantizationParameters(scale: [1.0 / 255], zeroPoint: [0])])
    #expect(u8[0].bytes == [0, 255])
  }

  @Test("QUANTIZE stores NaN as the zero point, and refuses a zero point its type cannot store")
  func quantizeNaN() throws {
    let q = QuantizationParameters(scale: [0.5], zeroPoint: [10])
    let out = try runKernel(Reference.Quantize(), inputs: [.floats([2], [.nan, 1])], outputTypes: [.int8], outputQuantization: [q])
    #expect(out[0].int8s == [10, 12])
    #expect(throws: KernelError.self) {
      _ = try runKernel(Reference.Quantize(), inputs: [.floats([1], [.nan])], outputTypes: [.int8],
                        outputQuantization: [QuantizationParameters(scale: [0.5], zeroPoint: [1 << 40])])
    }
  }

  @Test("DEQUANTIZE per tensor, per channel, and FLOAT16")
  func dequantize() throws {
    let perTensor = try runKernel(Reference.Dequantize(), inputs: [.int8s([3], [-128, 0, 127], scale: [0.5], zeroPoint: [-1])], outputTypes: [.float32])
    #expect(perTensor[0].floats == [-63.5, 0.5, 64])
    let perChannel = try runKernel(Reference.Dequantize(), inputs: [.int8s([2, 2], [1, 2, 3, 4], scale: [1, 0.25], axis: 0)], outputTypes: [.float32])
    #expect(perChannel[0].floats == [1, 2, 0.75, 1])
    // 0x3C00 = 1.0, 0xC000 = −2.0, 0x3555 ≈ 0.33325195.
    let half = TestTensor(type: .float16, shape: [3], bytes: [0x00, 0x3C, 0x00, 0xC0, 0x55, 0x35], constant: true)
    #expect(try runKernel(Reference.Dequantize(), inputs: [half], outputTypes: [.float32])[0].floats == [1, -2, 0.33325195])
  }

  @Test("optimised DEQUANTIZE (float arithmetic) gives the reference's bits (double arithmetic), scales from subnormal to overflowing")
  func optimizedDequantize() throws {
    var generator = SystemRandomNumberGenerator()
    let values = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &generator) }
    let scales: [Float] = [0.5, 0.0123, 3.7e-3, 1e-40, 1.2e-38, 7.1e35, 3e38, .leastNonzeroMagnitude, 1, 65504]
    try onEveryPath { path in
      for type in [TensorType.int8, .uint8] {
        for scale in scales {
          for zeroPoint: Int64 in [0, -128, 127, 255, 3, -32768, 40000] {
            let x = TestTensor(type: type, shape: [values.count], bytes: values, constant: false,
                               quantization: QuantizationParameters(scale: [scale], zeroPoint: [zeroPoint]))
            let expected = try runKernel(Reference.Dequantize(), inputs: [x], outputTypes: [.float32])[0].bytes
            let actual = try runKernel(Optimized.Dequantize(), inputs: [x], outputTypes: [.float32])[0].bytes
            #expect(actual == expected, "\(path): \(type) scale \(scale) zero point \(zeroPoint)")
          }
        }
      }
    }
  }

  @Test("optimised DEQUANTIZE over the pool: lengths with vector tails, several tasks, and empty tensors")
  func optimizedDequantizeSizes() throws {
    var generator = SystemRandomNumberGenerator()
    for count in [0, 1, 7, 9, 31, 65_536, 65_537, 200_003] {
      let values = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
      for type in [TensorType.int8, .uint8] {
        let x = TestTensor(type: type, shape: [count], bytes: values, constant: false,
                           quantization: QuantizationParameters(scale: [0.0371], zeroPoint: [type == .int8 ? -5 : 131]))
        let expected = try runKernel(Reference.Dequantize(), inputs: [x], outputTypes: [.float32])[0].bytes
        for pool in [nil, ThreadPool(threads: 3)] {
          let actual = try runKernel(Optimized.Dequantize(), inputs: [x], outputTypes: [.float32], threadPool: pool)[0].bytes
          // The first differing byte rather than both arrays (up to 800 KB) in a failure message.
          let same = actual == expected
          let firstDifference = same ? nil : actual.indices.first { $0 >= expected.count || actual[$0] != expected[$0] }
          #expect(same, "\(type), \(count) values, \(pool == nil ? 1 : 3) threads: byte \(firstDifference ?? actual.count) differs")
        }
      }
    }
  }
}
