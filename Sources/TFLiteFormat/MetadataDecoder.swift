// Decodes the TFLITE_METADATA flatbuffer (metadata_schema.fbs, identifier "M001").
// Field slots follow the schema's declaration order; a union takes two slots (tag, value).

extension FlatBufferReader {
  /// Decodes a `ModelMetadata` root table.
  func decodeModelMetadata() throws(ModelFormatError) -> ModelMetadata {
    let root = try root()
    var metadata = ModelMetadata()
    metadata.name = try string(root, 0, what: "name")
    metadata.description = try string(root, 1, what: "description")
    metadata.version = try string(root, 2, what: "version")
    for (index, table) in try tables(root, 3, what: "subgraph_metadata").enumerated() {
      metadata.subgraphs.append(try decodeSubgraphMetadata(table, path: "subgraph_metadata[\(index)]"))
    }
    metadata.author = try string(root, 4, what: "author")
    metadata.license = try string(root, 5, what: "license")
    metadata.associatedFiles = try decodeAssociatedFiles(root, 6, path: "associated_files")
    metadata.minParserVersion = try string(root, 7, what: "min_parser_version")
    return metadata
  }

  private func decodeSubgraphMetadata(_ table: FlatTable, path: String) throws(ModelFormatError) -> SubgraphMetadata {
    var subgraph = SubgraphMetadata()
    subgraph.name = try string(table, 0, what: "\(path).name")
    subgraph.description = try string(table, 1, what: "\(path).description")
    for (index, tensor) in try tables(table, 2, what: "\(path).input_tensor_metadata").enumerated() {
      subgraph.inputTensors.append(try decodeTensorMetadata(tensor, path: "\(path).input_tensor_metadata[\(index)]"))
    }
    for (index, tensor) in try tables(table, 3, what: "\(path).output_tensor_metadata").enumerated() {
      subgraph.outputTensors.append(try decodeTensorMetadata(tensor, path: "\(path).output_tensor_metadata[\(index)]"))
    }
    subgraph.associatedFiles = try decodeAssociatedFiles(table, 4, path: "\(path).associated_files")
    subgraph.inputProcessUnits = try decodeProcessUnits(table, 5, path: "\(path).input_process_units")
    subgraph.outputProcessUnits = try decodeProcessUnits(table, 6, path: "\(path).output_process_units")
    return subgraph
  }

  private func decodeTensorMetadata(_ table: FlatTable, path: String) throws(ModelFormatError) -> TensorMetadata {
    var tensor = TensorMetadata()
    tensor.name = try string(table, 0, what: "\(path).name")
    tensor.description = try string(table, 1, what: "\(path).description")
    tensor.dimensionNames = try strings(table, 2, what: "\(path).dimension_names")
    if let content = try self.table(table, 3, what: "\(path).content") {
      let tag = try scalar(content, 0, default: UInt8(0), what: "\(path).content.content_properties_type")
      let properties = try self.table(content, 1, what: "\(path).content.content_properties")
      switch tag {
      case 0: tensor.content = nil
      case 1: tensor.content = .feature
      case 2:
        let colorSpace = try properties.map { (t) throws(ModelFormatError) in try scalar(t, 0, default: Int8(0), what: "\(path).content.color_space") } ?? 0
        tensor.content = .image(colorSpace: colorSpace)
      case 3: tensor.content = .boundingBox
      default: tensor.content = .unknown(tag)
      }
      if let range = try self.table(content, 2, what: "\(path).content.range") {
        let low = try scalar(range, 0, default: Int32(0), what: "\(path).content.range.min")
        let high = try scalar(range, 1, default: Int32(0), what: "\(path).content.range.max")
        guard low <= high else { throw .invalidValue(what: "\(name): \(path).content.range", value: Int64(low)) }
        tensor.contentRange = low...high
      }
    }
    tensor.processUnits = try decodeProcessUnits(table, 4, path: "\(path).process_units")
    if let stats = try self.table(table, 5, what: "\(path).stats") {
      tensor.statsMax = try floats(stats, 0, what: "\(path).stats.max") ?? []
      tensor.statsMin = try floats(stats, 1, what: "\(path).stats.min") ?? []
    }
    tensor.associatedFiles = try decodeAssociatedFiles(table, 6, path: "\(path).associated_files")
    return tensor
  }

  private func decodeProcessUnits(_ table: FlatTable, _ slot: Int, path: String) throws(ModelFormatError) -> [ProcessUnit] {
    var units: [ProcessUnit] = []
    for (index, unit) in try tables(table, slot, what: path).enumerated() {
      let unitPath = "\(path)[\(index)]"
      let tag = try scalar(unit, 0, default: UInt8(0), what: "\(unitPath).options_type")
      guard tag != 0 else { continue }
      guard let options = try self.table(unit, 1, what: "\(unitPath).options") else {
        // A tag without a table: every options table's fields take their defaults.
        units.append(try decodeProcessUnitOptions(tag: tag, table: nil, path: unitPath))
        continue
      }
      units.append(try decodeProcessUnitOptions(tag: tag, table: options, path: unitPath))
    }
    return units
  }

  private func decodeProcessUnitOptions(tag: UInt8, table: FlatTable?, path: String) throws(ModelFormatError) -> ProcessUnit {
    guard let table else {
      switch tag {
      case 1: return .normalization(mean: [], std: [])
      case 2: return .scoreCalibration(scoreTransformation: 0, defaultScore: 0)
      case 3: return .scoreThresholding(globalScoreThreshold: 0)
      case 4: return .bertTokenizer(vocabFiles: [])
      case 5: return .sentencePieceTokenizer(models: [], vocabFiles: [])
      case 6: return .regexTokenizer(delimiterPattern: nil, vocabFiles: [])
      default: return .unknown(tag)
      }
    }
    switch tag {
    case 1:
      return .normalization(mean: try floats(table, 0, what: "\(path).mean") ?? [], std: try floats(table, 1, what: "\(path).std") ?? [])
    case 2:
      return .scoreCalibration(scoreTransformation: try scalar(table, 0, default: Int8(0), what: "\(path).score_transformation"),
                               defaultScore: try float(table, 1, default: 0, what: "\(path).default_score"))
    case 3:
      return .scoreThresholding(globalScoreThreshold: try float(table, 0, default: 0, what: "\(path).global_score_threshold"))
    case 4:
      return .bertTokenizer(vocabFiles: try decodeAssociatedFiles(table, 0, path: "\(path).vocab_file"))
    case 5:
      return .sentencePieceTokenizer(models: try decodeAssociatedFiles(table, 0, path: "\(path).sentencePiece_model"),
                                     vocabFiles: try decodeAssociatedFiles(table, 1, path: "\(path).vocab_file"))
    case 6:
      return .regexTokenizer(delimiterPattern: try string(table, 0, what: "\(path).delim_regex_pattern"),
                             vocabFiles: try decodeAssociatedFiles(table, 1, path: "\(path).vocab_file"))
    default:
      return .unknown(tag)
    }
  }

  private func decodeAssociatedFiles(_ table: FlatTable, _ slot: Int, path: String) throws(ModelFormatError) -> [AssociatedFile] {
    var files: [AssociatedFile] = []
    for (index, file) in try tables(table, slot, what: path).enumerated() {
      let filePath = "\(path)[\(index)]"
      let rawType = try scalar(file, 2, default: Int8(0), what: "\(filePath).type")
      files.append(AssociatedFile(
        name: try string(file, 0, what: "\(filePath).name"),
        description: try string(file, 1, what: "\(filePath).description"),
        type: AssociatedFileType(rawValue: rawType) ?? .unknown,
        locale: try string(file, 3, what: "\(filePath).locale"),
        version: try string(file, 4, what: "\(filePath).version")))
    }
    return files
  }
}
