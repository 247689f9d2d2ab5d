import Foundation
import TFLiteInterpreter
import TestSupport

/// A tensor recorded by `Tools/models/generate_fixtures.py` (`{"dtype", "shape", "data"}`).
struct GoldenTensor {
  var dtype: String
  var shape: [Int]
  var data: [Double]

  init(json: Any) throws {
    guard let object = json as? [String: Any], let dtype = object["dtype"] as? String,
          let shape = object["shape"] as? [Int], let data = object["data"] as? [Any] else {
      throw GoldenError("tensor is not {dtype, shape, data}")
    }
    self.dtype = dtype
    self.shape = shape
    self.data = data.map { ($0 as? NSNumber)?.doubleValue ?? .nan }
  }

  var floats: [Float] { data.map { Float($0) } }
}

/// One fixture's golden file under `Corpora/goldens/interpreter/`.
struct Golden {
  var name: String
  var model: URL
  var quantization: String
  var inputs: [(name: String, tensor: GoldenTensor)]
  var outputs: [(name: String, tensor: GoldenTensor)]
  /// LiteRT's other paths: path → output name → tensor.
  var outputsByPath: [String: [String: GoldenTensor]]
  /// The generator's suggested bound on `Tolerance.maxScaledError` per output (0: exact).
  var suggestedMaxScaledError: [String: Float]

  init(name: String) throws {
    let url = TestPaths.corpora("goldens/interpreter/\(name).json")
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    try self.init(object: object, name: name)
  }

  /// A golden given as its decoded JSON object (the schema of `Corpora/goldens/interpreter/*.json`).
  init(object: [String: Any], name: String) throws {
    self.name = name
    guard let modelPath = object["model"] as? String else { throw GoldenError("\(name): no model") }
    model = TestPaths.repositoryRoot.appendingPathComponent(modelPath)
    quantization = object["quantization"] as? String ?? "float"
    let inputNames = object["input_names"] as? [String] ?? []
    let outputNames = object["output_names"] as? [String] ?? []
    let inputObject = object["inputs"] as? [String: Any] ?? [:]
    let outputObject = object["outputs"] as? [String: Any] ?? [:]
    inputs = try inputNames.map { ($0, try GoldenTensor(json: inputObject[$0] as Any)) }
    outputs = try outputNames.map { ($0, try GoldenTensor(json: outputObject[$0] as Any)) }
    var byPath: [String: [String: GoldenTensor]] = [:]
    for (path, value) in object["outputs_by_path"] as? [String: Any] ?? [:] {
      var tensors: [String: GoldenTensor] = [:]
      for (n, t) in value as? [String: Any] ?? [:] { tensors[n] = try GoldenTensor(json: t) }
      byPath[path] = tensors
    }
    outputsByPath = byPath
    suggestedMaxScaledError = (object["suggested_max_scaled_error"] as? [String: NSNumber] ?? [:]).mapValues(\.floatValue)
  }

  /// Every fixture name listed in `index.json`.
  static func allNames() throws -> [String] {
    let url = TestPaths.corpora("goldens/interpreter/index.json")
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] ?? [:]
    return (object["fixtures"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
  }
}

struct GoldenError: Error, CustomStringConvertible {
  var description: String
  init(_ d: String) { description = d }
}

extension Interpreter {
  /// Resizes, allocates and fills the inputs from a golden, then runs.
  func run(_ golden: Golden) throws {
    var resized = false
    for (name, tensor) in golden.inputs {
      let i = try inputIndex(named: name)
      if try input(i).shape != tensor.shape {
        try resizeInput(i, to: tensor.shape)
        resized = true
      }
    }
    // Prepared once; again only after a resize (arenaBytes is 0 until the first allocation).
    if resized || arenaBytes == 0 { try allocateTensors() }
    for (name, tensor) in golden.inputs {
      let i = try inputIndex(named: name)
      switch tensor.dtype {
      case "float32": try copy(tensor.floats, toInput: i)
      case "int32": try copy(tensor.data.map { Int32($0) }, toInput: i)
      case "int64": try copy(tensor.data.map { Int64($0) }, toInput: i)
      case "int8": try copy(tensor.data.map { Int8($0) }, toInput: i)
      case "uint8": try copy(tensor.data.map { UInt8($0) }, toInput: i)
      case "bool": try copy(tensor.data.map { $0 != 0 }, toInput: i)
      default: throw GoldenError("input dtype \(tensor.dtype) not handled")
      }
    }
    try invoke()
  }

  /// Output `name` widened to Double for comparison.
  func outputValues(named name: String) throws -> [Double] {
    let i = try outputIndex(named: name)
    switch try output(i).type {
    case .float32: return try output(i, as: Float.self).map(Double.init)
    case .int32: return try output(i, as: Int32.self).map(Double.init)
    case .int64: return try output(i, as: Int64.self).map(Double.init)
    case .int8: return try output(i, as: Int8.self).map(Double.init)
    case .uint8: return try output(i, as: UInt8.self).map(Double.init)
    case .bool: return try output(i, as: Bool.self).map { $0 ? 1 : 0 }
    default: throw GoldenError("output type not handled")
    }
  }
}
