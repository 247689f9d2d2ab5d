import TFLiteFormat

/// A tensor as kernels see it while they run: element type, shape and a pointer to its data.
///
/// Data is contiguous and row-major (strides are `shape.strides`, in elements).
/// A view does not own its memory: the interpreter's arena, the model file (constants)
/// or a test's buffer does. Kernels only read their inputs — constant data may live in
/// read-only memory — and write their outputs.
///
/// ```swift
/// let x = view.floats          // UnsafeMutableBufferPointer<Float> over the data
/// let rows = view.shape.count(0..<view.shape.rank - 1)
/// ```
public struct TensorView {
  public var type: TensorType
  public var shape: Shape
  /// The first byte; never nil, even for an empty tensor.
  public var data: UnsafeMutableRawPointer
  public var quantization: QuantizationParameters?

  public init(type: TensorType, shape: Shape, data: UnsafeMutableRawPointer, quantization: QuantizationParameters? = nil) {
    self.type = type
    self.shape = shape
    self.data = data
    self.quantization = quantization
  }

  /// The number of elements.
  public var elementCount: Int { shape.elementCount }
  /// The number of bytes the data spans (element size × count).
  public var byteCount: Int { elementCount * (type.byteSize ?? 0) }

  /// The data as `count` elements of `T`. The caller makes sure `T` matches `type`.
  @inline(__always) public func buffer<T>(_: T.Type) -> UnsafeMutableBufferPointer<T> {
    UnsafeMutableBufferPointer(start: data.assumingMemoryBound(to: T.self), count: elementCount)
  }
  @inline(__always) public var floats: UnsafeMutableBufferPointer<Float> { buffer(Float.self) }
  @inline(__always) public var int32s: UnsafeMutableBufferPointer<Int32> { buffer(Int32.self) }
  @inline(__always) public var int64s: UnsafeMutableBufferPointer<Int64> { buffer(Int64.self) }
  @inline(__always) public var int8s: UnsafeMutableBufferPointer<Int8> { buffer(Int8.self) }
  @inline(__always) public var uint8s: UnsafeMutableBufferPointer<UInt8> { buffer(UInt8.self) }
  @inline(__always) public var raw: UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(start: data, count: byteCount) }

  /// Integer element `i` widened to Int, for index-like tensors (INT32 or INT64).
  @inline(__always) public func index(at i: Int) -> Int {
    type == .int64 ? Int(data.assumingMemoryBound(to: Int64.self)[i]) : Int(data.assumingMemoryBound(to: Int32.self)[i])
  }
}
