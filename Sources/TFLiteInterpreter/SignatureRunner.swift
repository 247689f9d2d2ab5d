import TFLiteFormat

/// Runs a model through one of its signatures (`SignatureDef`): inputs and outputs by their
/// signature names rather than tensor positions.
///
/// ```swift
/// let runner = try SignatureRunner(model: model, key: "serving_default")
/// try runner.allocateTensors()
/// try runner.copy(ids, toInput: "input_ids")
/// try runner.invoke()
/// let logits: [Float] = try runner.output("logits")
/// ```
/// Throws: `InterpreterError.noSuchSignature` listing the model's keys; the interpreter's errors otherwise.
public final class SignatureRunner {
  public let signature: SignatureDescription
  /// The interpreter of the signature's subgraph.
  public let interpreter: Interpreter

  public init(model: Model, key: String, options: Interpreter.Options = .init()) throws(InterpreterError) {
    guard let signature = model.signatures.first(where: { $0.key == key }) else {
      throw .noSuchSignature(key: key, available: model.signatures.map(\.key))
    }
    self.signature = signature
    var options = options
    options.subgraphIndex = signature.subgraphIndex
    interpreter = try Interpreter(model: model, options: options)
  }

  public var inputNames: [String] { signature.inputs.map(\.name) }
  public var outputNames: [String] { signature.outputs.map(\.name) }

  func inputTensor(_ name: String) throws(InterpreterError) -> Int {
    guard let entry = signature.inputs.first(where: { $0.name == name }) else {
      throw .noSuchTensor("signature \"\(signature.key)\" has no input \"\(name)\"; its inputs are \(inputNames.joined(separator: ", "))")
    }
    return Int(entry.tensor)
  }

  func outputTensor(_ name: String) throws(InterpreterError) -> Int {
    guard let entry = signature.outputs.first(where: { $0.name == name }) else {
      throw .noSuchTensor("signature \"\(signature.key)\" has no output \"\(name)\"; its outputs are \(outputNames.joined(separator: ", "))")
    }
    return Int(entry.tensor)
  }

  /// Details of a signature input.
  public func input(_ name: String) throws(InterpreterError) -> TensorDetails { try interpreter.tensor(at: try inputTensor(name)) }
  /// Details of a signature output.
  public func output(_ name: String) throws(InterpreterError) -> TensorDetails { try interpreter.tensor(at: try outputTensor(name)) }

  public func resizeInput(_ name: String, to shape: [Int]) throws(InterpreterError) {
    try interpreter.resizeTensor(try inputTensor(name), to: shape)
  }

  public func allocateTensors() throws(InterpreterError) { try interpreter.allocateTensors() }

  public func copy<T: TensorElement>(_ values: [T], toInput name: String) throws(InterpreterError) {
    try interpreter.copy(values, toTensor: try inputTensor(name), role: "signature input")
  }

  public func invoke() throws(InterpreterError) { try interpreter.invoke() }

  public func output<T: TensorElement>(_ name: String, as type: T.Type = T.self) throws(InterpreterError) -> [T] {
    try interpreter.values(ofTensor: try outputTensor(name), as: type)
  }
}
