import Testing
import TFLiteFormat
import TFLiteKernels
import TFLiteInterpreter

@Suite("TRANSPOSE as a view")
struct TransposeViewTests {
  /// x (2, 1, 3) → TRANSPOSE [1, 0, 2] → t (1, 2, 3), which moves only the axis of size 1; t → TRANSPOSE [2, 1, 0]
  /// → y (3, 2, 1), which moves data. Outputs t and y.
  static func model() -> Model {
    let permutations: [Int32] = [1, 0, 2, 2, 1, 0]
    let tensors = [
      TensorDescription(name: "x", type: .float32, shape: [2, 1, 3]),
      TensorDescription(name: "keep", type: .int32, shape: [3], buffer: 1),
      TensorDescription(name: "t", type: .float32, shape: [1, 2, 3]),
      TensorDescription(name: "swap", type: .int32, shape: [3], buffer: 2),
      TensorDescription(name: "y", type: .float32, shape: [3, 2, 1]),
    ]
    let operators = [
      OperatorDescription(opcodeIndex: 0, inputs: [0, 1], outputs: [2]),
      OperatorDescription(opcodeIndex: 0, inputs: [2, 3], outputs: [4]),
    ]
    let graph = SubgraphDescription(name: "main", tensors: tensors, inputs: [0], outputs: [2, 4], operators: operators)
    let bytes = permutations.withUnsafeBytes { Array($0) }
    return Model(operatorCodes: [OperatorCode(builtin: .transpose)], subgraphs: [graph],
                 bytes: InMemoryBytes(buffers: [[], Array(bytes[0..<12]), Array(bytes[12..<24])]))
  }

  @Test("a TRANSPOSE that moves only axes of size 1 does not run (either kernel set); the other does; the values are the transposes")
  func sizeOneAxes() throws {
    var results: [[Float]] = []
    for options in [Interpreter.Options(kernels: .reference), Interpreter.Options()] {
      let interpreter = try Interpreter(model: Self.model(), options: options)
      try interpreter.allocateTensors()
      try interpreter.copy((0..<6).map(Float.init), toInputNamed: "x")
      try interpreter.invoke()
      results.append(try interpreter.outputValues(named: "t").map(Float.init) + interpreter.outputValues(named: "y").map(Float.init))
      #expect(interpreter.nodeSummaries.map(\.runs) == [false, true])
    }
    #expect(results[0] == [0, 1, 2, 3, 4, 5, 0, 3, 1, 4, 2, 5])
    #expect(results[1] == results[0])
  }
}
