import ArgumentParser
import Foundation
import TFLiteFormat
import TFLiteInterpreter

/// `glean run`: Run any TensorFlow Lite model on inputs from .npy or JSON files.
///
/// ```
/// glean run model.tflite --input input_ids=ids.npy --input mask=mask.json --output out.json
/// ```
/// Each output tensor is written as `{"dtype": ..., "shape": [...], "data": [...]}` (flat, row-major),
/// keyed by its name, to OUT.json or standard output.
struct Run: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run any TensorFlow Lite model on inputs from .npy or JSON files.",
    discussion: """
      Every model input needs one --input NAME=FILE. FILE is a NumPy .npy array (dtypes <f4, <i4, <i8, |i1, |u1, |b1; \
      C order) or a JSON array, nested (its nesting gives the shape) or flat (the tensor's own shape is used). \
      Integer data may feed any integer tensor when every value fits. Inputs whose model shape has free (-1) \
      dimensions are resized to the file's shape.
      The outputs are written as JSON: {"NAME": {"dtype": "float32", "shape": [1, 2], "data": [...]}, ...}.
      """
  )

  @Argument(help: "The .tflite model to run.")
  var model: String

  @Option(name: .customLong("input"), help: ArgumentHelp("An input tensor's data, as NAME=FILE (.npy or .json).", valueName: "NAME=FILE"))
  var inputs: [String] = []

  @Option(name: .customLong("output"), help: ArgumentHelp("Write the outputs to this JSON file instead of standard output.", valueName: "OUT.json"))
  var output: String?

  @Option(help: "Threads kernels may use.")
  var threads: Int = 1

  func run() async throws {
    let assignments = try inputs.map(InputAssignment.init(parsing:))
    let json = try ModelRunner.run(modelPath: model, inputs: assignments, threads: threads)
    if let output {
      do {
        try Data((json + "\n").utf8).write(to: URL(fileURLWithPath: output))
      } catch {
        throw CLIError("cannot write \(output): \(error.localizedDescription)")
      }
    } else {
      print(json)
    }
  }
}

/// One `--input NAME=FILE`.
struct InputAssignment: Equatable {
  var name: String
  var path: String

  init(name: String, path: String) {
    self.name = name
    self.path = path
  }

  init(parsing text: String) throws {
    guard let equals = text.lastIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex else {
      throw CLIError("--input expects NAME=FILE (for example input_ids=ids.npy); got \"\(text)\"")
    }
    name = String(text[..<equals])
    path = String(text[text.index(after: equals)...])
  }
}

// MARK: - Running a model

/// Loads a model, feeds it input files, runs it and renders the outputs as JSON.
enum ModelRunner {
  static func run(modelPath: String, inputs assignments: [InputAssignment], threads: Int) throws -> String {
    let model: Model
    do {
      model = try Model(contentsOf: URL(fileURLWithPath: modelPath))
    } catch {
      throw CLIError("cannot load \(modelPath): \(error)")
    }
    let interpreter: Interpreter
    do {
      interpreter = try Interpreter(model: model, options: .init(threads: threads))
    } catch {
      throw CLIError("\(modelPath): \(error)")
    }
    let modelInputs = interpreter.inputs
    let describe = { (t: TensorDetails) in "\"\(t.name)\" (\(t.summary))" }

    // Every input given once, every given name an input.
    var arrays: [Int: InputArray] = [:]
    for assignment in assignments {
      guard let position = modelInputs.firstIndex(where: { $0.name == assignment.name }) else {
        throw CLIError("the model has no input \"\(assignment.name)\"; its inputs are \(modelInputs.map(describe).joined(separator: ", "))")
      }
      guard arrays[position] == nil else { throw CLIError("input \"\(assignment.name)\" is given twice") }
      arrays[position] = try InputArray(contentsOf: assignment.path)
    }
    let missing = modelInputs.indices.filter { arrays[$0] == nil }
    if !missing.isEmpty {
      throw CLIError("missing \(missing.count == 1 ? "input" : "inputs") \(missing.map { describe(modelInputs[$0]) }.joined(separator: ", ")); pass --input NAME=FILE for each")
    }

    // Shapes: resize inputs whose model shape leaves dimensions free.
    for (position, array) in arrays {
      let tensor = modelInputs[position]
      guard let shape = array.shape, shape != tensor.shape else { continue }
      let signature = tensor.shapeSignature ?? tensor.shape
      let fits = signature.count == shape.count && zip(signature, shape).allSatisfy { $0 == -1 || $0 == $1 }
      guard fits else {
        if shape.reduce(1, *) == tensor.elementCount && array.isFlat { continue }
        throw CLIError("input \(describe(tensor)) cannot take data of shape \(shape) from \(array.source); expected shape \(signature.map { $0 == -1 ? "?" : String($0) })")
      }
      do { try interpreter.resizeInput(position, to: shape) } catch { throw CLIError("input \(describe(tensor)): \(error)") }
    }
    do { try interpreter.allocateTensors() } catch { throw CLIError("\(modelPath): \(error)") }

    for (position, array) in arrays {
      let tensor = try interpreter.input(position)
      guard array.count == tensor.elementCount else {
        throw CLIError("input \(describe(tensor)) needs \(tensor.elementCount) values; \(array.source) has \(array.count)")
      }
      let bytes = try array.bytes(as: tensor.type, for: describe(tensor))
      try interpreter.copy(bytes: bytes, toInput: position)
    }
    try interpreter.invoke()

    var entries: [String] = []
    for i in 0..<interpreter.outputCount {
      let tensor = try interpreter.output(i)
      let bytes = try interpreter.outputBytes(i)
      let values = try OutputRendering.values(bytes, type: tensor.type, name: tensor.name)
      entries.append("  \(JSONText.string(tensor.name)): {\"dtype\": \"\(OutputRendering.dtypeName(tensor.type))\", \"shape\": [\(tensor.shape.map(String.init).joined(separator: ", "))], \"data\": [\(values.joined(separator: ", "))]}")
    }
    return "{\n" + entries.joined(separator: ",\n") + "\n}"
  }
}

// MARK: - Input files

/// An input array read from a `.npy` or JSON file, before it is matched to a tensor.
struct InputArray {
  enum Values {
    /// Real values from a float array (NumPy `<f4`, or JSON numbers with a fraction).
    case real([Double])
    /// Integer values (NumPy integer dtypes, JSON integers).
    case integer([Int64])
    /// NumPy `|b1`.
    case boolean([Bool])
  }

  var values: Values
  /// The file's shape; nil for a flat JSON array, which takes the tensor's shape.
  var shape: [Int]?
  /// Where the data came from, for messages.
  var source: String
  /// A JSON array without nesting.
  var isFlat: Bool = false

  var count: Int {
    switch values {
    case .real(let v): v.count
    case .integer(let v): v.count
    case .boolean(let v): v.count
    }
  }

  init(values: Values, shape: [Int]?, source: String, isFlat: Bool = false) {
    self.values = values
    self.shape = shape
    self.source = source
    self.isFlat = isFlat
  }

  init(contentsOf path: String) throws {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw CLIError("cannot read input file \(path): \(error.localizedDescription)")
    }
    if data.starts(with: NumPyFile.magic) {
      self = try NumPyFile.parse(Array(data), source: path)
    } else {
      self = try JSONArrayFile.parse(data, source: path)
    }
  }

  /// The values as little-endian bytes of `type`, refusing conversions that lose information.
  func bytes(as type: TensorType, for tensor: String) throws -> [UInt8] {
    func fail(_ what: String) -> CLIError {
      CLIError("input \(tensor) cannot take \(what) from \(source)")
    }
    func pack<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }
    func integers<T: FixedWidthInteger>(_: T.Type) throws -> [UInt8] {
      let source: [Int64]
      switch values {
      case .integer(let v): source = v
      case .boolean(let v): source = v.map { $0 ? 1 : 0 }
      case .real(let v):
        guard v.allSatisfy({ $0.rounded() == $0 && abs($0) < 9e18 }) else { throw fail("non-integer values") }
        source = v.map { Int64($0) }
      }
      guard let converted = Optional(source.compactMap { T(exactly: $0) }), converted.count == source.count else {
        throw fail("values outside the range of \(type)")
      }
      return pack(converted)
    }
    switch type {
    case .float32:
      switch values {
      case .real(let v): return pack(v.map { Float($0) })
      case .integer(let v): return pack(v.map { Float($0) })
      case .boolean: throw fail("booleans")
      }
    case .int32: return try integers(Int32.self)
    case .int64: return try integers(Int64.self)
    case .int16: return try integers(Int16.self)
    case .int8: return try integers(Int8.self)
    case .uint8: return try integers(UInt8.self)
    case .bool:
      switch values {
      case .boolean(let v): return v.map { $0 ? 1 : 0 }
      case .integer(let v) where v.allSatisfy({ $0 == 0 || $0 == 1 }): return v.map { UInt8($0) }
      default: throw fail("values other than booleans (0/1)")
      }
    default:
      throw CLIError("input \(tensor) has type \(type), which glean run cannot fill from a file")
    }
  }
}

/// NumPy's `.npy` format, versions 1–3: magic, version, header length, a Python-literal header
/// dict (`descr`, `fortran_order`, `shape`), then the raw data.
enum NumPyFile {
  static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

  static func parse(_ bytes: [UInt8], source: String) throws -> InputArray {
    func fail(_ message: String) -> CLIError { CLIError("\(source) is not a readable .npy file: \(message)") }
    guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("missing the \\x93NUMPY magic") }
    let major = bytes[6]
    let headerLength: Int, headerStart: Int
    switch major {
    case 1:
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
      headerStart = 10
    case 2, 3:
      guard bytes.count >= 12 else { throw fail("truncated header") }
      headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
      headerStart = 12
    default:
      throw fail("format version \(major) (glean reads versions 1 to 3)")
    }
    guard headerStart + headerLength <= bytes.count else { throw fail("truncated header") }
    let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
    guard let descr = value(of: "descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")) else {
      throw fail("no 'descr' in the header")
    }
    if let fortran = value(of: "fortran_order", in: header), fortran.trimmingCharacters(in: .whitespaces) == "True" {
      throw fail("Fortran-ordered arrays are not supported; save with np.ascontiguousarray")
    }
    guard let shapeText = value(of: "shape", in: header) else { throw fail("no 'shape' in the header") }
    let dims = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
      .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    let shape = try dims.map { d -> Int in
      guard let n = Int(d), n >= 0 else { throw fail("shape \(shapeText)") }
      return n
    }
    // The header is outside data: its dimensions can multiply past Int.max.
    var count = 1
    for n in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: n)
      guard !overflow else { throw fail("shape \(shapeText) has more elements than can be counted") }
      count = product
    }
    let data = Array(bytes[(headerStart + headerLength)...])
    func read<T>(_: T.Type) throws -> [T] {
      let size = MemoryLayout<T>.size
      guard count <= data.count / size else { throw fail("\(count) elements of \(size) bytes announced, \(data.count) bytes present") }
      return data.withUnsafeBytes { raw in (0..<count).map { raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self) } }
    }
    let values: InputArray.Values
    switch descr {
    case "<f4": values = .real(try read(Float.self).map(Double.init))
    case "<i4": values = .integer(try read(Int32.self).map(Int64.init))
    case "<i8": values = .integer(try read(Int64.self))
    case "|i1": values = .integer(try read(Int8.self).map(Int64.init))
    case "|u1": values = .integer(try read(UInt8.self).map(Int64.init))
    case "|b1": values = .boolean(try read(UInt8.self).map { $0 != 0 })
    default: throw fail("dtype \(descr) (supported: <f4, <i4, <i8, |i1, |u1, |b1)")
    }
    return InputArray(values: values, shape: shape, source: source)
  }

  /// The text of `'key': value` in a Python dict literal, up to the next top-level comma.
  static func value(of key: String, in header: String) -> String? {
    guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
    guard let colon = header[keyRange.upperBound...].firstIndex(of: ":") else { return nil }
    var depth = 0
    var result = ""
    for c in header[header.index(after: colon)...] {
      if c == "(" || c == "[" { depth += 1 }
      if c == ")" || c == "]" { depth -= 1 }
      if (c == "," && depth == 0) || (c == "}" && depth <= 0) { break }
      result.append(c)
    }
    return result.trimmingCharacters(in: .whitespaces)
  }
}

/// A JSON array of numbers or booleans, nested (rectangular) or flat.
enum JSONArrayFile {
  /// One JSON value of an input array.
  enum Element: Decodable {
    case array([Element])
    case boolean(Bool)
    case integer(Int64)
    case real(Double)

    init(from decoder: Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let b = try? container.decode(Bool.self) { self = .boolean(b) }
      else if let i = try? container.decode(Int64.self) { self = .integer(i) }
      else if let d = try? container.decode(Double.self) { self = .real(d) }
      else { self = .array(try container.decode([Element].self)) }
    }
  }

  static func parse(_ data: Data, source: String) throws -> InputArray {
    let root: Element
    do {
      root = try JSONDecoder().decode(Element.self, from: data)
    } catch {
      throw CLIError("\(source) is neither a .npy file nor a JSON array of numbers or booleans")
    }
    var shape: [Int] = []
    var leaves: [Element] = []
    var shapeDepthOfLeaves = 0
    func walk(_ value: Element, depth: Int) throws {
      if case .array(let array) = value {
        if depth == shape.count { shape.append(array.count) }
        else if depth > shape.count || shape[depth] != array.count {
          throw CLIError("\(source): the JSON array is not rectangular (at depth \(depth))")
        }
        for element in array { try walk(element, depth: depth + 1) }
      } else {
        guard depth == shape.count, leaves.isEmpty || depth == shapeDepthOfLeaves else {
          throw CLIError("\(source): the JSON array mixes numbers and arrays at depth \(depth)")
        }
        shapeDepthOfLeaves = depth
        leaves.append(value)
      }
    }
    try walk(root, depth: 0)
    guard case .array = root else { throw CLIError("\(source): JSON input must be an array") }
    let values: InputArray.Values
    if leaves.allSatisfy({ if case .boolean = $0 { true } else { false } }) && !leaves.isEmpty {
      values = .boolean(leaves.map { if case .boolean(let b) = $0 { b } else { false } })
    } else if leaves.allSatisfy({ if case .integer = $0 { true } else { false } }) {
      values = .integer(leaves.map { if case .integer(let i) = $0 { i } else { 0 } })
    } else {
      var reals: [Double] = []
      for leaf in leaves {
        switch leaf {
        case .integer(let i): reals.append(Double(i))
        case .real(let d): reals.append(d)
        default: throw CLIError("\(source): the JSON array mixes booleans and numbers")
        }
      }
      values = .real(reals)
    }
    let flat = shape.count <= 1
    return InputArray(values: values, shape: flat ? nil : shape, source: source, isFlat: flat)
  }
}

// MARK: - Output JSON

enum OutputRendering {
  /// NumPy's name for a tensor type.
  static func dtypeName(_ type: TensorType) -> String {
    switch type {
    case .float32: "float32"
    case .float16: "float16"
    case .float64: "float64"
    case .int8: "int8"
    case .int16: "int16"
    case .int32: "int32"
    case .int64: "int64"
    case .uint8: "uint8"
    case .uint16: "uint16"
    case .uint32: "uint32"
    case .uint64: "uint64"
    case .bool: "bool"
    default: type.description.lowercased()
    }
  }

  /// Each element as JSON text: floats in their shortest round-trip form, non-finite floats as null.
  static func values(_ bytes: [UInt8], type: TensorType, name: String) throws -> [String] {
    func read<T>(_: T.Type) -> [T] {
      bytes.withUnsafeBytes { raw in (0..<(bytes.count / MemoryLayout<T>.size)).map { raw.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) } }
    }
    func real<T: BinaryFloatingPoint & CustomStringConvertible>(_ v: T) -> String { v.isFinite ? v.description : "null" }
    switch type {
    case .float32: return read(Float.self).map(real)
    case .float64: return read(Double.self).map(real)
    case .int8: return read(Int8.self).map(String.init)
    case .int16: return read(Int16.self).map(String.init)
    case .int32: return read(Int32.self).map(String.init)
    case .int64: return read(Int64.self).map(String.init)
    case .uint8: return read(UInt8.self).map(String.init)
    case .uint16: return read(UInt16.self).map(String.init)
    case .uint32: return read(UInt32.self).map(String.init)
    case .bool: return read(UInt8.self).map { $0 != 0 ? "true" : "false" }
    default: throw CLIError("output \"\(name)\" has type \(type), which glean run cannot write as JSON")
    }
  }


}
