import TFLiteFormat

/// What a tensor is: name, element type, current shape and quantization.
public struct TensorDetails: Sendable, Equatable {
  /// Index of the tensor in its subgraph.
  public var index: Int
  public var name: String
  public var type: TensorType
  /// The shape after the last `allocateTensors()` (or the model's, before).
  public var shape: [Int]
  /// The model's shape with -1 for dynamic dimensions, when the converter wrote one.
  public var shapeSignature: [Int]?
  public var quantization: QuantizationParameters?

  /// Number of elements.
  public var elementCount: Int { shape.reduce(1, *) }
  /// "INT32 [1, 256]".
  public var summary: String { "\(type) [\(shape.map(String.init).joined(separator: ", "))]" }
}
