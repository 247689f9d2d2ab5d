import Testing
import TFLiteFormat
import TFLiteKernels
import TestSupport

/// A small deterministic generator (SplitMix64), so every case is reproducible.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
    (0..<count).map { _ in Float.random(in: range, using: &self) }
  }
  mutating func int8s(_ count: Int) -> [Int8] { (0..<count).map { _ in Int8.random(in: -127...127, using: &self) } }
}

/// Optimised kernels against the reference kernels, over many shapes (odd sizes, tails of the
/// 6 × 16, 12 × 16 and 4 × 16 tiles, sizes past one 96-row block or 64-column task), on the AVX2 path
/// where the machine has it (AVX-512 and VNNI where it has those, or their tiles emulated on AVX2) and on
/// the portable path, with 1 to 3 threads.
///
/// Bounds: float outputs within `Tolerance.maxScaledError` 1e-5 of the reference (the same sums
/// in the same order; only FMA rounding differs, about K·2⁻²⁴ of the largest partial sum);
/// hybrid outputs bit-identical (exact int32 dots, identical quantization and rescale); every
/// optimised output bit-identical for every thread count.
@Suite("Optimised kernels match the reference kernels")
struct BackendConsistencyTests {
  /// (M, K, N): rows, depth, output columns.
  static let fullyConnectedShapes: [(Int, Int, Int)] = [
    (1, 1, 1), (1, 7, 3), (2, 3, 2), (5, 7, 3), (6, 16, 16), (7, 17, 33), (4, 64, 16), (13, 100, 50),
    (97, 64, 65), (200, 31, 17), (6, 1, 80), (12, 128, 128), (3, 255, 129), (101, 9, 130),
    (6151, 5, 18),   // more than 64 blocks of 96 rows: the hybrid GEMM makes its blocks taller
  ]
  /// Pools of 1, 2 and 3 threads, new for each test (tests run concurrently; a pool serves one caller).
  let pools = [ThreadPool(threads: 1), ThreadPool(threads: 2), ThreadPool(threads: 3)]

  @Test("float FULLY_CONNECTED: bias or none, keep_num_dims, RELU; every shape and thread count")
  func floatFullyConnected() throws {
    var rng = SeededGenerator(seed: 1)
    for (index, (m, k, n)) in Self.fullyConnectedShapes.enumerated() {
      let hasBias = index % 2 == 0
      let options = FullyConnectedOptions(fusedActivation: index % 3 == 0 ? .relu : .none, keepNumDims: index % 4 == 1)
      let x: TestTensor = .floats([1, m, k], rng.floats(m * k))
      let w: TestTensor = .floats([n, k], rng.floats(n * k), constant: true)
      let bias: TestTensor? = hasBias ? .floats([n], rng.floats(n), constant: true) : nil
      let inputs = [x, w, bias]
      let expected = try runKernel(Reference.FullyConnected(), options: .fullyConnected(options), inputs: inputs, outputTypes: [.float32])[0]
      try optimizedFloatOutputs(options, inputs) { out, path, pool in
        #expect(out.shape == expected.shape)
        let error = Tolerance.maxScaledError(out.floats, expected.floats)
        #expect(error <= 1e-5, "M \(m) K \(k) N \(n) \(path) threads \(pool.threads): \(error)")
      }
    }
  }

  /// The optimised float FULLY_CONNECTED's output on every path and every pool, each handed to `check` with the
  /// path's name and the pool; and the same bytes whatever the thread count.
  func optimizedFloatOutputs(_ options: FullyConnectedOptions, _ inputs: [TestTensor?],
                             check: (TestOutput, String, ThreadPool) -> Void) throws {
    try onEveryPath { path in
      var first: TestOutput?
      for pool in pools {
        let out = try runKernel(Optimized.FullyConnected(), options: .fullyConnected(options), inputs: inputs,
                                outputTypes: [.float32], threadPool: pool)[0]
        check(out, path, pool)
        if let first { #expect(out.bytes == first.bytes, "\(path): thread count \(pool.threads) changed the result") }
        first = first ?? out
      }
    }
  }

  /// A RELU's output, as the FULLY_CONNECTED after one reads it: about 60 % zeros (some −0), every seventh row
  /// all zeros, and in a few rows a NaN or an infinity.
  static func reluOutput(m: Int, k: Int, rng: inout SeededGenerator) -> [Float] {
    var x = rng.floats(m * k).map { $0 < 0.2 ? ($0 < -0.4 ? Float(0) : -Float(0)) : $0 }
    for row in stride(from: 0, to: m, by: 7) { for i in row * k..<(row + 1) * k { x[i] = 0 } }
    for row in stride(from: 3, to: m, by: 11) { x[row * k + (row % k)] = row % 2 == 0 ? .nan : -.infinity }
    return x
  }

  /// Whether two outputs are equal but for float rounding: NaN in the same places, infinities equal, finite
  /// values within `Tolerance.maxScaledError` `bound` of the reference.
  static func matches(_ out: [Float], _ expected: [Float], within bound: Float) -> Bool {
    guard out.count == expected.count else { return false }
    var finiteOut: [Float] = [], finiteExpected: [Float] = []
    for (a, b) in zip(out, expected) {
      if a.isNaN || b.isNaN || a.isInfinite || b.isInfinite {
        guard (a.isNaN && b.isNaN) || a == b else { return false }
      } else {
        finiteOut.append(a)
        finiteExpected.append(b)
      }
    }
    return finiteOut.isEmpty || Tolerance.maxScaledError(finiteOut, finiteExpected) <= bound
  }

  @Test("float FULLY_CONNECTED on a RELU's output (the GEMM may skip its zeros): the reference's values, NaN and infinities included")
  func floatFullyConnectedOnZeros() throws {
    var rng = SeededGenerator(seed: 11)
    let shapes = Self.fullyConnectedShapes.filter { $0.0 < 1000 } + [(97, 200, 130), (48, 512, 128)]
    for (index, (m, k, n)) in shapes.enumerated() {
      let options = FullyConnectedOptions(fusedActivation: index % 3 == 0 ? .relu : .none)
      let x: TestTensor = .floats([m, k], Self.reluOutput(m: m, k: k, rng: &rng))
      var weights = rng.floats(n * k)
      // Every other case has an infinite weight: 0 · ∞ is NaN, so no zero of the input may be skipped.
      let infinite = index % 2 == 1
      if infinite { weights[(n / 2) * k + k / 2] = .infinity }
      let inputs: [TestTensor?] = [x, .floats([n, k], weights, constant: true), .floats([n], rng.floats(n), constant: true)]
      let expected = try runKernel(Reference.FullyConnected(), options: .fullyConnected(options), inputs: inputs, outputTypes: [.float32])[0]
      try optimizedFloatOutputs(options, inputs) { out, path, pool in
        #expect(out.shape == expected.shape)
        #expect(Self.matches(out.floats, expected.floats, within: 1e-5),
                "M \(m) K \(k) N \(n) infinite weight \(infinite) \(path) threads \(pool.threads)")
      }
    }
  }

  /// Input rows that stress the quantizer: zeros, a constant row, exact rounding ties, huge and tiny values, NaN.
  static func hybridInput(m: Int, k: Int, rng: inout SeededGenerator) -> [Float] {
    var x = rng.floats(m * k, in: -3...3)
    for row in 0..<m {
      let r = x.indices.dropFirst(row * k).prefix(k)
      switch row % 6 {
      case 1: for i in r { x[i] = 0 }
      case 2: for i in r { x[i] = 0.75 }
      case 3: for (j, i) in r.enumerated() { x[i] = Float(j % 9) * 0.5 - 2 }   // ties: max 2 → q = x · 63.5
      case 4: for i in r { x[i] *= 1e6 }
      case 5: for i in r { x[i] *= 1e-6 }
      default: if row % 12 == 6, let i = r.first { x[i] = .nan }   // NaN: skipped by min/max, quantized to 0
      }
    }
    return x
  }

  @Test("hybrid FULLY_CONNECTED is bit-identical: symmetric and asymmetric inputs, per-tensor and per-channel scales",
        arguments: [false, true])
  func hybridFullyConnected(asymmetric: Bool) throws {
    var rng = SeededGenerator(seed: asymmetric ? 3 : 2)
    for (index, (m, k, n)) in Self.fullyConnectedShapes.enumerated() {
      let perChannel = index % 2 == 1
      let scales = perChannel ? rng.floats(n, in: 0.001...0.05) : [0.02]
      let options = FullyConnectedOptions(fusedActivation: index % 3 == 0 ? .relu6 : .none, asymmetricQuantizeInputs: asymmetric)
      let inputs: [TestTensor?] = [
        .floats([m, k], Self.hybridInput(m: m, k: k, rng: &rng)),
        .int8s([n, k], rng.int8s(n * k), scale: scales),
        index % 4 == 2 ? nil : .floats([n], rng.floats(n), constant: true),
      ]
      let expected = try runKernel(Reference.FullyConnected(), options: .fullyConnected(options), inputs: inputs, outputTypes: [.float32])[0]
      try onEveryPath { path in
        for pool in pools {
          let out = try runKernel(Optimized.FullyConnected(), options: .fullyConnected(options), inputs: inputs,
                                  outputTypes: [.float32], threadPool: pool)[0]
          #expect(out.shape == expected.shape)
          let identical = out.bytes == expected.bytes
          #expect(identical, "M \(m) K \(k) N \(n) \(path) threads \(pool.threads): differs by \(Tolerance.maxScaledError(out.floats, expected.floats))")
        }
      }
    }
  }

  @Test("FULLY_CONNECTED with an epilogue (split or not) is bit-identical to FULLY_CONNECTED, ADD, MUL and ADD run one after another",
        arguments: [false, true])
  func fullyConnectedEpilogue(hybrid: Bool) throws {
    var rng = SeededGenerator(seed: hybrid ? 21 : 20)
    let activations: [ActivationFunction] = [.none, .relu, .relu6, .reluN1To1]
    for (index, (m, k, n)) in Self.fullyConnectedShapes.enumerated() {
      // Every subset of the three steps in turn (never none), scalar or per-column constants.
      let steps = index % 7 + 1
      let epilogue = Optimized.FullyConnected.Epilogue(residual: steps & 1 != 0, scale: steps & 2 != 0, shift: steps & 4 != 0)
      let options = FullyConnectedOptions(fusedActivation: activations[index % 4], keepNumDims: true,
                                          asymmetricQuantizeInputs: index % 2 == 0)
      let x: TestTensor = .floats([1, m, k], hybrid ? Self.hybridInput(m: m, k: k, rng: &rng) : rng.floats(m * k, in: -3...3))
      let w: TestTensor = hybrid ? .int8s([n, k], rng.int8s(n * k), scale: [0.02]) : .floats([n, k], rng.floats(n * k), constant: true)
      let bias: TestTensor? = index % 3 == 1 ? nil : .floats([n], rng.floats(n), constant: true)
      var residual = rng.floats(m * n, in: -2...2)
      residual[0] = -0.0
      if residual.count > 3 { residual[3] = .nan }
      let residualTensor: TestTensor = .floats([1, m, n], residual)
      let scale: TestTensor = index % 2 == 0 ? .floats([n], rng.floats(n, in: 0.5...1.5), constant: true) : .floats([1], [1.25], constant: true)
      let shift: TestTensor = index % 4 < 2 ? .floats([1, n], rng.floats(n), constant: true) : .floats([], [-0.5], constant: true)
      var fusedInputs: [TestTensor?] = [x, w, bias]
      if epilogue.residual { fusedInputs.append(residualTensor) }
      if epilogue.scale { fusedInputs.append(scale) }
      if epilogue.shift { fusedInputs.append(shift) }
      let label = "M \(m) K \(k) N \(n) \(options.fusedActivation)\(epilogue)"
      try onEveryPath { path in
        for pool in pools {
          var y = try runKernel(Optimized.FullyConnected(), options: .fullyConnected(options), inputs: [x, w, bias],
                                outputTypes: [.float32], threadPool: pool)[0]
          func then(_ kernel: any Kernel, _ options: BuiltinOptions, _ operand: TestTensor) throws {
            y = try runKernel(kernel, options: options, inputs: [.floats(y.shape, y.floats), operand], outputTypes: [.float32], threadPool: pool)[0]
          }
          if epilogue.residual { try then(Optimized.FloatBinary.add, .add(ArithmeticOptions()), residualTensor) }
          let afterResidual = y
          if epilogue.scale { try then(Optimized.FloatBinary.mul, .mul(.none), scale) }
          if epilogue.shift { try then(Optimized.FloatBinary.add, .add(ArithmeticOptions()), shift) }
          let fused = try runKernel(Optimized.FullyConnected(epilogue: epilogue), options: .fullyConnected(options), inputs: fusedInputs,
                                    outputTypes: [.float32], threadPool: pool)[0]
          #expect(fused.shape == y.shape, "\(label)")
          #expect(fused.bytes == y.bytes, "\(label) \(path) threads \(pool.threads)")
          // Split: the value after the residual is output 0, the final one output 1.
          if epilogue.scale || epilogue.shift {
            var splitting = epilogue
            splitting.split = true
            let outputs = try runKernel(Optimized.FullyConnected(epilogue: splitting), options: .fullyConnected(options), inputs: fusedInputs,
                                        outputTypes: [.float32, .float32], threadPool: pool)
            #expect(outputs[0].bytes == afterResidual.bytes && outputs[1].bytes == y.bytes, "\(label) split \(path) threads \(pool.threads)")
          }
        }
      }
    }
  }

  @Test("FULLY_CONNECTED with its heads split writes what FULLY_CONNECTED → RESHAPE → TRANSPOSE writes",
        arguments: [false, true])
  func fullyConnectedHeadSplit(hybrid: Bool) throws {
    var rng = SeededGenerator(seed: hybrid ? 31 : 30)
    // (M, K, heads, head size): heads of 16 and 32 columns fill whole panels (stored by the tiles), heads
    // of 8, 24 and 40 straddle them (stored element by element); M past one row block and with partial tiles.
    let cases: [(Int, Int, Int, Int)] = [(37, 24, 4, 16), (100, 64, 3, 32), (13, 40, 6, 8), (97, 33, 5, 24), (7, 16, 2, 40), (200, 8, 2, 48)]
    for (index, (m, k, heads, headSize)) in cases.enumerated() {
      let n = heads * headSize
      let options = FullyConnectedOptions(fusedActivation: index % 2 == 0 ? .none : .relu, keepNumDims: index % 3 == 0,
                                          asymmetricQuantizeInputs: index % 2 == 1)
      let x: TestTensor = .floats(index % 3 == 0 ? [1, m, k] : [m, k], hybrid ? Self.hybridInput(m: m, k: k, rng: &rng) : rng.floats(m * k, in: -3...3))
      let w: TestTensor = hybrid ? .int8s([n, k], rng.int8s(n * k), scale: [0.02]) : .floats([n, k], rng.floats(n * k), constant: true)
      let bias: TestTensor? = index % 4 == 1 ? nil : .floats([n], rng.floats(n), constant: true)
      let outputShape = index % 2 == 0 ? [1, heads, m, headSize] : [heads, m, headSize]
      let split = Optimized.FullyConnected(headSplit: .init(headSize: headSize, outputShape: Shape(outputShape)))
      try onEveryPath { path in
        for pool in pools {
          let plain = try runKernel(Optimized.FullyConnected(), options: .fullyConnected(options), inputs: [x, w, bias],
                                    outputTypes: [.float32], threadPool: pool)[0].floats
          let fused = try runKernel(split, options: .fullyConnected(options), inputs: [x, w, bias], outputTypes: [.float32], threadPool: pool)[0]
          // Element (h, i, b) of the split output is the plain output's (i, h·B + b): the TRANSPOSE's copy.
          var expected = [Float](repeating: 0, count: m * n)
          for h in 0..<heads {
            for i in 0..<m {
              for b in 0..<headSize { expected[(h * m + i) * headSize + b] = plain[i * n + h * headSize + b] }
            }
          }
          #expect(fused.shape == outputShape, "M \(m) heads \(heads) × \(headSize)")
          #expect(fused.floats.map(\.bitPattern) == expected.map(\.bitPattern),
                  "M \(m) K \(k) heads \(heads) × \(headSize) \(path) threads \(pool.threads)")
        }
      }
    }
  }

  @Test("FULLY_CONNECTED refuses a head split that does not fit its output")
  func fullyConnectedHeadSplitRefusals() {
    let x: TestTensor = .floats([4, 8], Array(repeating: 1, count: 32))
    let w: TestTensor = .floats([6, 8], Array(repeating: 0.5, count: 48), constant: true)
    let splits: [(Int, [Int])] = [(4, [2, 4, 3]), (3, [2, 3, 4]), (3, [3, 4, 2]), (3, [2, 4, 3, 1]), (0, [2, 4, 3])]
    for (headSize, shape) in splits {
      #expect(throws: KernelError.self, "heads of \(headSize) in \(shape)") {
        _ = try runKernel(Optimized.FullyConnected(headSplit: .init(headSize: headSize, outputShape: Shape(shape))),
                          options: .fullyConnected(FullyConnectedOptions()), inputs: [x, w, nil], outputTypes: [.float32])
      }
    }
  }

  @Test("FULLY_CONNECTED refuses epilogue operands that do not fit")
  func fullyConnectedEpilogueRefusals() throws {
    let x: TestTensor = .floats([4, 8], Array(repeating: 1, count: 32))
    let w: TestTensor = .floats([5, 8], Array(repeating: 0.5, count: 40), constant: true)
    let cases: [(Optimized.FullyConnected.Epilogue, [TestTensor?])] = [
      (.init(residual: true), [x, w, nil, .floats([4, 4], Array(repeating: 0, count: 16))]),          // residual of another shape
      (.init(scale: true), [x, w, nil, .floats([5], Array(repeating: 2, count: 5))]),                  // scale not constant
      (.init(shift: true), [x, w, nil, .floats([3], [1, 2, 3], constant: true)]),                      // neither 1 nor N values
      (.init(residual: true, scale: true), [x, w, nil, .floats([4, 5], Array(repeating: 0, count: 20))]),   // an operand missing
      (.init(residual: true), [x, .floats([5, 8], Array(repeating: 0.5, count: 40)), nil, .floats([4, 5], Array(repeating: 0, count: 20))]),   // weights not constant
      (.init(residual: true, split: true), [x, w, nil, .floats([4, 5], Array(repeating: 0, count: 20))]),   // a split with nothing after it
    ]
    for (epilogue, inputs) in cases {
      #expect(throws: KernelError.self, "\(epilogue)") {
        _ = try runKernel(Optimized.FullyConnected(epilogue: epilogue), options: .fullyConnected(FullyConnectedOptions()),
                          inputs: inputs, outputTypes: [.float32])
      }
    }
  }

  /// (left shape, right shape, adj_x, adj_y, right constant).
  static let batchMatMulCases: [([Int], [Int], Bool, Bool, Bool)] = [
    ([3, 5], [5, 7], false, false, false),
    ([2, 7, 9], [2, 9, 17], false, false, false),
    ([2, 9, 7], [2, 9, 17], true, false, false),
    ([2, 7, 9], [2, 17, 9], false, true, false),
    ([2, 9, 7], [2, 17, 9], true, true, true),
    ([4, 1, 13, 8], [1, 3, 8, 21], false, false, false),   // broadcast batches
    ([2, 3, 100, 32], [2, 3, 100, 32], false, true, false), // attention scores Q·Kᵀ
    ([2, 100, 100], [2, 100, 32], false, false, false),     // attention · V
    ([5, 6, 33], [33, 65], false, false, true),            // constant right side, broadcast
    ([1, 1, 1], [1, 1, 1], false, false, false),
  ]

  @Test("float BATCH_MATMUL: adj_x / adj_y, broadcast batches, constant or computed right side")
  func floatBatchMatMul() throws {
    var rng = SeededGenerator(seed: 4)
    for (l, r, adjX, adjY, constant) in Self.batchMatMulCases {
      let inputs: [TestTensor?] = [
        .floats(l, rng.floats(l.reduce(1, *))),
        .floats(r, rng.floats(r.reduce(1, *)), constant: constant),
      ]
      let options: BuiltinOptions = .batchMatMul(BatchMatMulOptions(adjX: adjX, adjY: adjY))
      let expected = try runKernel(Reference.BatchMatMul(), options: options, inputs: inputs, outputTypes: [.float32])[0]
      try onEveryPath { path in
        var first: TestOutput?
        for pool in pools {
          let out = try runKernel(Optimized.BatchMatMul(), options: options, inputs: inputs, outputTypes: [.float32], threadPool: pool)[0]
          #expect(out.shape == expected.shape)
          let error = Tolerance.maxScaledError(out.floats, expected.floats)
          #expect(error <= 1e-5, "\(l) × \(r) adj \(adjX)/\(adjY) \(path) threads \(pool.threads): \(error)")
          if let first {
            let same = out.bytes == first.bytes
            #expect(same, "\(path): thread count \(pool.threads) changed the result")
          }
          first = first ?? out
        }
      }
    }
  }

  @Test("hybrid BATCH_MATMUL (INT8 right side) runs the reference path, bit-identical")
  func hybridBatchMatMul() throws {
    var rng = SeededGenerator(seed: 5)
    let inputs: [TestTensor?] = [.floats([2, 5, 8], rng.floats(80)), .int8s([8, 3], rng.int8s(24), scale: [0.1])]
    let options: BuiltinOptions = .batchMatMul(BatchMatMulOptions())
    let expected = try runKernel(Reference.BatchMatMul(), options: options, inputs: inputs, outputTypes: [.float32])[0]
    let out = try runKernel(Optimized.BatchMatMul(), options: options, inputs: inputs, outputTypes: [.float32])[0]
    let identical = out.bytes == expected.bytes
    #expect(identical)
  }

  /// (left shape, right shape): full, row, column and scalar broadcasts, and shapes left to the reference.
  static let binaryCases: [([Int], [Int])] = [
    ([2, 3, 5], [2, 3, 5]), ([2, 3, 5], [5]), ([2, 3, 5], [1, 1, 5]), ([2, 3, 5], [2, 3, 1]), ([2, 3, 5], [1]),
    ([5], [2, 3, 5]), ([2, 3, 1], [2, 3, 5]), ([4, 1, 5], [3, 5]), ([37], [37]), ([1, 384, 128], [128]), ([3, 1], [1, 4]),
    ([2, 384, 128], [2, 384, 128]), ([2, 384, 128], [2, 384, 1]), ([2, 384, 128], [128]), ([70_000, 1], [1]),
  ]

  @Test("float ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE are bit-identical over every broadcast pattern")
  func floatBinary() throws {
    var rng = SeededGenerator(seed: 6)
    let kernels: [(Optimized.FloatBinary, BinaryElementwiseKernel, BuiltinOptions)] = [
      (.add, Reference.add, .add(ArithmeticOptions(fusedActivation: .relu))), (.sub, Reference.sub, .sub(ArithmeticOptions())),
      (.mul, Reference.mul, .mul(.none)), (.div, Reference.div, .div(.relu6)), (.squaredDifference, Reference.squaredDifference, .none),
    ]
    for (optimized, reference, options) in kernels {
      for (l, r) in Self.binaryCases {
        let inputs: [TestTensor?] = [.floats(l, rng.floats(l.reduce(1, *), in: -3...3)), .floats(r, rng.floats(r.reduce(1, *), in: 0.5...3))]
        let expected = try runKernel(reference, options: options, inputs: inputs, outputTypes: [.float32])[0]
        try onEveryPath { path in
          for pool in pools {
            let out = try runKernel(optimized, options: options, inputs: inputs, outputTypes: [.float32], threadPool: pool)[0]
            let identical = out.shape == expected.shape && out.bytes == expected.bytes
            #expect(identical, "\(l) and \(r), \(path), threads \(pool.threads): differs by \(Tolerance.maxScaledError(out.floats, expected.floats))")
          }
        }
      }
    }
  }

  @Test("SOFTMAX within 1e-6 of the reference: row lengths around the 8-wide vectors, beta, large and tiny logits")
  func softmax() throws {
    var rng = SeededGenerator(seed: 7)
    for (shape, beta, spread) in [([3, 1], Float(1), Float(1)), ([2, 7], 1, 5), ([4, 8], 0.5, 5), ([3, 17], 1, 30), ([2, 4, 384], 1, 10),
                                  ([1, 2, 100], 2, 100), ([5, 33], 1, 0)] as [([Int], Float, Float)] {
      let inputs: [TestTensor?] = [.floats(shape, rng.floats(shape.reduce(1, *), in: -spread...spread))]
      let options: BuiltinOptions = .softmax(SoftmaxOptions(beta: beta))
      let expected = try runKernel(Reference.Softmax(), options: options, inputs: inputs, outputTypes: [.float32])[0]
      try onEveryPath { path in
        for pool in pools {
          let out = try runKernel(Optimized.Softmax(), options: options, inputs: inputs, outputTypes: [.float32], threadPool: pool)[0]
          let error = Tolerance.maxScaledError(out.floats, expected.floats)
          #expect(out.shape == expected.shape && error <= 1e-6, "\(shape) beta \(beta) \(path): \(error)")
        }
      }
    }
  }

  @Test("MUL+ADD+SOFTMAX fused is bit-identical to the three optimised kernels one after another, and within 1e-6 of the reference chain")
  func maskedSoftmax() throws {
    var rng = SeededGenerator(seed: 11)
    // (scores shape, mask shape, scale or nil for ADD+SOFTMAX, beta)
    let cases: [([Int], [Int], Float?, Float)] = [
      ([1, 4, 24, 24], [1, 1, 1, 24], 0.125, 1), ([2, 3, 17], [17], nil, 1), ([12, 37, 37], [1, 1, 37], 0.17677669, 1),
      ([5, 8], [1, 8], 2, 0.5), ([3, 1], [1], -1, 1), ([2, 16, 40], [40], 0.3, -1),
      ([2, 6, 100], [1, 100], 0.125, 1), ([3, 64], [64], 0.3, 0.7),   // padded: whole steps of keys masked
    ]
    for (shape, maskShape, scale, beta) in cases {
      let depth = shape.last!
      // Scattered masked keys, and in rows of 64 or more the second half masked too (padding).
      var mask = (0..<depth).map { $0 % 5 == 4 || (depth >= 64 && $0 >= depth / 2) ? Float(-10_000) : 0 }
      if depth > 2 { mask[1] = -1e9 }
      let scores: TestTensor = .floats(shape, rng.floats(shape.reduce(1, *), in: -8...8))
      let maskTensor: TestTensor = .floats(maskShape, mask)
      let softmaxOptions: BuiltinOptions = .softmax(SoftmaxOptions(beta: beta))
      // The unfused chain, with the optimised and with the reference kernels.
      func chain(mul: any Kernel, add: any Kernel, softmax: any Kernel, pool: ThreadPool?) throws -> TestOutput {
        var x = scores
        if let scale {
          let product = try runKernel(mul, options: .mul(.none), inputs: [scores, .floats([], [scale], constant: true)],
                                      outputTypes: [.float32], threadPool: pool)[0]
          x = .floats(product.shape, product.floats)
        }
        let sum = try runKernel(add, options: .add(ArithmeticOptions()), inputs: [x, maskTensor],
                                outputTypes: [.float32], threadPool: pool)[0]
        return try runKernel(softmax, options: softmaxOptions, inputs: [.floats(sum.shape, sum.floats)],
                             outputTypes: [.float32], threadPool: pool)[0]
      }
      let reference = try chain(mul: Reference.mul, add: Reference.add, softmax: Reference.Softmax(), pool: nil)
      try onEveryPath { path in
        for pool in pools {
          let unfused = try chain(mul: Optimized.FloatBinary.mul, add: Optimized.FloatBinary.add, softmax: Optimized.Softmax(), pool: pool)
          let fused = try runKernel(Optimized.MaskedSoftmax(scale: scale, beta: beta), options: softmaxOptions,
                                    inputs: [scores, maskTensor], outputTypes: [.float32], threadPool: pool)[0]
          #expect(fused.shape == shape)
          #expect(fused.bytes == unfused.bytes, "\(shape) scale \(scale.map { "\($0)" } ?? "none") \(path) threads \(pool.threads)")
          let error = Tolerance.maxScaledError(fused.floats, reference.floats)
          #expect(error <= 1e-6, "\(shape) \(path): \(error) from the reference chain")
        }
      }
    }
  }

  @Test("ATTENTION fused is bit-identical to BATCH_MATMUL, MUL+ADD+SOFTMAX and BATCH_MATMUL run one after another")
  func attention() throws {
    var rng = SeededGenerator(seed: 12)
    // (batch dimensions, M, N, D, Dv, first adjX, first adjY, second adjY, scale)
    let cases: [([Int], Int, Int, Int, Int, Bool, Bool, Bool, Float?)] = [
      ([1, 4], 100, 100, 32, 32, false, true, false, 0.17677669),   // BERT: several row blocks, a partial one
      ([3], 7, 37, 13, 5, false, false, false, nil),
      ([2, 2], 50, 9, 8, 16, true, true, true, 0.5),
      ([1], 1, 1, 1, 1, false, true, false, nil),
    ]
    for (batch, m, n, d, dv, adjX, adjY, adjY2, scale) in cases {
      let heads = batch.reduce(1, *)
      let qShape = batch + (adjX ? [d, m] : [m, d]), kShape = batch + (adjY ? [n, d] : [d, n]), vShape = batch + (adjY2 ? [dv, n] : [n, dv])
      let q: TestTensor = .floats(qShape, rng.floats(heads * m * d, in: -2...2))
      let k: TestTensor = .floats(kShape, rng.floats(heads * n * d, in: -2...2))
      let v: TestTensor = .floats(vShape, rng.floats(heads * n * dv, in: -2...2))
      // Scattered masked keys, and past two thirds of 64 or more keys, padding.
      let mask: TestTensor = .floats([1, n], (0..<n).map { $0 % 4 == 3 || (n >= 64 && 3 * $0 >= 2 * n) ? -10_000 : 0 })
      let first = BatchMatMulOptions(adjX: adjX, adjY: adjY), second = BatchMatMulOptions(adjY: adjY2)
      let softmaxOptions: BuiltinOptions = .softmax(SoftmaxOptions(beta: 1))
      try onEveryPath { path in
        for pool in pools {
          let scores = try runKernel(Optimized.BatchMatMul(), options: .batchMatMul(first), inputs: [q, k], outputTypes: [.float32], threadPool: pool)[0]
          let probabilities = try runKernel(Optimized.MaskedSoftmax(scale: scale, beta: 1), options: softmaxOptions,
                                            inputs: [.floats(scores.shape, scores.floats), mask], outputTypes: [.float32], threadPool: pool)[0]
          let unfused = try runKernel(Optimized.BatchMatMul(), options: .batchMatMul(second),
                                      inputs: [.floats(probabilities.shape, probabilities.floats), v], outputTypes: [.float32], threadPool: pool)[0]
          let fused = try runKernel(Optimized.Attention(scale: scale, beta: 1, first: first, second: second), options: .batchMatMul(second),
                                    inputs: [q, k, mask, v], outputTypes: [.float32], threadPool: pool)[0]
          #expect(fused.shape == unfused.shape && fused.bytes == unfused.bytes, "\(batch) M \(m) N \(n) D \(d) Dv \(dv) \(path) threads \(pool.threads)")
          // Heads merged, (…, M, H, Dv): what a TRANSPOSE moving the heads after the rows copies.
          guard batch.filter({ $0 != 1 }).count <= 1 else { continue }
          let mergedShape = Array(batch.dropLast()) + [m, heads, dv]
          let merged = try runKernel(Optimized.Attention(scale: scale, beta: 1, first: first, second: second, mergedOutputShape: Shape(mergedShape)),
                                     options: .batchMatMul(second), inputs: [q, k, mask, v], outputTypes: [.float32], threadPool: pool)[0]
          let plain = unfused.floats
          var expected = [Float](repeating: 0, count: plain.count)
          for h in 0..<heads {
            for i in 0..<m {
              for c in 0..<dv { expected[(i * heads + h) * dv + c] = plain[(h * m + i) * dv + c] }
            }
          }
          #expect(merged.shape == mergedShape && merged.floats.map(\.bitPattern) == expected.map(\.bitPattern),
                  "\(batch) merged M \(m) Dv \(dv) \(path) threads \(pool.threads)")
        }
      }
    }
  }

  /// The unfused chain's output for `attention`'s operands: BATCH_MATMUL, MUL+ADD+SOFTMAX, BATCH_MATMUL.
  private func unfusedAttention(q: TestTensor, k: TestTensor, mask: TestTensor, v: TestTensor, scale: Float?, first: BatchMatMulOptions,
                                second: BatchMatMulOptions, pool: ThreadPool) throws -> TestOutput {
    let scores = try runKernel(Optimized.BatchMatMul(), options: .batchMatMul(first), inputs: [q, k], outputTypes: [.float32], threadPool: pool)[0]
    let probabilities = try runKernel(Optimized.MaskedSoftmax(scale: scale, beta: 1), options: .softmax(SoftmaxOptions(beta: 1)),
                                      inputs: [.floats(scores.shape, scores.floats), mask], outputTypes: [.float32], threadPool: pool)[0]
    return try runKernel(Optimized.BatchMatMul(), options: .batchMatMul(second),
                         inputs: [.floats(probabilities.shape, probabilities.floats), v], outputTypes: [.float32], threadPool: pool)[0]
  }

  @Test("ATTENTION leaves padded keys out only where their probabilities are exactly zero: same output as the unfused chain")
  func attentionPadding() throws {
    var rng = SeededGenerator(seed: 21)
    let heads = 3, m = 40, n = 128, d = 32, dv = 16
    let first = BatchMatMulOptions(adjY: true), second = BatchMatMulOptions()
    // (what the case is, magnitude of Q and K, padding's mask value, real keys, what V's padded rows hold)
    let cases: [(String, Float, Float, Int, Float?)] = [
      ("BERT padding: skipped", 2, -10_000, 70, nil),
      ("padding −∞: skipped", 2, -.infinity, 17, nil),
      ("one real key: skipped", 2, -10_000, 1, nil),
      // Scores of thousands against a mask of −1000: padded keys keep probabilities above zero.
      ("mild mask, large scores: run whole", 40, -1_000, 70, nil),
      ("a NaN in V's padded rows: run whole", 2, -10_000, 70, .nan),
      ("an infinity in V's padded rows: run whole", 2, -10_000, 70, .infinity),
      ("no real key: run whole", 2, -10_000, 0, nil),
    ]
    for (name, magnitude, padding, real, poison) in cases {
      let q: TestTensor = .floats([heads, m, d], rng.floats(heads * m * d, in: -magnitude...magnitude))
      let k: TestTensor = .floats([heads, n, d], rng.floats(heads * n * d, in: -magnitude...magnitude))
      var vValues = rng.floats(heads * n * dv, in: -2...2)
      if let poison { vValues[(2 * n - 3) * dv + 5] = poison }   // head 1, a padded key
      let v: TestTensor = .floats([heads, n, dv], vValues)
      let mask: TestTensor = .floats([1, 1, n], (0..<n).map { $0 >= real ? padding : ($0 % 5 == 4 ? -10_000 : 0) })
      try onEveryPath { path in
        for pool in pools {
          for scale: Float? in [0.17677669, nil] {
            let unfused = try unfusedAttention(q: q, k: k, mask: mask, v: v, scale: scale, first: first, second: second, pool: pool)
            let fused = try runKernel(Optimized.Attention(scale: scale, beta: 1, first: first, second: second), options: .batchMatMul(second),
                                      inputs: [q, k, mask, v], outputTypes: [.float32], threadPool: pool)[0]
            // Equal values (an exact zero may differ in sign; random operands give none), NaN where the chain has NaN.
            let same = zip(fused.floats, unfused.floats).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
            #expect(fused.shape == unfused.shape && same, "\(name), scale \(scale.map { "\($0)" } ?? "none"), \(path), threads \(pool.threads)")
          }
        }
      }
    }
  }

  @Test("ATTENTION refuses operands whose shapes do not chain, and merged outputs that do not fit")
  func attentionRefusesMismatch() {
    let q: TestTensor = .floats([2, 3, 4], Array(repeating: 0, count: 24)), k: TestTensor = .floats([2, 5, 4], Array(repeating: 0, count: 40))
    let mask: TestTensor = .floats([5], Array(repeating: 0, count: 5)), v: TestTensor = .floats([2, 5, 6], Array(repeating: 0, count: 60))
    for shape in [[2, 3, 6], [3, 6, 2], [3, 2, 3, 2], [6, 2, 3]] {   // (H, M, Dv) is not merged; the others split an axis
      #expect(throws: KernelError.self, "\(shape)") {
        _ = try runKernel(Optimized.Attention(scale: nil, beta: 1, first: BatchMatMulOptions(adjY: true), second: BatchMatMulOptions(),
                                              mergedOutputShape: Shape(shape)),
                          options: .batchMatMul(BatchMatMulOptions()), inputs: [q, k, mask, v], outputTypes: [.float32])
      }
    }
    let options = BatchMatMulOptions(adjY: true)
    #expect(throws: KernelError.self) {   // K's depth differs from Q's
      _ = try runKernel(Optimized.Attention(scale: nil, beta: 1, first: options, second: BatchMatMulOptions()), options: .batchMatMul(options),
                        inputs: [.floats([2, 3, 4], Array(repeating: 0, count: 24)), .floats([2, 5, 3], Array(repeating: 0, count: 30)),
                                 .floats([5], Array(repeating: 0, count: 5)), .floats([2, 5, 2], Array(repeating: 0, count: 20))],
                        outputTypes: [.float32])
    }
  }

  @Test("MUL+ADD+SOFTMAX refuses a mask that is not one row of the last axis")
  func maskedSoftmaxRefusesWrongMask() {
    #expect(throws: KernelError.self) {
      _ = try runKernel(Optimized.MaskedSoftmax(scale: nil, beta: 1), options: .softmax(SoftmaxOptions(beta: 1)),
                        inputs: [.floats([2, 4], Array(repeating: 0, count: 8)), .floats([2, 4], Array(repeating: 0, count: 8))],
                        outputTypes: [.float32])
    }
  }

  @Test("GELU, exact and tanh-approximate, within 1e-6 · max(1, |x|) of the reference", arguments: [false, true])
  func gelu(approximate: Bool) throws {
    var rng = SeededGenerator(seed: 8)
    var x = rng.floats(20_000, in: -12...12) + [0, -0.0, 1e-30, -1e-30, 100, -100, 3, -3, 0.5, -0.5, 1e-4]
    x += rng.floats(1_003, in: -1...1)
    let inputs: [TestTensor?] = [.floats([x.count], x)]
    let options: BuiltinOptions = .gelu(GeluOptions(approximate: approximate))
    let expected = try runKernel(Reference.Gelu(), options: options, inputs: inputs, outputTypes: [.float32])[0].floats
    try onEveryPath { path in
      for pool in pools {
        let out = try runKernel(Optimized.Gelu(), options: options, inputs: inputs, outputTypes: [.float32], threadPool: pool)[0].floats
        var worst: Float = 0
        for i in x.indices { worst = max(worst, abs(out[i] - expected[i]) / max(1, abs(x[i]))) }
        #expect(worst <= 1e-6, "\(path) threads \(pool.threads): \(worst)")
      }
      // Non-finite inputs as the reference: GELU(∞) = ∞, GELU(−∞) = −∞ · 0 = NaN, GELU(NaN) = NaN; and
      // around the point where the exact form's erf becomes ±1.
      let edges: [Float] = [.infinity, -.infinity, .nan, 5.5508, -5.5508, 5.55, -5.55, 5.56, -5.56, 5.5437, -5.5437, 5.54, -5.54]
      let edgeInputs: [TestTensor?] = [.floats([edges.count], edges)]
      let reference = try runKernel(Reference.Gelu(), options: options, inputs: edgeInputs, outputTypes: [.float32])[0].floats
      let out = try runKernel(Optimized.Gelu(), options: options, inputs: edgeInputs, outputTypes: [.float32])[0].floats
      for i in edges.indices {
        let same = reference[i].isNaN ? out[i].isNaN : out[i] == reference[i] || abs(out[i] - reference[i]) <= 1e-6 * max(1, abs(edges[i]))
        #expect(same, "\(path): GELU(\(edges[i])) = \(out[i]), reference \(reference[i])")
      }
    }
  }

  @Test("MEAN over trailing axes within 1e-6 of the reference; other axes run the reference")
  func mean() throws {
    var rng = SeededGenerator(seed: 9)
    for (shape, axes, keepDims) in [([2, 3, 5], [2], true), ([2, 384, 384], [-1], true), ([4, 37], [1], false), ([3, 4, 5], [1, 2], false),
                                    ([3, 4, 5], [0], true), ([3, 4, 5], [1], true), ([70, 1], [1], true)] as [([Int], [Int32], Bool)] {
      let inputs: [TestTensor?] = [.floats(shape, rng.floats(shape.reduce(1, *), in: -2...3)), .int32s([axes.count], axes)]
      let options: BuiltinOptions = .reducer(ReducerOptions(keepDims: keepDims))
      let expected = try runKernel(Reference.Mean(), options: options, inputs: inputs, outputTypes: [.float32])[0]
      try onEveryPath { path in
        for pool in pools {
          let out = try runKernel(Optimized.Mean(), options: options, inputs: inputs, outputTypes: [.float32], threadPool: pool)[0]
          let error = Tolerance.maxScaledError(out.floats, expected.floats)
          #expect(out.shape == expected.shape && error <= 1e-6, "\(shape) axes \(axes) \(path): \(error)")
        }
      }
    }
  }

  @Test("TRANSPOSE is bit-identical: head split and merge, permutations moving the last axis, INT32")
  func transpose() throws {
    var rng = SeededGenerator(seed: 10)
    for (shape, perm) in [([1, 7, 4, 5], [0, 2, 1, 3]), ([2, 3, 4, 5], [2, 0, 1, 3]), ([2, 3, 4, 5], [1, 0, 2, 3]),
                          ([2, 3, 4], [0, 2, 1]), ([3, 4], [1, 0]), ([2, 3, 4, 5], [0, 1, 2, 3]), ([2, 1, 3, 2], [-3, 0, 2, 3])] as [([Int], [Int32])] {
      for input in [TestTensor.floats(shape, rng.floats(shape.reduce(1, *))),
                    TestTensor.int32s(shape, (0..<Int32(shape.reduce(1, *))).map { $0 * 7 }, constant: false)] {
        let inputs: [TestTensor?] = [input, .int32s([perm.count], perm)]
        let expected = try runKernel(Reference.Transpose(), inputs: inputs, outputTypes: [input.type])[0]
        let out = try runKernel(Optimized.Transpose(), inputs: inputs, outputTypes: [input.type])[0]
        let identical = out.shape == expected.shape && out.bytes == expected.bytes
        #expect(identical, "\(shape) perm \(perm) \(input.type)")
      }
    }
  }

  @Test("malformed nodes are refused by the optimised kernels as by the reference")
  func refusals() {
    #expect(throws: KernelError.self) {
      _ = try runKernel(Optimized.FullyConnected(), options: .fullyConnected(FullyConnectedOptions()),
                        inputs: [.floats([2, 5], Array(repeating: 1, count: 10)), .floats([3, 4], Array(repeating: 1, count: 12), constant: true)],
                        outputTypes: [.float32])
    }
    #expect(throws: KernelError.self) {   // a fourth input on a FULLY_CONNECTED that is not fused, weights not constant
      _ = try runKernel(Optimized.FullyConnected(), options: .fullyConnected(FullyConnectedOptions()),
                        inputs: [.floats([2, 4], Array(repeating: 1, count: 8)), .floats([3, 4], Array(repeating: 1, count: 12)),
                                 nil, .floats([2, 3], Array(repeating: 1, count: 6))],
                        outputTypes: [.float32])
    }
    #expect(throws: KernelError.self) {
      _ = try runKernel(Optimized.BatchMatMul(), options: .batchMatMul(BatchMatMulOptions()),
                        inputs: [.floats([2, 3], Array(repeating: 1, count: 6)), .floats([4, 2], Array(repeating: 1, count: 8))],
                        outputTypes: [.float32])
    }
  }
}
