// TFLite model metadata (the `TFLITE_METADATA` buffer, file identifier `M001`),
// decoded into plain values. Field meanings follow tensorflow/tflite-support's
// tensorflow_lite_support/metadata/metadata_schema.fbs.

/// What a model says about itself: name, authorship, and how to feed and read its tensors.
///
/// ```swift
/// let model = try ModelFile.load(contentsOf: url)
/// if let metadata = model.metadata {
///   print(metadata.name ?? "unnamed", metadata.inputProcessUnits)
/// }
/// ```
public struct ModelMetadata: Sendable, Equatable {
  public var name: String?
  public var description: String?
  public var version: String?
  public var author: String?
  public var license: String?
  /// The oldest metadata parser that understands every field (e.g. "1.2.1").
  public var minParserVersion: String?
  /// One entry per subgraph; the first describes the main subgraph.
  public var subgraphs: [SubgraphMetadata]
  /// Files associated with the whole model.
  public var associatedFiles: [AssociatedFile]

  public init(name: String? = nil, description: String? = nil, version: String? = nil, author: String? = nil, license: String? = nil,
              minParserVersion: String? = nil, subgraphs: [SubgraphMetadata] = [], associatedFiles: [AssociatedFile] = []) {
    self.name = name
    self.description = description
    self.version = version
    self.author = author
    self.license = license
    self.minParserVersion = minParserVersion
    self.subgraphs = subgraphs
    self.associatedFiles = associatedFiles
  }

  /// The main subgraph's input tensor metadata (in `SubGraph.inputs` order).
  public var inputTensors: [TensorMetadata] { subgraphs.first?.inputTensors ?? [] }
  /// The main subgraph's output tensor metadata (in `SubGraph.outputs` order).
  public var outputTensors: [TensorMetadata] { subgraphs.first?.outputTensors ?? [] }
  /// The main subgraph's input process units (e.g. a BERT tokenizer for a QA model).
  public var inputProcessUnits: [ProcessUnit] { subgraphs.first?.inputProcessUnits ?? [] }
  /// The main subgraph's output process units.
  public var outputProcessUnits: [ProcessUnit] { subgraphs.first?.outputProcessUnits ?? [] }

  /// Every associated file mentioned anywhere (model, subgraphs, tensors, process units),
  /// first mention first, each name once.
  public var allAssociatedFiles: [AssociatedFile] {
    var seen = Set<String>()
    var result: [AssociatedFile] = []
    func add(_ files: [AssociatedFile]) {
      for file in files where seen.insert(file.name ?? "").inserted { result.append(file) }
    }
    func add(units: [ProcessUnit]) { for unit in units { add(unit.associatedFiles) } }
    add(associatedFiles)
    for subgraph in subgraphs {
      add(subgraph.associatedFiles)
      add(units: subgraph.inputProcessUnits)
      add(units: subgraph.outputProcessUnits)
      for tensor in subgraph.inputTensors + subgraph.outputTensors {
        add(tensor.associatedFiles)
        add(units: tensor.processUnits)
      }
    }
    return result
  }
}

/// Metadata of one subgraph (`SubGraphMetadata`).
public struct SubgraphMetadata: Sendable, Equatable {
  public var name: String?
  public var description: String?
  public var inputTensors: [TensorMetadata]
  public var outputTensors: [TensorMetadata]
  public var associatedFiles: [AssociatedFile]
  /// Process units that act on all inputs together (tokenizers of BERT models).
  public var inputProcessUnits: [ProcessUnit]
  public var outputProcessUnits: [ProcessUnit]

  public init(name: String? = nil, description: String? = nil, inputTensors: [TensorMetadata] = [], outputTensors: [TensorMetadata] = [],
              associatedFiles: [AssociatedFile] = [], inputProcessUnits: [ProcessUnit] = [], outputProcessUnits: [ProcessUnit] = []) {
    self.name = name
    self.description = description
    self.inputTensors = inputTensors
    self.outputTensors = outputTensors
    self.associatedFiles = associatedFiles
    self.inputProcessUnits = inputProcessUnits
    self.outputProcessUnits = outputProcessUnits
  }
}

/// Metadata of one input or output tensor (`TensorMetadata`).
public struct TensorMetadata: Sendable, Equatable {
  public var name: String?
  public var description: String?
  public var dimensionNames: [String]
  /// What the tensor holds (`Content.content_properties`), when stated.
  public var content: TensorContent?
  /// The dimensions the content spans (`Content.range`), when stated.
  public var contentRange: ClosedRange<Int32>?
  public var processUnits: [ProcessUnit]
  /// Per-channel `Stats.min` / `Stats.max`.
  public var statsMin: [Float]
  public var statsMax: [Float]
  public var associatedFiles: [AssociatedFile]

  public init(name: String? = nil, description: String? = nil, dimensionNames: [String] = [], content: TensorContent? = nil,
              contentRange: ClosedRange<Int32>? = nil, processUnits: [ProcessUnit] = [], statsMin: [Float] = [], statsMax: [Float] = [],
              associatedFiles: [AssociatedFile] = []) {
    self.name = name
    self.description = description
    self.dimensionNames = dimensionNames
    self.content = content
    self.contentRange = contentRange
    self.processUnits = processUnits
    self.statsMin = statsMin
    self.statsMax = statsMax
    self.associatedFiles = associatedFiles
  }
}

/// The kind of content a tensor holds (`ContentProperties`).
public enum TensorContent: Sendable, Equatable {
  /// `FeatureProperties`: plain features (text embeddings, ids, scores).
  case feature
  /// `ImageProperties` with its `ColorSpaceType` raw value.
  case image(colorSpace: Int8)
  /// `BoundingBoxProperties`.
  case boundingBox
  /// A union tag this reader does not know.
  case unknown(UInt8)

  /// The schema's name, as in the metadata JSON dumps ("FeatureProperties").
  public var schemaName: String {
    switch self {
    case .feature: "FeatureProperties"
    case .image: "ImageProperties"
    case .boundingBox: "BoundingBoxProperties"
    case .unknown(let tag): "ContentProperties(\(tag))"
    }
  }
}

/// A file packed with the model (`AssociatedFile`), e.g. `vocab.txt` or `labels.txt`.
///
/// Its contents are in the zip appended to the model: `ModelFile.associatedFile(named:)`.
public struct AssociatedFile: Sendable, Equatable, Hashable {
  public var name: String?
  public var description: String?
  public var type: AssociatedFileType
  public var locale: String?
  public var version: String?
  public init(name: String? = nil, description: String? = nil, type: AssociatedFileType = .unknown, locale: String? = nil, version: String? = nil) {
    self.name = name
    self.description = description
    self.type = type
    self.locale = locale
    self.version = version
  }
}

/// `AssociatedFileType` of metadata_schema.fbs.
public enum AssociatedFileType: Int8, Sendable, CaseIterable, CustomStringConvertible {
  case unknown = 0
  case descriptions = 1
  case tensorAxisLabels = 2
  case tensorValueLabels = 3
  case tensorAxisScoreCalibration = 4
  case vocabulary = 5
  case scannIndexFile = 6

  /// The schema's name, e.g. "TENSOR_AXIS_LABELS".
  public var description: String {
    switch self {
    case .unknown: "UNKNOWN"
    case .descriptions: "DESCRIPTIONS"
    case .tensorAxisLabels: "TENSOR_AXIS_LABELS"
    case .tensorValueLabels: "TENSOR_VALUE_LABELS"
    case .tensorAxisScoreCalibration: "TENSOR_AXIS_SCORE_CALIBRATION"
    case .vocabulary: "VOCABULARY"
    case .scannIndexFile: "SCANN_INDEX_FILE"
    }
  }
}

/// A processing step done outside the graph (`ProcessUnit` and its `ProcessUnitOptions`).
public enum ProcessUnit: Sendable, Equatable {
  /// `NormalizationOptions`: `(x - mean) / std` per channel.
  case normalization(mean: [Float], std: [Float])
  /// `ScoreCalibrationOptions`: `scoreTransformation` is the `ScoreTransformationType` raw value.
  case scoreCalibration(scoreTransformation: Int8, defaultScore: Float)
  /// `ScoreThresholdingOptions`.
  case scoreThresholding(globalScoreThreshold: Float)
  /// `BertTokenizerOptions`: WordPiece over `vocabFiles`.
  case bertTokenizer(vocabFiles: [AssociatedFile])
  /// `SentencePieceTokenizerOptions`.
  case sentencePieceTokenizer(models: [AssociatedFile], vocabFiles: [AssociatedFile])
  /// `RegexTokenizerOptions`: split on `delimiterPattern`, look words up in `vocabFiles`.
  case regexTokenizer(delimiterPattern: String?, vocabFiles: [AssociatedFile])
  /// A union tag this reader does not know.
  case unknown(UInt8)

  /// The schema's options table name, as in the metadata JSON dumps ("RegexTokenizerOptions").
  public var schemaName: String {
    switch self {
    case .normalization: "NormalizationOptions"
    case .scoreCalibration: "ScoreCalibrationOptions"
    case .scoreThresholding: "ScoreThresholdingOptions"
    case .bertTokenizer: "BertTokenizerOptions"
    case .sentencePieceTokenizer: "SentencePieceTokenizerOptions"
    case .regexTokenizer: "RegexTokenizerOptions"
    case .unknown(let tag): "ProcessUnitOptions(\(tag))"
    }
  }

  /// The files this unit names (vocabularies, SentencePiece models).
  public var associatedFiles: [AssociatedFile] {
    switch self {
    case .bertTokenizer(let files), .regexTokenizer(_, let files): files
    case .sentencePieceTokenizer(let models, let vocabs): models + vocabs
    default: []
    }
  }
}
