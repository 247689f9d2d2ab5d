// Parsed `builtin_options` of the operators Glean runs.
//
// Each struct mirrors one table of schema.fbs (v3) with the schema's defaults,
// so a kernel reads plain Swift values and never touches flatbuffer bytes.
// The reader (ModelFile) fills them after verification.

/// `AddOptions` and `SubOptions`.
public struct ArithmeticOptions: Sendable, Equatable {
  public var fusedActivation: ActivationFunction = .none
  /// Only meaningful for int16 inputs (power-of-two scales).
  public var potScaleInt16: Bool = true
  public init(fusedActivation: ActivationFunction = .none, potScaleInt16: Bool = true) {
    self.fusedActivation = fusedActivation
    self.potScaleInt16 = potScaleInt16
  }
}

/// `FullyConnectedOptions`.
public struct FullyConnectedOptions: Sendable, Equatable {
  /// `FullyConnectedOptionsWeightsFormat`: 0 default, 1 shuffled 4x16 int8.
  public var weightsFormat: Int8 = 0
  public var fusedActivation: ActivationFunction = .none
  /// Keep the input's leading dimensions in the output (else flatten to 2-D).
  public var keepNumDims: Bool = false
  /// Hybrid kernels: quantize each input row with its own zero point.
  public var asymmetricQuantizeInputs: Bool = false
  public init(weightsFormat: Int8 = 0, fusedActivation: ActivationFunction = .none, keepNumDims: Bool = false, asymmetricQuantizeInputs: Bool = false) {
    self.weightsFormat = weightsFormat
    self.fusedActivation = fusedActivation
    self.keepNumDims = keepNumDims
    self.asymmetricQuantizeInputs = asymmetricQuantizeInputs
  }
}

/// `BatchMatMulOptions`.
public struct BatchMatMulOptions: Sendable, Equatable {
  public var adjX: Bool = false
  public var adjY: Bool = false
  public var asymmetricQuantizeInputs: Bool = false
  public init(adjX: Bool = false, adjY: Bool = false, asymmetricQuantizeInputs: Bool = false) {
    self.adjX = adjX
    self.adjY = adjY
    self.asymmetricQuantizeInputs = asymmetricQuantizeInputs
  }
}

/// `SoftmaxOptions`.
public struct SoftmaxOptions: Sendable, Equatable {
  public var beta: Float = 0
  public init(beta: Float = 0) { self.beta = beta }
}

/// `ConcatenationOptions`.
public struct ConcatenationOptions: Sendable, Equatable {
  public var axis: Int32 = 0
  public var fusedActivation: ActivationFunction = .none
  public init(axis: Int32 = 0, fusedActivation: ActivationFunction = .none) {
    self.axis = axis
    self.fusedActivation = fusedActivation
  }
}

/// `GatherOptions`.
public struct GatherOptions: Sendable, Equatable {
  public var axis: Int32 = 0
  public var batchDims: Int32 = 0
  public init(axis: Int32 = 0, batchDims: Int32 = 0) {
    self.axis = axis
    self.batchDims = batchDims
  }
}

/// `StridedSliceOptions`.
public struct StridedSliceOptions: Sendable, Equatable {
  public var beginMask: Int32 = 0
  public var endMask: Int32 = 0
  public var ellipsisMask: Int32 = 0
  public var newAxisMask: Int32 = 0
  public var shrinkAxisMask: Int32 = 0
  /// When true, `end` is an offset from `begin`.
  public var offset: Bool = false
  public init(beginMask: Int32 = 0, endMask: Int32 = 0, ellipsisMask: Int32 = 0, newAxisMask: Int32 = 0, shrinkAxisMask: Int32 = 0, offset: Bool = false) {
    self.beginMask = beginMask
    self.endMask = endMask
    self.ellipsisMask = ellipsisMask
    self.newAxisMask = newAxisMask
    self.shrinkAxisMask = shrinkAxisMask
    self.offset = offset
  }
}

/// `ReshapeOptions`; the target shape may also come from the second input.
public struct ReshapeOptions: Sendable, Equatable {
  public var newShape: [Int32]? = nil
  public init(newShape: [Int32]? = nil) { self.newShape = newShape }
}

/// `SqueezeOptions`.
public struct SqueezeOptions: Sendable, Equatable {
  public var squeezeDims: [Int32] = []
  public init(squeezeDims: [Int32] = []) { self.squeezeDims = squeezeDims }
}

/// `ReducerOptions` (MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD, REDUCE_ANY).
public struct ReducerOptions: Sendable, Equatable {
  public var keepDims: Bool = false
  public init(keepDims: Bool = false) { self.keepDims = keepDims }
}

/// `CastOptions` (often absent; the tensors' types then decide).
public struct CastOptions: Sendable, Equatable {
  public var inDataType: TensorType = .float32
  public var outDataType: TensorType = .float32
  public init(inDataType: TensorType = .float32, outDataType: TensorType = .float32) {
    self.inDataType = inDataType
    self.outDataType = outDataType
  }
}

/// `PackOptions`.
public struct PackOptions: Sendable, Equatable {
  public var valuesCount: Int32 = 0
  public var axis: Int32 = 0
  public init(valuesCount: Int32 = 0, axis: Int32 = 0) {
    self.valuesCount = valuesCount
    self.axis = axis
  }
}

/// `UnpackOptions`.
public struct UnpackOptions: Sendable, Equatable {
  public var num: Int32 = 0
  public var axis: Int32 = 0
  public init(num: Int32 = 0, axis: Int32 = 0) {
    self.num = num
    self.axis = axis
  }
}

/// `SplitOptions` and `SplitVOptions`.
public struct SplitOptions: Sendable, Equatable {
  public var numSplits: Int32 = 0
  public init(numSplits: Int32 = 0) { self.numSplits = numSplits }
}

/// `GeluOptions`.
public struct GeluOptions: Sendable, Equatable {
  /// Use the tanh approximation instead of the exact erf form.
  public var approximate: Bool = false
  public init(approximate: Bool = false) { self.approximate = approximate }
}

/// `LeakyReluOptions`.
public struct LeakyReluOptions: Sendable, Equatable {
  public var alpha: Float = 0
  public init(alpha: Float = 0) { self.alpha = alpha }
}

/// `ArgMaxOptions` and `ArgMinOptions`.
public struct ArgReduceOptions: Sendable, Equatable {
  public var outputType: TensorType = .int64
  public init(outputType: TensorType = .int64) { self.outputType = outputType }
}

/// An operator's parsed `builtin_options`.
///
/// Tables with no fields Glean needs (TransposeOptions, PadOptions, ExpandDimsOptions, ...)
/// and an absent union are `.none`. A table Glean does not parse is `.unparsed(type)`:
/// a kernel that needs its fields rejects it in `prepare`, naming the type.
public enum BuiltinOptions: Sendable, Equatable {
  case none
  case add(ArithmeticOptions)
  case sub(ArithmeticOptions)
  /// MUL and DIV carry only a fused activation.
  case mul(ActivationFunction)
  case div(ActivationFunction)
  case fullyConnected(FullyConnectedOptions)
  case batchMatMul(BatchMatMulOptions)
  case softmax(SoftmaxOptions)
  case concatenation(ConcatenationOptions)
  case gather(GatherOptions)
  case stridedSlice(StridedSliceOptions)
  case reshape(ReshapeOptions)
  case squeeze(SqueezeOptions)
  case reducer(ReducerOptions)
  case cast(CastOptions)
  case pack(PackOptions)
  case unpack(UnpackOptions)
  case split(SplitOptions)
  case gelu(GeluOptions)
  case leakyRelu(LeakyReluOptions)
  case argReduce(ArgReduceOptions)
  case unparsed(BuiltinOptionsType)
}
