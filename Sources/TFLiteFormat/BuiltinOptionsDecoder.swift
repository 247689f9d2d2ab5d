// Decodes an operator's `builtin_options` union into `BuiltinOptions`.
// Slots and defaults are those of the option tables in schema.fbs (v3).

extension FlatBufferReader {
  /// Options tables of schema.fbs that declare no fields: nothing to decode, so `.none`.
  static let fieldlessOptionTypes: Set<UInt8> = [
    22, 24, 25, 26, 33, 34, 36, 38, 39, 41, 42, 43, 44, 45, 46, 47, 48, 51, 52, 53, 54, 56, 60, 62, 63, 65, 66, 67, 68,
    72, 73, 76, 78, 81, 82, 83, 84, 85, 86, 88, 89, 90, 91, 95, 96, 97, 98, 99, 100, 104, 105, 108, 109, 110, 112, 113,
    117, 118, 119, 120, 121, 122, 123, 124, 125, 126,
  ]

  /// Decodes the union `tag` / `table` pair. An absent table means every field takes its default.
  func decodeBuiltinOptions(tag: UInt8, table: FlatTable?, path: String) throws(ModelFormatError) -> BuiltinOptions {
    guard let type = BuiltinOptionsType(rawValue: tag) else { throw .invalidValue(what: "\(name): \(path)_type", value: Int64(tag)) }
    if type == .none || Self.fieldlessOptionTypes.contains(tag) { return .none }
    // With no table, read every field from an empty field list: defaults throughout.
    func int32(_ slot: Int, _ field: String, _ value: Int32 = 0) throws(ModelFormatError) -> Int32 {
      guard let table else { return value }
      return try scalar(table, slot, default: value, what: "\(path).\(field)")
    }
    func int8(_ slot: Int, _ field: String, _ value: Int8 = 0) throws(ModelFormatError) -> Int8 {
      guard let table else { return value }
      return try scalar(table, slot, default: value, what: "\(path).\(field)")
    }
    func bool(_ slot: Int, _ field: String, _ value: Bool = false) throws(ModelFormatError) -> Bool {
      guard let table else { return value }
      return try self.bool(table, slot, default: value, what: "\(path).\(field)")
    }
    func float(_ slot: Int, _ field: String, _ value: Float = 0) throws(ModelFormatError) -> Float {
      guard let table else { return value }
      return try self.float(table, slot, default: value, what: "\(path).\(field)")
    }
    func int32s(_ slot: Int, _ field: String) throws(ModelFormatError) -> [Int32]? {
      guard let table else { return nil }
      return try scalars(table, slot, as: Int32.self, what: "\(path).\(field)")
    }
    func activation(_ slot: Int) throws(ModelFormatError) -> ActivationFunction {
      let raw = try int8(slot, "fused_activation_function")
      guard let function = ActivationFunction(rawValue: raw) else {
        throw .invalidValue(what: "\(name): \(path).fused_activation_function", value: Int64(raw))
      }
      return function
    }
    func tensorType(_ slot: Int, _ field: String, _ value: TensorType) throws(ModelFormatError) -> TensorType {
      let raw = try int8(slot, field, value.rawValue)
      guard let type = TensorType(rawValue: raw) else { throw .invalidValue(what: "\(name): \(path).\(field)", value: Int64(raw)) }
      return type
    }

    switch type {
    case .addOptions:
      return .add(ArithmeticOptions(fusedActivation: try activation(0), potScaleInt16: try bool(1, "pot_scale_int16", true)))
    case .subOptions:
      return .sub(ArithmeticOptions(fusedActivation: try activation(0), potScaleInt16: try bool(1, "pot_scale_int16", true)))
    case .mulOptions:
      return .mul(try activation(0))
    case .divOptions:
      return .div(try activation(0))
    case .fullyConnectedOptions:
      return .fullyConnected(FullyConnectedOptions(
        weightsFormat: try int8(1, "weights_format"), fusedActivation: try activation(0),
        keepNumDims: try bool(2, "keep_num_dims"), asymmetricQuantizeInputs: try bool(3, "asymmetric_quantize_inputs")))
    case .batchMatMulOptions:
      return .batchMatMul(BatchMatMulOptions(
        adjX: try bool(0, "adj_x"), adjY: try bool(1, "adj_y"), asymmetricQuantizeInputs: try bool(2, "asymmetric_quantize_inputs")))
    case .softmaxOptions:
      return .softmax(SoftmaxOptions(beta: try float(0, "beta")))
    case .concatenationOptions:
      return .concatenation(ConcatenationOptions(axis: try int32(0, "axis"), fusedActivation: try activation(1)))
    case .gatherOptions:
      return .gather(GatherOptions(axis: try int32(0, "axis"), batchDims: try int32(1, "batch_dims")))
    case .stridedSliceOptions:
      return .stridedSlice(StridedSliceOptions(
        beginMask: try int32(0, "begin_mask"), endMask: try int32(1, "end_mask"), ellipsisMask: try int32(2, "ellipsis_mask"),
        newAxisMask: try int32(3, "new_axis_mask"), shrinkAxisMask: try int32(4, "shrink_axis_mask"), offset: try bool(5, "offset")))
    case .reshapeOptions:
      return .reshape(ReshapeOptions(newShape: try int32s(0, "new_shape")))
    case .squeezeOptions:
      return .squeeze(SqueezeOptions(squeezeDims: try int32s(0, "squeeze_dims") ?? []))
    case .reducerOptions:
      return .reducer(ReducerOptions(keepDims: try bool(0, "keep_dims")))
    case .castOptions:
      return .cast(CastOptions(inDataType: try tensorType(0, "in_data_type", .float32), outDataType: try tensorType(1, "out_data_type", .float32)))
    case .packOptions:
      return .pack(PackOptions(valuesCount: try int32(0, "values_count"), axis: try int32(1, "axis")))
    case .unpackOptions:
      return .unpack(UnpackOptions(num: try int32(0, "num"), axis: try int32(1, "axis")))
    case .splitOptions, .splitVOptions:
      return .split(SplitOptions(numSplits: try int32(0, "num_splits")))
    case .geluOptions:
      return .gelu(GeluOptions(approximate: try bool(0, "approximate")))
    case .leakyReluOptions:
      return .leakyRelu(LeakyReluOptions(alpha: try float(0, "alpha")))
    case .argMaxOptions, .argMinOptions:
      return .argReduce(ArgReduceOptions(outputType: try tensorType(0, "output_type", .float32)))
    default:
      return .unparsed(type)
    }
  }
}
