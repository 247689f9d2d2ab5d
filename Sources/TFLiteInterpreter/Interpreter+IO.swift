import TFLiteFormat
import TFLiteKernels

extension Interpreter {
  /// Number of graph inputs.
  public var inputCount: Int { subgraph.inputs.count }
  /// Number of graph outputs.
  public var outputCount: Int { subgraph.outputs.count }
  /// Number of tensors in the subgraph.
  public var tensorCount: Int { subgraph.tensors.count }

  /// Details of tensor `index` of the subgraph.
  ///
  /// Throws: `InterpreterError.noSuchTensor` when the index is out of range.
  public func tensor(at index: Int) throws(InterpreterError) -> TensorDetails {
    guard subgraph.tensors.indices.contains(index) else { throw .noSuchTensor("no tensor \(index); the subgraph has \(subgraph.tensors.count)") }
    let t = subgraph.tensors[index]
    return TensorDetails(index: index, name: t.name, type: t.type, shape: shapes[index].dimensions,
                         shapeSignature: t.shapeSignature?.map(Int.init), quantization: t.quantization)
  }

  /// Details of graph input `i` (in the model's input order).
  public func input(_ i: Int) throws(InterpreterError) -> TensorDetails {
    try tensor(at: try tensorIndex(ofInput: i))
  }

  /// Details of graph output `i`.
  public func output(_ i: Int) throws(InterpreterError) -> TensorDetails {
    guard subgraph.outputs.indices.contains(i) else { throw .noSuchTensor("no output \(i); the model has \(outputCount)") }
    return try tensor(at: Int(subgraph.outputs[i]))
  }

  /// Every input's details, in order.
  public var inputs: [TensorDetails] { subgraph.inputs.compactMap { try? tensor(at: Int($0)) } }
  /// Every output's details, in order.
  public var outputs: [TensorDetails] { subgraph.outputs.compactMap { try? tensor(at: Int($0)) } }

  /// The position of the input tensor called `name`.
  ///
  /// Throws: `InterpreterError.noSuchTensor` listing the input names.
  public func inputIndex(named name: String) throws(InterpreterError) -> Int {
    guard let i = subgraph.inputs.firstIndex(where: { subgraph.tensors[Int($0)].name == name }) else {
      throw .noSuchTensor("no input named \"\(name)\"; the inputs are \(inputs.map { "\"\($0.name)\"" }.joined(separator: ", "))")
    }
    return i
  }

  /// The position of the output tensor called `name`.
  public func outputIndex(named name: String) throws(InterpreterError) -> Int {
    guard let i = subgraph.outputs.firstIndex(where: { subgraph.tensors[Int($0)].name == name }) else {
      throw .noSuchTensor("no output named \"\(name)\"; the outputs are \(outputs.map { "\"\($0.name)\"" }.joined(separator: ", "))")
    }
    return i
  }

  func tensorIndex(ofInput i: Int) throws(InterpreterError) -> Int {
    guard subgraph.inputs.indices.contains(i) else { throw .noSuchTensor("no input \(i); the model has \(inputCount)") }
    return Int(subgraph.inputs[i])
  }

  /// Changes the shape of input `i`; call `allocateTensors()` afterwards.
  ///
  /// Throws: `InterpreterError.inputMismatch` when a dimension is negative, or when a dimension the
  /// model fixes (not -1 in its shape signature) would change.
  public func resizeInput(_ i: Int, to shape: [Int]) throws(InterpreterError) {
    let t = try tensorIndex(ofInput: i)
    try resizeTensor(t, to: shape)
  }

  func resizeTensor(_ t: Int, to shape: [Int]) throws(InterpreterError) {
    let description = subgraph.tensors[t]
    guard shape.allSatisfy({ $0 >= 0 }) else { throw .inputMismatch("input \"\(description.name)\": shape \(shape) has a negative dimension") }
    if let signature = description.shapeSignature, signature.count == shape.count {
      for (d, s) in zip(shape, signature) where s != -1 && Int(s) != d {
        throw .inputMismatch("input \"\(description.name)\" cannot take shape \(shape): the model fixes it to \(signature.map { $0 == -1 ? "?" : String($0) })")
      }
    }
    resizedInputs[t] = Shape(shape)
    shapes[t] = Shape(shape)
    isAllocated = false
  }

  // MARK: Data in

  /// Copies `values` into input `i`.
  ///
  /// Throws: `InterpreterError.inputMismatch` naming the tensor and its expected type and shape when
  /// `T` does not match its type or the count differs from its element count; `.notAllocated`.
  public func copy<T: TensorElement>(_ values: [T], toInput i: Int) throws(InterpreterError) {
    try copy(values, toTensor: try tensorIndex(ofInput: i), role: "input \(i)")
  }

  /// Copies `values` into the input called `name`.
  public func copy<T: TensorElement>(_ values: [T], toInputNamed name: String) throws(InterpreterError) {
    try copy(values, toInput: try inputIndex(named: name))
  }

  /// Copies raw little-endian bytes into input `i` (the byte count must match exactly).
  public func copy(bytes: [UInt8], toInput i: Int) throws(InterpreterError) {
    let t = try tensorIndex(ofInput: i)
    let view = try allocatedView(t)
    guard bytes.count == view.byteCount else {
      throw .inputMismatch("input \(i) \"\(subgraph.tensors[t].name)\" expects \(view.byteCount) bytes (\(try tensor(at: t).summary)); got \(bytes.count)")
    }
    bytes.withUnsafeBytes { source in
      if let base = source.baseAddress { view.data.copyMemory(from: base, byteCount: source.count) }
    }
  }

  func copy<T: TensorElement>(_ values: [T], toTensor t: Int, role: String) throws(InterpreterError) {
    let view = try allocatedView(t)
    let details = try tensor(at: t)
    guard T.tensorType == view.type, values.count == view.elementCount else {
      throw .inputMismatch("\(role) \"\(details.name)\" expects \(details.summary) (\(details.elementCount) values); got \(values.count) \(T.tensorType) values")
    }
    values.withUnsafeBytes { source in
      if let base = source.baseAddress { view.data.copyMemory(from: base, byteCount: source.count) }
    }
  }

  func allocatedView(_ t: Int) throws(InterpreterError) -> TensorView {
    guard isAllocated, let view = views[t] else { throw .notAllocated }
    return view
  }

  // MARK: Running

  /// Runs every node once, in order.
  ///
  /// Throws: `InterpreterError.notAllocated` before `allocateTensors()`. Kernels themselves never fail here.
  public func invoke() throws(InterpreterError) {
    guard isAllocated else { throw .notAllocated }
    for i in nodes.indices where runs[i] { prepared[i].invoke(nodeIO[i]) }
  }

  // MARK: Data out

  /// The values of output `i`, row-major (shape in `output(i).shape`).
  ///
  /// Throws: `InterpreterError.inputMismatch` when `T` does not match the tensor's type; `.notAllocated`.
  public func output<T: TensorElement>(_ i: Int, as type: T.Type = T.self) throws(InterpreterError) -> [T] {
    guard subgraph.outputs.indices.contains(i) else { throw .noSuchTensor("no output \(i); the model has \(outputCount)") }
    return try values(ofTensor: Int(subgraph.outputs[i]), as: type)
  }

  /// The values of the output called `name`.
  public func output<T: TensorElement>(named name: String, as type: T.Type = T.self) throws(InterpreterError) -> [T] {
    try output(try outputIndex(named: name), as: type)
  }

  /// The raw bytes of output `i`.
  public func outputBytes(_ i: Int) throws(InterpreterError) -> [UInt8] {
    guard subgraph.outputs.indices.contains(i) else { throw .noSuchTensor("no output \(i); the model has \(outputCount)") }
    let view = try allocatedView(Int(subgraph.outputs[i]))
    return Array(UnsafeRawBufferPointer(start: view.data, count: view.byteCount))
  }

  /// The values of any tensor that has memory (inputs, outputs, constants; intermediates may
  /// have been overwritten by later nodes).
  public func values<T: TensorElement>(ofTensor t: Int, as type: T.Type = T.self) throws(InterpreterError) -> [T] {
    guard subgraph.tensors.indices.contains(t) else { throw .noSuchTensor("no tensor \(t)") }
    let view = try allocatedView(t)
    guard T.tensorType == view.type else {
      throw .inputMismatch("tensor \(t) \"\(subgraph.tensors[t].name)\" holds \(view.type); asked for \(T.tensorType)")
    }
    return Array(UnsafeBufferPointer(start: view.data.assumingMemoryBound(to: T.self), count: view.elementCount))
  }
}
