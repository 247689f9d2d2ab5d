import ArgumentParser
import Foundation
import TFLiteFormat
import TFLiteInterpreter

/// `glean inspect`: Describe a TensorFlow Lite model: inputs, outputs, ops, metadata.
struct Inspect: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Describe a TensorFlow Lite model: inputs, outputs, ops, metadata.",
    discussion: """
      Verifies the whole file first (a damaged model is reported with a hint), then prints the main \
      subgraph's inputs and outputs (name, type, shape, quantization), the operators with counts and \
      versions, the TFLite metadata (name, description, version, author, licence, process units), \
      the associated files packed in the model, and the interpreter's arena size.
      """
  )

  @Argument(help: "The .tflite model file.")
  var model: String

  @Flag(help: "Print JSON instead of text.")
  var json = false

  func run() async throws {
    print(try Self.render(path: model, json: json), terminator: "")
  }

  /// The report for the model at `path`, as text or JSON (ends with a newline).
  ///
  /// - Parameter arenaBytes: the interpreter's planned arena size for this model; nil prints "arena: n/a"
  ///   (a model the interpreter cannot prepare, e.g. one with an unsupported op).
  static func render(path: String, json: Bool, arenaBytes: (ModelFile) -> Int? = plannedArenaBytes) throws -> String {
    let model: ModelFile
    do {
      model = try ModelFile.load(contentsOf: URL(fileURLWithPath: path))
    } catch {
      throw CLIError("\(path): \(error)")
    }
    let report = ModelReport(model: model, fileName: URL(fileURLWithPath: path).lastPathComponent, arenaBytes: arenaBytes(model))
    return json ? try report.json() : report.text()
  }
}

extension Inspect {
  /// The arena the interpreter plans for the model's first subgraph, or nil when it cannot prepare the model.
  static func plannedArenaBytes(_ file: ModelFile) -> Int? {
    guard let interpreter = try? Interpreter(model: Model(file: file)), (try? interpreter.allocateTensors()) != nil else { return nil }
    return interpreter.arenaBytes
  }
}

/// What `glean inspect` reports about a model; `Encodable` for `--json`.
struct ModelReport: Encodable, Equatable {
  struct Tensor: Encodable, Equatable {
    var index: Int32
    var name: String
    var type: String
    var shape: [Int32]
    /// The shape with -1 for dynamic dimensions, when it differs from `shape`.
    var shapeSignature: [Int32]?
    var quantization: Quantization?
  }
  struct Quantization: Encodable, Equatable {
    var scale: [Float]
    var zeroPoint: [Int64]
    var quantizedDimension: Int32
  }
  struct OperatorCount: Encodable, Equatable {
    var name: String
    var version: Int32
    var count: Int
  }
  struct TensorInfo: Encodable, Equatable {
    var name: String?
    var description: String?
    var content: String?
    var processUnits: [String]
    var associatedFiles: [String]
  }
  struct Metadata: Encodable, Equatable {
    var name: String?
    var description: String?
    var version: String?
    var author: String?
    var license: String?
    var minParserVersion: String?
    var inputTensors: [TensorInfo]
    var outputTensors: [TensorInfo]
    var inputProcessUnits: [String]
    var outputProcessUnits: [String]
  }
  struct File: Encodable, Equatable {
    var name: String
    var bytes: Int?
    var type: String?
    var description: String?
  }

  var file: String
  var bytes: Int
  var schemaVersion: UInt32
  var description: String
  var minRuntimeVersion: String?
  var subgraphCount: Int
  var signatures: [String]
  var inputs: [Tensor]
  var outputs: [Tensor]
  var operatorCount: Int
  var operators: [OperatorCount]
  var metadata: Metadata?
  var associatedFiles: [File]
  /// Planned arena bytes, nil until the interpreter is wired in (see `Inspect.render`).
  var arenaBytes: Int?

  init(model: ModelFile, fileName: String, arenaBytes: Int?) {
    file = fileName
    bytes = model.byteCount
    schemaVersion = model.schemaVersion
    description = model.modelDescription
    minRuntimeVersion = model.minRuntimeVersion
    subgraphCount = model.subgraphs.count
    signatures = model.signatures.map(\.key)
    let main = model.subgraphs.first
    func tensor(_ index: Int32) -> Tensor {
      guard let main, main.tensors.indices.contains(Int(index)) else { return Tensor(index: index, name: "?", type: "?", shape: []) }
      let t = main.tensors[Int(index)]
      return Tensor(index: index, name: t.name, type: t.type.description, shape: t.shape,
                    shapeSignature: t.shapeSignature == t.shape ? nil : t.shapeSignature,
                    quantization: t.quantization.map { Quantization(scale: $0.scale, zeroPoint: $0.zeroPoint, quantizedDimension: $0.quantizedDimension) })
    }
    inputs = (main?.inputs ?? []).map(tensor)
    outputs = (main?.outputs ?? []).map(tensor)

    var counts: [Int: Int] = [:]
    for subgraph in model.subgraphs { for op in subgraph.operators { counts[op.opcodeIndex, default: 0] += 1 } }
    operatorCount = counts.values.reduce(0, +)
    operators = counts.map { index, count in
      let code = model.operatorCodes[index]
      return OperatorCount(name: code.builtin == .custom ? (code.customName ?? "CUSTOM") : code.builtin.description, version: code.version, count: count)
    }.sorted { ($0.count, $1.name, $1.version) > ($1.count, $0.name, $0.version) }

    let described = model.metadata?.allAssociatedFiles ?? []
    metadata = model.metadata.map { m in
      func info(_ t: TensorMetadata) -> TensorInfo {
        TensorInfo(name: t.name, description: t.description, content: t.content?.schemaName,
                   processUnits: t.processUnits.map(Self.describe), associatedFiles: t.associatedFiles.compactMap(\.name))
      }
      return Metadata(name: m.name, description: m.description, version: m.version, author: m.author, license: m.license,
                      minParserVersion: m.minParserVersion, inputTensors: m.inputTensors.map(info), outputTensors: m.outputTensors.map(info),
                      inputProcessUnits: m.inputProcessUnits.map(Self.describe), outputProcessUnits: m.outputProcessUnits.map(Self.describe))
    }
    // Files named in the metadata, then any other packed file; sizes from the zip.
    var files = described.map { f in
      File(name: f.name ?? "", bytes: model.packedFiles.first { $0.name == f.name }?.byteCount, type: f.type.description, description: f.description)
    }
    for packed in model.packedFiles where !files.contains(where: { $0.name == packed.name }) {
      files.append(File(name: packed.name, bytes: packed.byteCount))
    }
    associatedFiles = files
    self.arenaBytes = arenaBytes
  }

  /// One line per process unit: its options table and what it names.
  static func describe(_ unit: ProcessUnit) -> String {
    let files = unit.associatedFiles.compactMap(\.name)
    let vocab = files.isEmpty ? "" : " [\(files.joined(separator: ", "))]"
    switch unit {
    case .regexTokenizer(let pattern, _): return "\(unit.schemaName) pattern \(pattern.map { "\"\($0)\"" } ?? "none")\(vocab)"
    case .normalization(let mean, let std): return "\(unit.schemaName) mean \(mean) std \(std)"
    case .scoreThresholding(let threshold): return "\(unit.schemaName) \(threshold)"
    default: return unit.schemaName + vocab
    }
  }

  func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
  }

  func text() -> String {
    var lines: [String] = []
    let about = description.isEmpty ? "" : ", \"\(description)\""
    lines.append("model: \(file) (\(bytes) bytes, schema v\(schemaVersion)\(about))")
    if let version = minRuntimeVersion { lines.append("min runtime version: \(version)") }
    if subgraphCount != 1 { lines.append("subgraphs: \(subgraphCount) (inputs and outputs of the first)") }
    if !signatures.isEmpty { lines.append("signatures: \(signatures.joined(separator: ", "))") }
    func tensorLine(_ t: Tensor) -> String {
      var line = "  \(t.index) \(t.name)  \(t.type) [\(t.shape.map(String.init).joined(separator: ", "))]"
      if let signature = t.shapeSignature { line += " signature [\(signature.map(String.init).joined(separator: ", "))]" }
      if let q = t.quantization {
        line += q.scale.count == 1 ? "  scale \(q.scale[0]) zero point \(q.zeroPoint[0])"
          : "  per-channel (\(q.scale.count) scales, dimension \(q.quantizedDimension))"
      }
      return line
    }
    lines.append("inputs:")
    lines += inputs.map(tensorLine)
    lines.append("outputs:")
    lines += outputs.map(tensorLine)
    lines.append("ops: \(operatorCount)")
    lines += operators.map { "  \(String($0.count).leftPadded(to: 4)) \($0.name) v\($0.version)" }
    if let m = metadata {
      lines.append("metadata:")
      for (label, value) in [("name", m.name), ("description", m.description), ("version", m.version),
                             ("author", m.author), ("license", m.license), ("min parser version", m.minParserVersion)] {
        if let value { lines.append("  \(label): \(value)") }
      }
      for unit in m.inputProcessUnits { lines.append("  input process unit: \(unit)") }
      for unit in m.outputProcessUnits { lines.append("  output process unit: \(unit)") }
      for (kind, tensors) in [("input", m.inputTensors), ("output", m.outputTensors)] {
        for t in tensors {
          var line = "  \(kind) \"\(t.name ?? "")\""
          if let content = t.content { line += " \(content)" }
          if !t.associatedFiles.isEmpty { line += " files [\(t.associatedFiles.joined(separator: ", "))]" }
          lines.append(line)
          for unit in t.processUnits { lines.append("    process unit: \(unit)") }
        }
      }
    } else {
      lines.append("metadata: none")
    }
    if !associatedFiles.isEmpty {
      lines.append("associated files:")
      for f in associatedFiles {
        let size = f.bytes.map { "\($0) bytes" } ?? "not packed"
        lines.append("  \(f.name)  \(size)\(f.type.map { "  \($0)" } ?? "")")
      }
    }
    lines.append("arena: " + (arenaBytes.map { "\($0) bytes" } ?? "n/a"))
    return lines.joined(separator: "\n") + "\n"
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
