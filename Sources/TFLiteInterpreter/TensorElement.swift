import TFLiteFormat

/// A Swift type whose values can be copied into and out of tensors of one `TensorType`.
public protocol TensorElement: Sendable {
  /// The tensor type with the same memory layout.
  static var tensorType: TensorType { get }
}

extension Float: TensorElement { public static var tensorType: TensorType { .float32 } }
extension Double: TensorElement { public static var tensorType: TensorType { .float64 } }
extension Int32: TensorElement { public static var tensorType: TensorType { .int32 } }
extension Int64: TensorElement { public static var tensorType: TensorType { .int64 } }
extension Int16: TensorElement { public static var tensorType: TensorType { .int16 } }
extension Int8: TensorElement { public static var tensorType: TensorType { .int8 } }
extension UInt8: TensorElement { public static var tensorType: TensorType { .uint8 } }
/// BOOL tensors hold one byte per element, 0 or 1, like Swift's `Bool`.
extension Bool: TensorElement { public static var tensorType: TensorType { .bool } }
