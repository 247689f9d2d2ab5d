import Testing
import TFLiteFormat
import TFLiteKernels
import TestSupport

/// `Optimized.Rowwise` (the fused layer normalisation) against the same steps run one by one with the
/// reference kernels, on every instruction-set path and thread count; and its refusals of malformed chains.
@Suite("Fused row-wise chains")
struct RowwiseTests {
  typealias Step = Optimized.Rowwise.Step

  /// Layer normalisation as TensorFlow writes it: inputs x, ε, γ, β.
  static let layerNorm: [Step] = [
    .init(.mean, 0),                       // 4: mean
    .init(.squaredDifference, 0, 4),       // 5
    .init(.mean, 5),                       // 6: variance
    .init(.add, 6, 1),                     // 7
    .init(.rsqrt, 7),                      // 8
    .init(.sub, 0, 4),                     // 9
    .init(.mul, 9, 8),                     // 10
    .init(.mul, 10, 2),                    // 11: · γ
    .init(.add, 11, 3),                    // 12: + β
  ]

  /// Runs the steps one at a time with the reference kernels (each a node of its own, as unfused), or with
  /// the optimised single-op kernels the interpreter runs when it does not fuse.
  func reference(_ steps: [Step], inputs: [TestTensor], optimized: Bool = false) throws -> [Float] {
    try stepByStep(steps, inputs: inputs, optimized: optimized).last!
  }

  /// Every step's result (full values as floats), the steps run one at a time.
  func stepByStep(_ steps: [Step], inputs: [TestTensor], optimized: Bool = false) throws -> [[Float]] {
    var values = inputs
    for step in steps {
      let a = values[step.a]
      let output: TestOutput
      switch step.operation {
      case .mean:
        output = try runKernel(optimized ? Optimized.Mean() : Reference.Mean(), options: .reducer(ReducerOptions(keepDims: true)),
                               inputs: [a, .int32s([1], [-1])], outputTypes: [.float32])[0]
      case .rsqrt, .sqrt, .square, .neg:
        let kernel = [.rsqrt: Reference.rsqrt, .sqrt: Reference.sqrt, .square: Reference.square, .neg: Reference.neg][step.operation]!
        output = try runKernel(kernel, inputs: [a], outputTypes: [.float32])[0]
      default:
        let kernel: any Kernel = optimized
          ? [.add: Optimized.FloatBinary.add, .sub: Optimized.FloatBinary.sub, .mul: Optimized.FloatBinary.mul, .div: Optimized.FloatBinary.div,
             .squaredDifference: Optimized.FloatBinary.squaredDifference][step.operation]!
          : [.add: Reference.add, .sub: Reference.sub, .mul: Reference.mul, .div: Reference.div,
             .squaredDifference: Reference.squaredDifference][step.operation]!
        let options: BuiltinOptions = switch step.operation {
        case .add: .add(ArithmeticOptions())
        case .sub: .sub(ArithmeticOptions())
        case .mul: .mul(.none)
        case .div: .div(.none)
        default: .none
        }
        output = try runKernel(kernel, options: options, inputs: [a, values[step.b!]], outputTypes: [.float32])[0]
      }
      values.append(.floats(output.shape, output.floats))
    }
    return values.dropFirst(inputs.count).map { $0.bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } }
  }

  func input(_ shape: [Int], seed: UInt64, scale: Float = 1, offset: Float = 0, constant: Bool = false) -> TestTensor {
    var random = SplitMix64(seed: seed)
    let values = (0..<shape.reduce(1, *)).map { _ in offset + scale * (Float(random.next() % 20_001) / 10_000 - 1) }
    return .floats(shape, values, constant: constant)
  }

  @Test("layer normalisation: the fused chain equals the reference kernels run one by one",
        arguments: [[1, 13, 24], [3, 7], [2, 5, 384], [1, 1, 3]])
  func layerNormMatchesReference(_ shape: [Int]) throws {
    let n = shape.last!
    let inputs: [TestTensor] = [input(shape, seed: 1, scale: 3, offset: 1), .floats([], [1e-12], constant: true),
                                input([n], seed: 2, scale: 0.5, offset: 1, constant: true), input([n], seed: 3, scale: 0.1, constant: true)]
    let expected = try reference(Self.layerNorm, inputs: inputs)
    for pool in [nil, ThreadPool(threads: 3)] {
      let fused = try runKernel(Optimized.Rowwise(steps: Self.layerNorm), inputs: inputs, outputTypes: [.float32], threadPool: pool)[0]
      #expect(fused.shape == shape)
      // The mean's vectorised sum differs from the reference's in-order one by rounding only.
      #expect(Tolerance.firstMismatch(fused.floats, expected, rtol: 1e-5, atol: 1e-5) == nil, "\(shape)")
      let portable = try Optimized.withPortableKernels {
        try runKernel(Optimized.Rowwise(steps: Self.layerNorm), inputs: inputs, outputTypes: [.float32], threadPool: pool)[0]
      }
      // The portable path sums in order, as the reference does: nothing else differs.
      #expect(portable.floats == expected, "\(shape): portable")
    }
  }

  @Test("RMS normalisation, per-row inputs, row vectors broadcast against per-row values, and every operation")
  func otherChains() throws {
    let x = input([4, 16], seed: 4, scale: 2), perRow = input([4, 1], seed: 5, offset: 2)
    let gamma = input([16], seed: 6, constant: true), epsilon: TestTensor = .floats([1], [1e-6], constant: true)
    let rms: [Step] = [.init(.square, 0), .init(.mean, 3), .init(.add, 4, 1), .init(.rsqrt, 5), .init(.mul, 0, 6), .init(.mul, 7, 2)]
    let everything: [Step] = [.init(.neg, 3), .init(.mul, 4, 2), .init(.div, 0, 5), .init(.sqrt, 3), .init(.sub, 6, 7),
                              .init(.mean, 8), .init(.squaredDifference, 8, 9)]
    for (steps, inputs) in [(rms, [x, epsilon, gamma]), (everything, [x, epsilon, gamma, perRow])] {
      let expected = try reference(steps, inputs: inputs)
      let fused = try Optimized.withPortableKernels {
        try runKernel(Optimized.Rowwise(steps: steps), inputs: inputs, outputTypes: [.float32])[0]
      }
      #expect(fused.floats == expected)
      let vectorised = try runKernel(Optimized.Rowwise(steps: steps), inputs: inputs, outputTypes: [.float32], threadPool: ThreadPool(threads: 2))[0]
      #expect(Tolerance.firstMismatch(vectorised.floats, expected) == nil)
    }
  }

  @Test("the layer norm converters write runs in three passes per row (glean_layer_norm_f32) with the step-by-step optimised kernels' bytes",
        arguments: [[2, 5, 384], [3, 7], [1, 13, 24], [4, 100]])
  func layerNormForm(_ shape: [Int]) throws {
    let n = shape.last!
    let x = input(shape, seed: 15, scale: 4, offset: -1), epsilon: TestTensor = .floats([], [1e-6], constant: true)
    // γ and β per column and as one value; ADD, MUL and SQUARED_DIFFERENCE with their operands swapped.
    let variants: [([Step], [TestTensor])] = [
      (Self.layerNorm, [x, epsilon, input([n], seed: 16, offset: 1, constant: true), input([1, n], seed: 17, constant: true)]),
      ([.init(.mean, 0), .init(.squaredDifference, 4, 0), .init(.mean, 5), .init(.add, 1, 6), .init(.rsqrt, 7), .init(.sub, 0, 4),
        .init(.mul, 8, 9), .init(.mul, 2, 10), .init(.add, 3, 11)],
       [x, epsilon, .floats([], [1.5], constant: true), .floats([1], [-0.25], constant: true)]),
      (Array(Self.layerNorm.prefix(7)), [x, epsilon, .floats([], [2], constant: true), .floats([], [3], constant: true)]),   // γ, β unread
    ]
    for (steps, inputs) in variants {
      #expect(Optimized.Rowwise.runsAsLayerNorm(inputs: inputs.map { Shape($0.shape) }, steps: steps))
      // The normalised rows, ·γ and +β as outputs, in every combination that keeps the last step.
      let formSteps = Array(6..<steps.count)
      for mask in 0..<(1 << (formSteps.count - 1)) {
        let outputSteps = [steps.count - 1] + formSteps.dropLast().enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
        try onEveryPath { path in
          let expected = try stepByStep(steps, inputs: inputs, optimized: true)
          for pool in [nil, ThreadPool(threads: 3)] {
            let outputs = try runKernel(Optimized.Rowwise(steps: steps, outputSteps: outputSteps), inputs: inputs,
                                        outputTypes: Array(repeating: .float32, count: outputSteps.count), threadPool: pool)
            for (output, step) in zip(outputs, outputSteps) {
              #expect(output.floats.map(\.bitPattern) == expected[step].map(\.bitPattern), "\(shape) step \(step) \(path)")
            }
          }
        }
      }
    }
  }

  @Test("several outputs: the normalised rows and their × γ + β copy in one pass, each the single-output chain's bytes")
  func severalOutputs() throws {
    // Steps 0 ... 6 normalise (value 10 = step 6), 7 and 8 scale and shift it (value 12 = step 8).
    let inputs: [TestTensor] = [input([2, 5, 384], seed: 12, scale: 3, offset: 1), .floats([], [1e-12], constant: true),
                                input([384], seed: 13, scale: 0.5, offset: 1, constant: true), input([384], seed: 14, scale: 0.1, constant: true)]
    for pool in [nil, ThreadPool(threads: 3)] {
      let normalised = try runKernel(Optimized.Rowwise(steps: Array(Self.layerNorm.prefix(7))), inputs: inputs, outputTypes: [.float32],
                                     threadPool: pool)[0]
      let affine = try runKernel(Optimized.Rowwise(steps: Self.layerNorm), inputs: inputs, outputTypes: [.float32], threadPool: pool)[0]
      let both = try runKernel(Optimized.Rowwise(steps: Self.layerNorm, outputSteps: [8, 6]), inputs: inputs,
                               outputTypes: [.float32, .float32], threadPool: pool)
      #expect(both.map(\.shape) == [[2, 5, 384], [2, 5, 384]])
      #expect(both[0].bytes == affine.bytes && both[1].bytes == normalised.bytes)
    }
    // Outputs that are not distinct full results, or leave out the last step, are refused.
    for outputSteps in [[6], [8, 8], [8, 2], [8, 9]] {
      #expect(throws: KernelError.self, "\(outputSteps)") {
        try runKernel(Optimized.Rowwise(steps: Self.layerNorm, outputSteps: outputSteps), inputs: inputs,
                      outputTypes: Array(repeating: .float32, count: outputSteps.count))
      }
    }
  }

  @Test("malformed chains are refused while preparing, with the reason")
  func refusals() {
    let x = input([4, 16], seed: 7), row = input([4, 1], seed: 8), vector = input([16], seed: 9, constant: true)
    let cases: [(String, [Step], [TestTensor])] = [
      ("no steps", [], [x]),
      ("an operand not computed yet", [.init(.add, 0, 2)], [x]),
      ("a binary step without its second operand", [.init(.add, 0)], [x]),
      ("a unary step with a second operand", [.init(.neg, 0, 0), .init(.mean, 1), .init(.sub, 0, 2)], [x]),
      ("a MEAN of a per-row value", [.init(.mean, 1), .init(.add, 0, 2)], [x, row]),
      ("a result that does not depend on the rows", [.init(.mul, 1, 1), .init(.add, 0, 2)], [x, vector]),
      ("a per-row last step", [.init(.mean, 0)], [x]),
      ("an input of another shape", [.init(.add, 0, 1)], [x, input([3, 16], seed: 10)]),
      ("rows of one value", [.init(.add, 0, 0)], [input([4, 1], seed: 11)]),
      ("too many steps", Array(repeating: .init(.add, 0, 0), count: 65), [x]),
    ]
    for (reason, steps, inputs) in cases {
      #expect(throws: KernelError.self, "\(reason)") {
        try runKernel(Optimized.Rowwise(steps: steps), inputs: inputs, outputTypes: [.float32])
      }
    }
  }
}
