import Foundation
import Testing
import TFLiteFormat
import TFLiteKernels
import TFLiteInterpreter
import TestSupport

/// A graph built by hand from descriptions: x (B, 3) → FULLY_CONNECTED with W (2, 3) → t (B, 2)
/// → SHAPE(t) → RESHAPE(t, shape) → SOFTMAX → y (B, 2).
func smallModel(extraCodes: [OperatorCode] = [], signatures: [SignatureDescription] = []) -> Model {
  let weights: [Float] = [1, 0, 0, 0, 1, 1]
  let tensors = [
    TensorDescription(name: "x", type: .float32, shape: [1, 3], shapeSignature: [-1, 3]),
    TensorDescription(name: "w", type: .float32, shape: [2, 3], buffer: 1),
    TensorDescription(name: "t", type: .float32, shape: [1, 2]),
    TensorDescription(name: "shape", type: .int32, shape: [2]),
    TensorDescription(name: "r", type: .float32, shape: [1, 2]),
    TensorDescription(name: "y", type: .float32, shape: [1, 2]),
  ]
  let codes = [OperatorCode(builtin: .fullyConnected, version: 1), OperatorCode(builtin: .shape), OperatorCode(builtin: .reshape),
               OperatorCode(builtin: .softmax)] + extraCodes
  let operators = [
    OperatorDescription(opcodeIndex: 0, inputs: [0, 1, -1], outputs: [2], options: .fullyConnected(FullyConnectedOptions())),
    OperatorDescription(opcodeIndex: 1, inputs: [2], outputs: [3]),
    OperatorDescription(opcodeIndex: 2, inputs: [2, 3], outputs: [4]),
    OperatorDescription(opcodeIndex: 3, inputs: [4], outputs: [5], options: .softmax(SoftmaxOptions(beta: 1))),
  ]
  let graph = SubgraphDescription(name: "main", tensors: tensors, inputs: [0], outputs: [5], operators: operators)
  return Model(operatorCodes: codes, subgraphs: [graph], signatures: signatures,
               bytes: InMemoryBytes(buffers: [[], weights.withUnsafeBytes { Array($0) }]))
}

@Suite("Interpreter API")
struct InterpreterAPITests {
  @Test("allocate, set input by name, invoke, read output; SHAPE is computed while preparing")
  func roundTrip() throws {
    let interpreter = try Interpreter(model: smallModel())
    try interpreter.allocateTensors()
    try interpreter.copy([Float(1), 2, 3], toInputNamed: "x")
    try interpreter.invoke()
    let y: [Float] = try interpreter.output(0)
    // t = [1, 5]; softmax → [e^-4/(1+e^-4), 1/(1+e^-4)].
    #expect(Tolerance.firstMismatch(y, [0.01798621, 0.98201376]) == nil)
    #expect(try interpreter.output(0).shape == [1, 2])
    #expect(try interpreter.tensor(at: 1).name == "w")
    #expect(interpreter.arenaBytes > 0)
    // Outputs stay valid and inputs stay set: invoking again gives the same result.
    try interpreter.invoke()
    #expect(try interpreter.output(0) == y)
  }

  @Test("resizeInput changes the batch and every shape after it")
  func resize() throws {
    let interpreter = try Interpreter(model: smallModel())
    try interpreter.resizeInput(0, to: [2, 3])
    try interpreter.allocateTensors()
    try interpreter.copy([Float(1), 2, 3, 0, 0, 0], toInput: 0)
    try interpreter.invoke()
    #expect(try interpreter.output(0).shape == [2, 2])
    let y: [Float] = try interpreter.output(0)
    #expect(Tolerance.firstMismatch(Array(y[2...]), [0.5, 0.5]) == nil)
    // The model fixes the feature dimension: resizing it is refused.
    #expect(throws: InterpreterError.self) { try interpreter.resizeInput(0, to: [2, 4]) }
  }

  @Test("wrong input data is refused with the tensor's name, type and shape")
  func inputMismatch() throws {
    let interpreter = try Interpreter(model: smallModel())
    #expect(throws: InterpreterError.notAllocated) { try interpreter.invoke() }
    try interpreter.allocateTensors()
    do {
      try interpreter.copy([Int32(1), 2, 3], toInput: 0)
      Issue.record("expected a mismatch")
    } catch {
      #expect(error.description.contains("\"x\"") && error.description.contains("FLOAT32 [1, 3]"), "\(error)")
    }
    #expect(throws: InterpreterError.self) { try interpreter.copy([Float(1)], toInput: 0) }
    #expect(throws: InterpreterError.self) { try interpreter.inputIndex(named: "nope") }
  }

  @Test("a model needing unregistered ops fails at load, listing every one with its version")
  func missingOps() throws {
    let model = smallModel(extraCodes: [OperatorCode(builtin: .custom, customName: "MyTokenizer"), OperatorCode(builtin: .lstm, version: 4),
                                        OperatorCode(builtin: .softmax, version: 99)])
    do {
      _ = try Interpreter(model: model)
      Issue.record("expected unsupported operators")
    } catch {
      guard case .unsupportedOperators(let missing) = error else { Issue.record("\(error)"); return }
      #expect(missing == ["MyTokenizer (custom)", "LSTM v4", "SOFTMAX v99"])
    }
    // An empty resolver lacks everything.
    #expect(OpResolver().missingOperators(in: smallModel()) == ["FULLY_CONNECTED v1", "SHAPE v1", "RESHAPE v1", "SOFTMAX v1"])
    // Selective registration: exactly the model's own builtins.
    let selective = OpResolver.selective(for: smallModel())
    #expect(selective.missingOperators(in: smallModel()).isEmpty)
    #expect(selective.missingOperators(in: model) == ["MyTokenizer (custom)", "LSTM v4", "SOFTMAX v99"])
  }

  /// A custom op: y = factor · x, with the factor in the first byte of its custom options.
  struct Scale: Kernel {
    let factor: Float
    func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      let x = try node.input(0, types: [.float32])
      try node.setOutput(0, shape: x.shape, type: .float32)
      let factor = self.factor
      return PreparedOp { io in
        let x = io.inputs[0].floats, y = io.outputs[0].floats
        for i in 0..<x.count { y[i] = factor * x[i] }
      }
    }
  }

  @Test("custom ops: registered by name, built from their custom options bytes")
  func customOp() throws {
    let tensors = [TensorDescription(name: "in", type: .float32, shape: [3]), TensorDescription(name: "out", type: .float32, shape: [3])]
    let graph = SubgraphDescription(name: "main", tensors: tensors, inputs: [0], outputs: [1],
                                    operators: [OperatorDescription(opcodeIndex: 0, inputs: [0], outputs: [1], customOptions: 1..<2)])
    let model = Model(operatorCodes: [OperatorCode(builtin: .custom, customName: "Scale")], subgraphs: [graph],
                      bytes: InMemoryBytes(buffers: [[]], file: [0, 3]))
    #expect(throws: InterpreterError.self) { _ = try Interpreter(model: model) }
    var resolver = OpResolver.builtins
    resolver.register(custom: "Scale") { options in Scale(factor: Float(options.first ?? 1)) }
    let interpreter = try Interpreter(model: model, options: .init(resolver: resolver))
    try interpreter.allocateTensors()
    try interpreter.copy([Float(1), -2, 0.5], toInput: 0)
    try interpreter.invoke()
    #expect(try interpreter.output(0) == [Float(3), -6, 1.5])
  }

  @Test("signature runner: inputs and outputs by signature name")
  func signature() throws {
    let model = smallModel(signatures: [SignatureDescription(key: "serving_default", subgraphIndex: 0,
                                                             inputs: [("features", 0)], outputs: [("probabilities", 5)])])
    #expect(throws: InterpreterError.self) { _ = try SignatureRunner(model: model, key: "other") }
    let runner = try SignatureRunner(model: model, key: "serving_default")
    #expect(runner.inputNames == ["features"])
    try runner.resizeInput("features", to: [1, 3])
    try runner.allocateTensors()
    try runner.copy([Float(1), 2, 3], toInput: "features")
    try runner.invoke()
    let p: [Float] = try runner.output("probabilities")
    #expect(Tolerance.firstMismatch(p, [0.01798621, 0.98201376]) == nil)
    #expect(try runner.output("probabilities").type == .float32)
  }

  @Test("a kernel's refusal names the op, node and tensor")
  func kernelError() throws {
    // FULLY_CONNECTED with weights (2, 3) on an input of 4 features.
    let tensors = [TensorDescription(name: "x", type: .float32, shape: [1, 4]), TensorDescription(name: "w", type: .float32, shape: [2, 3], buffer: 1),
                   TensorDescription(name: "y", type: .float32, shape: [1, 2])]
    let graph = SubgraphDescription(name: "main", tensors: tensors, inputs: [0], outputs: [2],
                                    operators: [OperatorDescription(opcodeIndex: 0, inputs: [0, 1], outputs: [2], options: .fullyConnected(FullyConnectedOptions()))])
    let model = Model(operatorCodes: [OperatorCode(builtin: .fullyConnected)], subgraphs: [graph],
                      bytes: InMemoryBytes(buffers: [[], Array(repeating: 0, count: 24)]))
    let interpreter = try Interpreter(model: model)
    do {
      try interpreter.allocateTensors()
      Issue.record("expected a kernel error")
    } catch {
      #expect(error.description.contains("FULLY_CONNECTED v1 (node 0)") && error.description.contains("\"x\""), "\(error)")
    }
  }

  /// FILL(dims, 1.0) → y, for each `dims`, and one more FILL into z when `twice`.
  static func fillModel(_ dims: [Int32], twice: Bool = false, inputShape: [Int32] = [1], declaredOutput: [Int32] = []) -> Model {
    let tensors = [TensorDescription(name: "dims", type: .int32, shape: [Int32(dims.count)], buffer: 1),
                   TensorDescription(name: "value", type: .float32, shape: inputShape),
                   TensorDescription(name: "y", type: .float32, shape: declaredOutput),
                   TensorDescription(name: "z", type: .float32, shape: [])]
    let fill = { (out: Int32) in OperatorDescription(opcodeIndex: 0, inputs: [0, 1], outputs: [out], options: .none) }
    let graph = SubgraphDescription(name: "main", tensors: tensors, inputs: [1], outputs: twice ? [2, 3] : [2],
                                    operators: twice ? [fill(2), fill(3)] : [fill(2)])
    return Model(operatorCodes: [OperatorCode(builtin: .fill)], subgraphs: [graph],
                 bytes: InMemoryBytes(buffers: [[], dims.withUnsafeBytes { Array($0) }]))
  }

  @Test("shapes too large to count or to allocate are refused with an error, not a trap or an abort")
  func oversizedShapes() throws {
    let big: [[Int32]] = [[.max, .max, .max], [.max, .max], [0, .max, .max], [1 << 20, 1 << 20]]
    for dims in big {
      #expect(throws: InterpreterError.self, "\(dims)") { try Interpreter(model: Self.fillModel(dims)).allocateTensors() }
    }
    // Two outputs of 2^39 bytes each: together more than the 2^40-byte cap on the arena.
    #expect(throws: InterpreterError.self) { try Interpreter(model: Self.fillModel([1 << 19, 1 << 18], twice: true)).allocateTensors() }
    // Declared shapes of graph inputs: overflowing, and negative.
    #expect(throws: InterpreterError.self) { try Interpreter(model: Self.fillModel([2], inputShape: [.max, .max, .max])).allocateTensors() }
    #expect(throws: InterpreterError.self) { try Interpreter(model: Self.fillModel([2], inputShape: [-3])).allocateTensors() }
    // A sane FILL still runs, whatever shape the model declares for its output: the kernel sets that one.
    let interpreter = try Interpreter(model: Self.fillModel([2, 2], declaredOutput: [-1, 2]))
    try interpreter.allocateTensors()
    try interpreter.copy([Float(1.5)], toInput: 0)
    try interpreter.invoke()
    #expect(try interpreter.output(0) == [Float](repeating: 1.5, count: 4))
  }

  /// A float graph with input tensors `inputs`; `data` gives constant buffers by tensor index.
  static func floatGraph(_ tensors: [(name: String, shape: [Int32])], inputs: [Int32], outputs: [Int32],
                         operators: [OperatorDescription], codes: [OperatorCode], data: [Int: [Float]] = [:],
                         variables: Set<Int> = [], int32Data: [Int: [Int32]] = [:]) -> Model {
    var buffers: [[UInt8]] = [[]]
    let descriptions = tensors.enumerated().map { i, t in
      var buffer: UInt32 = 0
      if let values = data[i] { buffer = UInt32(buffers.count); buffers.append(values.withUnsafeBytes { Array($0) }) }
      if let values = int32Data[i] { buffer = UInt32(buffers.count); buffers.append(values.withUnsafeBytes { Array($0) }) }
      return TensorDescription(name: t.name, type: int32Data[i] == nil ? .float32 : .int32, shape: t.shape, buffer: buffer,
                               isVariable: variables.contains(i))
    }
    let graph = SubgraphDescription(name: "main", tensors: descriptions, inputs: inputs, outputs: outputs, operators: operators)
    return Model(operatorCodes: codes, subgraphs: [graph], bytes: InMemoryBytes(buffers: buffers))
  }

  @Test("unsound dataflow is refused before allocation: two writers, a written constant, a read before any write")
  func unsoundDataflow() throws {
    let add = { (a: Int32, b: Int32, out: Int32) in
      OperatorDescription(opcodeIndex: 0, inputs: [a, b], outputs: [out], options: .add(ArithmeticOptions()))
    }
    func refusal(_ model: Model) -> String? {
      do { try Interpreter(model: model).allocateTensors() } catch { return error.description }
      return nil
    }
    // Two writers: t would be sized for one and written (a million floats) by the other.
    let twoWriters = Self.floatGraph([("x", [1 << 20]), ("y", [1]), ("t", [1])], inputs: [0, 1], outputs: [2],
                                     operators: [add(0, 0, 2), add(1, 1, 2)], codes: [OperatorCode(builtin: .add)])
    let a = refusal(twoWriters)
    #expect(a?.contains("tensor 2 \"t\" is written by node 0 (ADD v1) and again by node 1") == true, "\(a ?? "none")")
    // A node writing a constant: the model's buffer (shared by every interpreter) would be overwritten.
    let writesConstant = Self.floatGraph([("x", [1]), ("c", [1])], inputs: [0], outputs: [1], operators: [add(0, 0, 1)],
                                         codes: [OperatorCode(builtin: .add)], data: [1: [7]])
    let b = refusal(writesConstant)
    #expect(b?.contains("tensor 1 \"c\" has constant data but node 0") == true, "\(b ?? "none")")
    #expect(writesConstant.bufferBytes(1).loadUnaligned(as: Float.self) == 7)
    // MEAN reads t5, which only a later NEG writes; fusion used to walk forward to it and trap.
    let codes = [OperatorCode(builtin: .mean), OperatorCode(builtin: .sub), OperatorCode(builtin: .neg)]
    let readEarly = Self.floatGraph([("x", [1, 4]), ("t1", [1, 1]), ("axes", [1]), ("out", [1, 4]), ("t5", [1, 4])],
                                    inputs: [0], outputs: [3],
                                    operators: [OperatorDescription(opcodeIndex: 0, inputs: [4, 2], outputs: [1], options: .reducer(ReducerOptions(keepDims: true))),
                                                OperatorDescription(opcodeIndex: 1, inputs: [0, 1], outputs: [3], options: .sub(ArithmeticOptions())),
                                                OperatorDescription(opcodeIndex: 2, inputs: [0], outputs: [4])],
                                    codes: codes, int32Data: [2: [-1]])
    let c = refusal(readEarly)
    #expect(c?.contains("tensor 4 \"t5\" is read by node 0 (MEAN v1) but has no data and is written by node 2 (NEG v1), after it") == true, "\(c ?? "none")")
    // A variable with buffer data: allocation would zero the model's buffer.
    let variableWithData = Self.floatGraph([("x", [1]), ("v", [1]), ("y", [1])], inputs: [0], outputs: [2], operators: [add(0, 1, 2)],
                                           codes: [OperatorCode(builtin: .add)], data: [1: [3]], variables: [1])
    #expect(refusal(variableWithData)?.contains("variable tensor 1 \"v\" has buffer data") == true)
  }

  @Test("variables may be read before they are written and written by several nodes")
  func variableDataflow() throws {
    let add = { (a: Int32, b: Int32, out: Int32) in
      OperatorDescription(opcodeIndex: 0, inputs: [a, b], outputs: [out], options: .add(ArithmeticOptions()))
    }
    let model = Self.floatGraph([("x", [1]), ("v", [1]), ("y", [1])], inputs: [0], outputs: [2],
                                operators: [add(1, 0, 2), add(0, 0, 1), add(0, 1, 1)], codes: [OperatorCode(builtin: .add)],
                                variables: [1])
    let interpreter = try Interpreter(model: model)
    try interpreter.allocateTensors()
    try interpreter.copy([Float(2)], toInput: 0)
    try interpreter.invoke()
    #expect(try interpreter.output(0) == [Float(2)])  // v starts at zero
  }

  @Test("the model is shared by interpreters on several threads")
  func sharedModel() async throws {
    let model = smallModel()
    try await withThrowingTaskGroup(of: [Float].self) { group in
      for _ in 0..<4 {
        group.addTask {
          let interpreter = try Interpreter(model: model)
          try interpreter.allocateTensors()
          try interpreter.copy([Float(1), 2, 3], toInput: 0)
          try interpreter.invoke()
          return try interpreter.output(0)
        }
      }
      var results: [[Float]] = []
      for try await r in group { results.append(r) }
      #expect(Set(results.map { $0.description }).count == 1)
    }
  }
}
