import Foundation
import Testing
import TFLiteFormat
import TFLiteKernels
import TestSupport

@Suite("Elementwise kernels")
struct ElementwiseTests {
  @Test("ADD broadcasts a row over a matrix, and a matrix column over a row (both ways)")
  func addBroadcast() throws {
    let out = try runKernel(Reference.add, options: .add(ArithmeticOptions()),
                            inputs: [.floats([2, 3], [1, 2, 3, 4, 5, 6]), .floats([3], [10, 20, 30])], outputTypes: [.float32])
    #expect(out[0].shape == [2, 3])
    #expect(out[0].floats == [11, 22, 33, 14, 25, 36])
    // (2, 1) + (1, 3) → (2, 3): both inputs broadcast.
    let both = try runKernel(Reference.add, inputs: [.floats([2, 1], [1, 2]), .floats([1, 3], [10, 20, 30])], outputTypes: [.float32])
    #expect(both[0].shape == [2, 3])
    #expect(both[0].floats == [11, 21, 31, 12, 22, 32])
  }

  @Test("SUB with a scalar on the left, and fused RELU")
  func subScalarRelu() throws {
    let out = try runKernel(Reference.sub, options: .sub(ArithmeticOptions(fusedActivation: .relu)),
                            inputs: [.floats([], [1]), .floats([4], [0, 0.5, 2, -3])], outputTypes: [.float32])
    #expect(out[0].floats == [1, 0.5, 0, 4])
  }

  @Test("MUL and DIV on INT32, DIV by zero gives 0")
  func integerMulDiv() throws {
    let mul = try runKernel(Reference.mul, inputs: [.int32s([3], [2, -3, 4], constant: false), .int32s([1], [5], constant: false)], outputTypes: [.int32])
    #expect(mul[0].int32s == [10, -15, 20])
    let div = try runKernel(Reference.div, inputs: [.int32s([3], [7, -7, 1]), .int32s([3], [2, 2, 0])], outputTypes: [.int32])
    #expect(div[0].int32s == [3, -3, 0])
  }

  @Test("INT32 DIV and FLOOR_DIV of Int32.min by -1 wrap, and by zero give 0, instead of trapping")
  func integerDivisionOverflow() throws {
    let a: TestTensor = .int32s([3], [.min, .min, 5], constant: false), b: TestTensor = .int32s([3], [-1, 0, 0], constant: false)
    #expect(try runKernel(Reference.div, inputs: [a, b], outputTypes: [.int32])[0].int32s == [.min, 0, 0])
    #expect(try runKernel(Reference.floorDiv, inputs: [a, b], outputTypes: [.int32])[0].int32s == [.min, 0, 0])
  }

  @Test("broadcasting over a middle dimension: (2, 1, 2) × (3, 1)")
  func middleBroadcast() throws {
    let out = try runKernel(Reference.mul, inputs: [.floats([2, 1, 2], [1, 2, 3, 4]), .floats([3, 1], [1, 10, 100])], outputTypes: [.float32])
    #expect(out[0].shape == [2, 3, 2])
    #expect(out[0].floats == [1, 2, 10, 20, 100, 200, 3, 4, 30, 40, 300, 400])
  }

  @Test("shapes that do not broadcast are refused in prepare, naming the shapes")
  func incompatible() {
    #expect(throws: KernelError.self) {
      _ = try runKernel(Reference.add, inputs: [.floats([2, 3], Array(repeating: 0, count: 6)), .floats([2], [0, 0])], outputTypes: [.float32])
    }
    do {
      _ = try runKernel(Reference.add, inputs: [.floats([2, 3], Array(repeating: 0, count: 6)), .floats([2], [0, 0])], outputTypes: [.float32])
    } catch {
      #expect(error.description.contains("[2, 3]") && error.description.contains("[2]"))
    }
  }

  @Test("SQUARED_DIFFERENCE, POW, MAXIMUM, MINIMUM, FLOOR_DIV")
  func otherBinary() throws {
    let a: TestTensor = .floats([3], [1, -2, 3]), b: TestTensor = .floats([3], [4, 2, -1])
    #expect(try runKernel(Reference.squaredDifference, inputs: [a, b], outputTypes: [.float32])[0].floats == [9, 16, 16])
    #expect(try runKernel(Reference.pow, inputs: [.floats([3], [2, 3, 4]), .floats([], [2])], outputTypes: [.float32])[0].floats == [4, 9, 16])
    #expect(try runKernel(Reference.maximum, inputs: [a, b], outputTypes: [.float32])[0].floats == [4, 2, 3])
    #expect(try runKernel(Reference.minimum, inputs: [a, b], outputTypes: [.float32])[0].floats == [1, -2, -1])
    #expect(try runKernel(Reference.floorDiv, inputs: [.int32s([2], [7, -7]), .int32s([2], [2, 2])], outputTypes: [.int32])[0].int32s == [3, -4])
  }

  @Test("INT32 POW squares and multiplies: a huge exponent finishes at once and wraps like repeated multiplication")
  func integerPow() throws {
    let out = try runKernel(Reference.pow, inputs: [.int32s([5], [3, 2, -1, 1, 7], constant: false), .int32s([5], [4, 31, .max, .max, -1], constant: false)],
                            outputTypes: [.int32])
    #expect(out[0].int32s == [81, .min, -1, 1, 0])
  }

  @Test("unary kernels: TANH, LOGISTIC, EXP, LOG, SQRT, RSQRT, SQUARE, NEG, ABS, RELU")
  func unary() throws {
    let x: TestTensor = .floats([4], [0, 1, 4, 0.25])
    func run(_ k: any Kernel) throws -> [Float] { try runKernel(k, inputs: [x], outputTypes: [.float32])[0].floats }
    #expect(Tolerance.firstMismatch(try run(Reference.tanh), [0, 0.7615942, 0.9993293, 0.24491866]) == nil)
    #expect(Tolerance.firstMismatch(try run(Reference.logistic), [0.5, 0.7310586, 0.98201376, 0.5621765]) == nil)
    #expect(Tolerance.firstMismatch(try run(Reference.exp), [1, 2.7182817, 54.59815, 1.2840254]) == nil)
    #expect(try run(Reference.sqrt) == [0, 1, 2, 0.5])
    #expect(try run(Reference.rsqrt) == [.infinity, 1, 0.5, 2])
    #expect(try run(Reference.square) == [0, 1, 16, 0.0625])
    #expect(try run(Reference.neg) == [-0.0, -1, -4, -0.25])
    #expect(try runKernel(Reference.abs, inputs: [.floats([2], [-3, 2])], outputTypes: [.float32])[0].floats == [3, 2])
    #expect(try runKernel(Reference.relu, inputs: [.floats([2], [-3, 2])], outputTypes: [.float32])[0].floats == [0, 2])
    #expect(Tolerance.firstMismatch(try runKernel(Reference.log, inputs: [.floats([2], [1, 2.7182817])], outputTypes: [.float32])[0].floats, [0, 1]) == nil)
  }

  @Test("GELU exact (erf) and approximate (tanh) against hand-computed values")
  func gelu() throws {
    let x: TestTensor = .floats([3], [-1, 0, 1])
    let exact = try runKernel(Reference.Gelu(), options: .gelu(GeluOptions(approximate: false)), inputs: [x], outputTypes: [.float32])
    // 0.5·x·(1 + erf(x/√2)): Φ(1) = 0.8413447 → 0.8413447, −0.1586553.
    #expect(Tolerance.firstMismatch(exact[0].floats, [-0.15865526, 0, 0.8413447]) == nil)
    let approx = try runKernel(Reference.Gelu(), options: .gelu(GeluOptions(approximate: true)), inputs: [x], outputTypes: [.float32])
    // tanh(√(2/π)·1.044715) = tanh(0.8355714) = 0.6833003 → 0.84165.
    #expect(Tolerance.firstMismatch(approx[0].floats, [-0.15880801, 0, 0.841192]) == nil)
  }
}
