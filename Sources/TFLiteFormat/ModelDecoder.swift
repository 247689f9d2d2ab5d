// Decodes the TFLite `Model` flatbuffer (tensorflow/lite/schema/schema.fbs, v3)
// into description values. Field slots are the schema's field ids, in declaration
// order; a union takes two slots (its `_type` tag, then its table).
//
// Constant data is never copied: a buffer becomes the byte range it occupies in the file.

/// Everything decoded from the `Model` table, before semantic validation.
struct DecodedModel {
  var schemaVersion: UInt32 = 0
  var description = ""
  var operatorCodes: [OperatorCode] = []
  var subgraphs: [SubgraphDescription] = []
  /// Each buffer's bytes as a range of file offsets (empty when it has no data).
  var bufferRanges: [Range<Int>] = []
  var metadataEntries: [(name: String, buffer: UInt32)] = []
  var signatures: [SignatureDescription] = []
  /// Tensors with a `sparsity` table (their buffers hold compressed data), as (subgraph, tensor).
  var sparseTensors: Set<[Int]> = []
}

extension FlatBufferReader {
  /// The schema version the reader supports (`TFLITE_SCHEMA_VERSION`).
  static let supportedSchemaVersion: UInt32 = 3

  /// Decodes the root `Model` table. `fileSize` bounds the external buffers of >2 GB models.
  func decodeModel(fileSize: Int) throws(ModelFormatError) -> DecodedModel {
    let root = try root()
    var model = DecodedModel()
    model.schemaVersion = try scalar(root, 0, default: UInt32(0), what: "version")
    guard model.schemaVersion == Self.supportedSchemaVersion else { throw .unsupportedSchemaVersion(model.schemaVersion) }
    for (index, table) in try tables(root, 1, what: "operator_codes").enumerated() {
      model.operatorCodes.append(try decodeOperatorCode(table, path: "operator_codes[\(index)]"))
    }
    for (index, table) in try tables(root, 2, what: "subgraphs").enumerated() {
      let (subgraph, sparse) = try decodeSubgraph(table, path: "subgraphs[\(index)]", fileSize: fileSize)
      model.subgraphs.append(subgraph)
      for tensor in sparse { model.sparseTensors.insert([index, tensor]) }
    }
    model.description = try string(root, 3, what: "description") ?? ""
    for (index, table) in try tables(root, 4, what: "buffers").enumerated() {
      model.bufferRanges.append(try decodeBuffer(table, path: "buffers[\(index)]", fileSize: fileSize))
    }
    for (index, table) in try tables(root, 6, what: "metadata").enumerated() {
      let name = try string(table, 0, what: "metadata[\(index)].name") ?? ""
      let buffer = try scalar(table, 1, default: UInt32(0), what: "metadata[\(index)].buffer")
      model.metadataEntries.append((name: name, buffer: buffer))
    }
    for (index, table) in try tables(root, 7, what: "signature_defs").enumerated() {
      model.signatures.append(try decodeSignature(table, path: "signature_defs[\(index)]"))
    }
    return model
  }

  /// `OperatorCode`: the real code is the larger of `deprecated_builtin_code` (int8, slot 0)
  /// and `builtin_code` (int32, slot 3), as schema.fbs prescribes for readers.
  private func decodeOperatorCode(_ table: FlatTable, path: String) throws(ModelFormatError) -> OperatorCode {
    let deprecatedCode = try scalar(table, 0, default: Int8(0), what: "\(path).deprecated_builtin_code")
    let customName = try string(table, 1, what: "\(path).custom_code")
    let version = try scalar(table, 2, default: Int32(1), what: "\(path).version")
    let builtinCode = try scalar(table, 3, default: Int32(0), what: "\(path).builtin_code")
    let code = max(Int32(deprecatedCode), builtinCode)
    guard let builtin = BuiltinOperator(rawValue: code) else { throw .unsupportedOperator(code: code) }
    return OperatorCode(builtin: builtin, customName: customName, version: version)
  }

  /// The subgraph and the indices of its sparse tensors.
  private func decodeSubgraph(_ table: FlatTable, path: String, fileSize: Int) throws(ModelFormatError) -> (SubgraphDescription, [Int]) {
    var tensors: [TensorDescription] = []
    var sparse: [Int] = []
    for (index, tensorTable) in try tables(table, 0, what: "\(path).tensors").enumerated() {
      let tensorPath = "\(path).tensors[\(index)]"
      tensors.append(try decodeTensor(tensorTable, path: tensorPath))
      if try self.table(tensorTable, 6, what: "\(tensorPath).sparsity") != nil { sparse.append(index) }
    }
    let inputs = try scalars(table, 1, as: Int32.self, what: "\(path).inputs") ?? []
    let outputs = try scalars(table, 2, as: Int32.self, what: "\(path).outputs") ?? []
    var operators: [OperatorDescription] = []
    for (index, op) in try tables(table, 3, what: "\(path).operators").enumerated() {
      operators.append(try decodeOperator(op, path: "\(path).operators[\(index)]", fileSize: fileSize))
    }
    let name = try string(table, 4, what: "\(path).name") ?? ""
    return (SubgraphDescription(name: name, tensors: tensors, inputs: inputs, outputs: outputs, operators: operators), sparse)
  }

  private func decodeTensor(_ table: FlatTable, path: String) throws(ModelFormatError) -> TensorDescription {
    let shape = try scalars(table, 0, as: Int32.self, what: "\(path).shape") ?? []
    let rawType = try scalar(table, 1, default: Int8(0), what: "\(path).type")
    let buffer = try scalar(table, 2, default: UInt32(0), what: "\(path).buffer")
    let name = try string(table, 3, what: "\(path).name") ?? ""
    guard let type = TensorType(rawValue: rawType) else { throw .unsupportedTensorType(tensor: name, rawValue: rawType) }
    for dimension in shape where dimension < 0 {
      throw .invalidValue(what: "\(self.name): \(path).shape (tensor \"\(name)\")", value: Int64(dimension))
    }
    var quantization: QuantizationParameters?
    if let parameters = try self.table(table, 4, what: "\(path).quantization") {
      quantization = try decodeQuantization(parameters, path: "\(path).quantization", shape: shape)
    }
    let isVariable = try bool(table, 5, default: false, what: "\(path).is_variable")
    let shapeSignature = try scalars(table, 7, as: Int32.self, what: "\(path).shape_signature")
    return TensorDescription(name: name, type: type, shape: shape, shapeSignature: shapeSignature, buffer: buffer,
                             quantization: quantization, isVariable: isVariable)
  }

  /// `QuantizationParameters`: nil unless both `scale` and `zero_point` are present (as TFLite reads it).
  private func decodeQuantization(_ table: FlatTable, path: String, shape: [Int32]) throws(ModelFormatError) -> QuantizationParameters? {
    let scale = try floats(table, 2, what: "\(path).scale")
    let zeroPoint = try scalars(table, 3, as: Int64.self, what: "\(path).zero_point")
    let dimension = try scalar(table, 6, default: Int32(0), what: "\(path).quantized_dimension")
    guard let scale, let zeroPoint, !scale.isEmpty else { return nil }
    guard zeroPoint.count == scale.count else {
      throw .invalidValue(what: "\(name): \(path).zero_point count (scale has \(scale.count))", value: Int64(zeroPoint.count))
    }
    if scale.count > 1 {
      guard dimension >= 0, Int(dimension) < shape.count else {
        throw .invalidReference(what: "\(name): \(path).quantized_dimension", index: Int(dimension), count: shape.count)
      }
      guard Int(shape[Int(dimension)]) == scale.count else {
        throw .invalidValue(what: "\(name): \(path).scale count (dimension \(dimension) has size \(shape[Int(dimension)]))", value: Int64(scale.count))
      }
    }
    return QuantizationParameters(scale: scale, zeroPoint: zeroPoint, quantizedDimension: dimension)
  }

  private func decodeOperator(_ table: FlatTable, path: String, fileSize: Int) throws(ModelFormatError) -> OperatorDescription {
    let opcodeIndex = try scalar(table, 0, default: UInt32(0), what: "\(path).opcode_index")
    let inputs = try scalars(table, 1, as: Int32.self, what: "\(path).inputs") ?? []
    let outputs = try scalars(table, 2, as: Int32.self, what: "\(path).outputs") ?? []
    let optionsTag = try scalar(table, 3, default: UInt8(0), what: "\(path).builtin_options_type")
    let optionsTable = try self.table(table, 4, what: "\(path).builtin_options")
    let options = try decodeBuiltinOptions(tag: optionsTag, table: optionsTable, path: "\(path).builtin_options")
    var customOptions = try byteRange(table, 5, what: "\(path).custom_options") ?? 0..<0
    let intermediates = try scalars(table, 8, as: Int32.self, what: "\(path).intermediates") ?? []
    // Models over 2 GB keep custom options outside the flatbuffer (offset 1 is the converter's placeholder).
    let largeOffset = try scalar(table, 9, default: UInt64(0), what: "\(path).large_custom_options_offset")
    let largeSize = try scalar(table, 10, default: UInt64(0), what: "\(path).large_custom_options_size")
    if largeOffset > 1 {
      customOptions = try externalRange(offset: largeOffset, size: largeSize, fileSize: fileSize, what: "\(path).large_custom_options")
    }
    // builtin_options_2 (StableHLO ops) is verified but not decoded: no Glean kernel reads it.
    _ = try self.table(table, 12, what: "\(path).builtin_options_2")
    return OperatorDescription(opcodeIndex: Int(opcodeIndex), inputs: inputs, outputs: outputs, intermediates: intermediates,
                               options: options, customOptions: customOptions)
  }

  /// `Buffer`: inline `data` (slot 0), or `offset`/`size` (slots 1, 2) relative to the file start.
  private func decodeBuffer(_ table: FlatTable, path: String, fileSize: Int) throws(ModelFormatError) -> Range<Int> {
    let offset = try scalar(table, 1, default: UInt64(0), what: "\(path).offset")
    if offset > 1 {
      let size = try scalar(table, 2, default: UInt64(0), what: "\(path).size")
      return try externalRange(offset: offset, size: size, fileSize: fileSize, what: "\(path) (external data)")
    }
    return try byteRange(table, 0, what: "\(path).data") ?? 0..<0
  }

  private func externalRange(offset: UInt64, size: UInt64, fileSize: Int, what: String) throws(ModelFormatError) -> Range<Int> {
    guard offset <= UInt64(fileSize), size <= UInt64(fileSize) - offset else {
      throw .outOfBounds(what: "\(name): \(what)", offset: Int(clamping: offset), size: Int(clamping: size), limit: fileSize)
    }
    return Int(offset)..<Int(offset + size)
  }

  private func decodeSignature(_ table: FlatTable, path: String) throws(ModelFormatError) -> SignatureDescription {
    func tensorMaps(_ slot: Int, _ field: String) throws(ModelFormatError) -> [(name: String, tensor: Int32)] {
      var maps: [(name: String, tensor: Int32)] = []
      for (index, map) in try tables(table, slot, what: "\(path).\(field)").enumerated() {
        let name = try string(map, 0, what: "\(path).\(field)[\(index)].name") ?? ""
        let tensor = try scalar(map, 1, default: UInt32(0), what: "\(path).\(field)[\(index)].tensor_index")
        guard tensor <= UInt32(Int32.max) else { throw .invalidValue(what: "\(self.name): \(path).\(field)[\(index)].tensor_index", value: Int64(tensor)) }
        maps.append((name: name, tensor: Int32(tensor)))
      }
      return maps
    }
    let inputs = try tensorMaps(0, "inputs")
    let outputs = try tensorMaps(1, "outputs")
    let key = try string(table, 2, what: "\(path).signature_key") ?? ""
    let subgraphIndex = try scalar(table, 4, default: UInt32(0), what: "\(path).subgraph_index")
    return SignatureDescription(key: key, subgraphIndex: Int(subgraphIndex), inputs: inputs, outputs: outputs)
  }
}
