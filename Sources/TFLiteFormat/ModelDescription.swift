// The verified, decoded description of a model's graph: plain Swift values.
//
// Weights and other constant data are not copied here: a tensor names its
// buffer, and `ModelFile.bufferBytes(_:)` gives a view into the mapped file.

/// How a tensor's real values relate to its stored integers:
/// `real = scale[c] * (q - zeroPoint[c])`, with `c` the index along
/// `quantizedDimension` (per-channel), or a single scale and zero point (per-tensor).
public struct QuantizationParameters: Sendable, Equatable {
  public var scale: [Float]
  public var zeroPoint: [Int64]
  public var quantizedDimension: Int32
  public init(scale: [Float], zeroPoint: [Int64], quantizedDimension: Int32 = 0) {
    self.scale = scale
    self.zeroPoint = zeroPoint
    self.quantizedDimension = quantizedDimension
  }
  /// True when there is one scale per channel.
  public var isPerChannel: Bool { scale.count > 1 }
}

/// One tensor of a subgraph (`Tensor` in schema.fbs).
public struct TensorDescription: Sendable, Equatable {
  public var name: String
  public var type: TensorType
  /// Static shape; -1 never appears here (see `shapeSignature`).
  public var shape: [Int32]
  /// The shape with -1 for dynamic dimensions, when the converter wrote one.
  public var shapeSignature: [Int32]?
  /// Index into the model's buffers; 0 is the empty sentinel buffer (no constant data).
  public var buffer: UInt32
  public var quantization: QuantizationParameters?
  public var isVariable: Bool
  public init(name: String, type: TensorType, shape: [Int32], shapeSignature: [Int32]? = nil, buffer: UInt32 = 0,
              quantization: QuantizationParameters? = nil, isVariable: Bool = false) {
    self.name = name
    self.type = type
    self.shape = shape
    self.shapeSignature = shapeSignature
    self.buffer = buffer
    self.quantization = quantization
    self.isVariable = isVariable
  }
}

/// An operator code (`OperatorCode` in schema.fbs), with the
/// `deprecated_builtin_code` / `builtin_code` pair already resolved.
public struct OperatorCode: Sendable, Equatable {
  /// The builtin operator, or `.custom` for a custom op.
  public var builtin: BuiltinOperator
  /// The custom op's name, for `.custom`.
  public var customName: String?
  public var version: Int32
  public init(builtin: BuiltinOperator, customName: String? = nil, version: Int32 = 1) {
    self.builtin = builtin
    self.customName = customName
    self.version = version
  }
  /// "FULLY_CONNECTED v4", or the custom name.
  public var displayName: String { builtin == .custom ? (customName ?? "CUSTOM") : "\(builtin) v\(version)" }
}

/// One operator of a subgraph (`Operator` in schema.fbs).
public struct OperatorDescription: Sendable, Equatable {
  /// Index into `ModelFile.operatorCodes`.
  public var opcodeIndex: Int
  /// Tensor indices; -1 marks an omitted optional input.
  public var inputs: [Int32]
  public var outputs: [Int32]
  public var intermediates: [Int32]
  public var options: BuiltinOptions
  /// The range of `custom_options` bytes in the model file (empty when absent).
  public var customOptions: Range<Int>
  public init(opcodeIndex: Int, inputs: [Int32], outputs: [Int32], intermediates: [Int32] = [],
              options: BuiltinOptions = .none, customOptions: Range<Int> = 0..<0) {
    self.opcodeIndex = opcodeIndex
    self.inputs = inputs
    self.outputs = outputs
    self.intermediates = intermediates
    self.options = options
    self.customOptions = customOptions
  }
}

/// A subgraph (`SubGraph` in schema.fbs). Operators are in execution order.
public struct SubgraphDescription: Sendable, Equatable {
  public var name: String
  public var tensors: [TensorDescription]
  public var inputs: [Int32]
  public var outputs: [Int32]
  public var operators: [OperatorDescription]
  public init(name: String, tensors: [TensorDescription], inputs: [Int32], outputs: [Int32], operators: [OperatorDescription]) {
    self.name = name
    self.tensors = tensors
    self.inputs = inputs
    self.outputs = outputs
    self.operators = operators
  }
}

/// A signature (`SignatureDef` in schema.fbs): named entry points into a subgraph.
public struct SignatureDescription: Sendable, Equatable {
  public var key: String
  public var subgraphIndex: Int
  /// Signature input name → tensor index in that subgraph.
  public var inputs: [(name: String, tensor: Int32)]
  public var outputs: [(name: String, tensor: Int32)]
  public init(key: String, subgraphIndex: Int, inputs: [(name: String, tensor: Int32)], outputs: [(name: String, tensor: Int32)]) {
    self.key = key
    self.subgraphIndex = subgraphIndex
    self.inputs = inputs
    self.outputs = outputs
  }
  public static func == (a: Self, b: Self) -> Bool {
    a.key == b.key && a.subgraphIndex == b.subgraphIndex
      && a.inputs.map(\.name) == b.inputs.map(\.name) && a.inputs.map(\.tensor) == b.inputs.map(\.tensor)
      && a.outputs.map(\.name) == b.outputs.map(\.name) && a.outputs.map(\.tensor) == b.outputs.map(\.tensor)
  }
}

extension TensorType {
  /// Bytes per element, or nil for types without a fixed size (STRING, RESOURCE, VARIANT, sub-byte INT4/INT2/UINT4).
  public var byteSize: Int? {
    switch self {
    case .float32, .int32, .uint32: 4
    case .float16, .int16, .uint16, .bfloat16: 2
    case .int8, .uint8, .bool: 1
    case .int64, .uint64, .float64, .complex64: 8
    case .complex128: 16
    default: nil
    }
  }
}
