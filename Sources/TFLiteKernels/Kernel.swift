import TFLiteFormat

// The kernel lifecycle (after tflite-micro's registration: prepare, then invoke):
//
//   prepare(node)  — once per allocation, may throw: checks the number, types and shapes of
//                    inputs and outputs and the options, computes every output's shape and the
//                    scratch memory it needs, and precomputes whatever depends only on shapes
//                    and constants. Returns a `PreparedOp`.
//   invoke(io)     — every run: pure computation over `TensorView`s the interpreter laid out.
//                    Never throws, never allocates, never reads options again.

/// An operator implementation: validates a node and returns the computation to run.
///
/// ```swift
/// struct Negate: Kernel {
///   func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
///     let x = try node.input(0, types: [.float32])
///     try node.setOutput(0, shape: x.shape, type: .float32)
///     return PreparedOp { io in
///       let (x, y) = (io.inputs[0].floats, io.outputs[0].floats)
///       for i in 0..<x.count { y[i] = -x[i] }
///     }
///   }
/// }
/// ```
/// Throws: `KernelError` naming the op, node and tensor when the node is malformed.
public protocol Kernel: Sendable {
  func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp
  /// False for kernels that only look at their inputs' shapes (SHAPE): the interpreter
  /// can then compute their outputs while preparing, even when inputs are not constant.
  var readsInputData: Bool { get }
}

extension Kernel {
  public var readsInputData: Bool { true }
}

/// The computation a kernel prepared for one node. Calling it neither throws nor allocates.
public struct PreparedOp {
  public let invoke: (NodeIO) -> Void
  public init(_ invoke: @escaping (NodeIO) -> Void) { self.invoke = invoke }
}

/// The memory of one node while it runs.
public struct NodeIO {
  /// One view per input; an omitted optional input is an empty FLOAT32 view (check `NodeContext` at prepare).
  public let inputs: [TensorView]
  public let outputs: [TensorView]
  /// The scratch buffers requested in prepare, in request order.
  public let scratch: [UnsafeMutableRawBufferPointer]
  /// For each scratch buffer, whether an earlier node of this run has already filled it: true only for a
  /// shared buffer (`NodeContext.requestScratch(bytes:sharedAs:)`) this node is not the first to use.
  public let scratchFilled: [Bool]
  public init(inputs: [TensorView], outputs: [TensorView], scratch: [UnsafeMutableRawBufferPointer], scratchFilled: [Bool] = []) {
    self.inputs = inputs
    self.outputs = outputs
    self.scratch = scratch
    self.scratchFilled = scratchFilled
  }

  /// Whether scratch buffer `i` already holds what an earlier node sharing it wrote in this run.
  public func isScratchFilled(_ i: Int) -> Bool { i < scratchFilled.count && scratchFilled[i] }
}

/// What a kernel knows about a tensor while preparing: type, shape, quantization and,
/// for constants (model weights, or values the interpreter computed ahead), the data.
public struct TensorInfo {
  /// Index of the tensor in its subgraph.
  public var index: Int
  public var name: String
  public var type: TensorType
  public var shape: Shape
  public var quantization: QuantizationParameters?
  /// The data, when known before running (constant tensors); nil otherwise.
  public var constantData: UnsafeRawBufferPointer?

  public init(index: Int, name: String, type: TensorType, shape: Shape,
              quantization: QuantizationParameters? = nil, constantData: UnsafeRawBufferPointer? = nil) {
    self.index = index
    self.name = name
    self.type = type
    self.shape = shape
    self.quantization = quantization
    self.constantData = constantData
  }

  /// The constant data read as integers (INT32 or INT64), or nil when it is not known ahead.
  public var constantIndices: [Int]? {
    guard let data = constantData else { return nil }
    let count = shape.elementCount
    switch type {
    case .int32: return (0..<count).map { Int(data.loadUnaligned(fromByteOffset: $0 * 4, as: Int32.self)) }
    case .int64: return (0..<count).map { Int(data.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
    default: return nil
    }
  }
}

/// One node as its kernel sees it while preparing.
public struct NodeContext {
  /// "ADD v2", or the custom op's name.
  public let opName: String
  public let nodeIndex: Int
  public let version: Int
  /// nil marks an omitted optional input (index -1 in the model).
  public let inputs: [TensorInfo?]
  /// Types and names come from the model; the kernel sets each shape.
  public private(set) var outputs: [TensorInfo]
  public let options: BuiltinOptions
  /// A custom op's `custom_options` bytes (empty for builtins).
  public let customOptions: UnsafeRawBufferPointer
  /// Byte sizes of the scratch buffers the kernel asked for.
  public private(set) var scratchSizes: [Int] = []
  /// For each scratch buffer, the key it is shared under (nil: this node's alone).
  public private(set) var scratchKeys: [String?] = []
  /// Which outputs the kernel gave a shape to.
  public private(set) var outputShapeSet: [Bool]
  /// Threads the kernel may spread its work over while running (nil: the calling thread only).
  public var threadPool: ThreadPool?
  /// What kernels derived from constant tensors while this graph was being prepared (nil: nothing is shared).
  public var derivedConstants: DerivedConstants?

  public init(opName: String, nodeIndex: Int, version: Int, inputs: [TensorInfo?], outputs: [TensorInfo],
              options: BuiltinOptions, customOptions: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)) {
    self.opName = opName
    self.nodeIndex = nodeIndex
    self.version = version
    self.inputs = inputs
    self.outputs = outputs
    self.options = options
    self.customOptions = customOptions
    self.outputShapeSet = Array(repeating: false, count: outputs.count)
  }

  /// An error about this node, optionally naming a tensor.
  public func error(_ message: String, tensor: TensorInfo? = nil) -> KernelError {
    let text = tensor.map { "tensor \($0.index) \"\($0.name)\" \(message)" } ?? message
    return KernelError(op: opName, nodeIndex: nodeIndex, tensorIndex: tensor?.index, message: text)
  }

  /// Checks the number of inputs and outputs.
  public func expect(inputs inputRange: ClosedRange<Int>, outputs outputRange: ClosedRange<Int>) throws(KernelError) {
    guard inputRange.contains(inputs.count) else {
      throw error("has \(inputs.count) inputs; expected \(inputRange.lowerBound == inputRange.upperBound ? "\(inputRange.lowerBound)" : "\(inputRange.lowerBound)...\(inputRange.upperBound)")")
    }
    guard outputRange.contains(outputs.count) else {
      throw error("has \(outputs.count) outputs; expected \(outputRange.lowerBound == outputRange.upperBound ? "\(outputRange.lowerBound)" : "\(outputRange.lowerBound)...\(outputRange.upperBound)")")
    }
  }

  /// A required input, checked against the allowed types (any type when `types` is empty).
  public func input(_ i: Int, types: [TensorType] = []) throws(KernelError) -> TensorInfo {
    guard i < inputs.count else { throw error("needs input \(i); it has \(inputs.count) inputs") }
    guard let t = inputs[i] else { throw error("input \(i) is required but omitted") }
    if !types.isEmpty && !types.contains(t.type) {
      throw error("(input \(i)) has type \(t.type); expected \(types.map(\.description).joined(separator: " or "))", tensor: t)
    }
    return t
  }

  /// An optional input: nil when omitted or beyond the input list.
  public func optionalInput(_ i: Int, types: [TensorType] = []) throws(KernelError) -> TensorInfo? {
    guard i < inputs.count, inputs[i] != nil else { return nil }
    return try input(i, types: types)
  }

  /// An input whose data must be known while preparing (a shape, axes, permutation ...), as integers.
  public func constantIndices(_ i: Int) throws(KernelError) -> [Int] {
    let t = try input(i, types: [.int32, .int64])
    guard let values = t.constantIndices else {
      throw error("(input \(i)) must be constant (computed before the graph runs); dynamic shapes are not supported", tensor: t)
    }
    return values
  }

  /// Output `i`, checked against the allowed types.
  public func output(_ i: Int, types: [TensorType] = []) throws(KernelError) -> TensorInfo {
    guard i < outputs.count else { throw error("needs output \(i); it has \(outputs.count) outputs") }
    let t = outputs[i]
    if !types.isEmpty && !types.contains(t.type) {
      throw error("(output \(i)) has type \(t.type); expected \(types.map(\.description).joined(separator: " or "))", tensor: t)
    }
    return t
  }

  /// Sets output `i`'s shape, checking its type when `type` is given. A shape with a negative dimension or
  /// too many elements (`Shape.checkedElementCount`) is refused here, before anything is sized from it.
  public mutating func setOutput(_ i: Int, shape: Shape, type: TensorType? = nil) throws(KernelError) {
    let t = try output(i)
    if let type, t.type != type {
      throw error("(output \(i)) has type \(t.type); expected \(type)", tensor: t)
    }
    guard shape.checkedElementCount != nil else {
      throw error("(output \(i)) would have shape \(shape): a negative dimension, or more than 2^40 elements", tensor: t)
    }
    outputs[i].shape = shape
    outputShapeSet[i] = true
  }

  /// Asks for a scratch buffer of `bytes` bytes, live only while this node runs; returns its index in `NodeIO.scratch`.
  ///
  /// With a key, the buffer is shared: the running nodes that ask for the same key and size get the same
  /// bytes, live from the first of them to the last, and in each run every one but the first finds it
  /// filled (`NodeIO.isScratchFilled`). The key must name what the first node writes completely — for
  /// example the input tensor it derives the contents from and every parameter of the derivation — so
  /// that any sharer could have written the same bytes:
  ///
  /// ```swift
  /// let rows = node.requestScratch(bytes: size, sharedAs: "quantized rows of tensor \(x.index), k \(k)")
  /// ```
  @discardableResult
  public mutating func requestScratch(bytes: Int, sharedAs key: String? = nil) -> Int {
    scratchSizes.append(max(bytes, 0))
    scratchKeys.append(key)
    return scratchSizes.count - 1
  }
}

/// Data kernels derive from constant tensors while a graph is prepared (packed weights), shared for
/// the length of one preparation: a fused node prepared after the node it replaces reuses what that
/// node derived instead of deriving (and holding) it twice.
///
/// ```swift
/// let packed = node.derivedConstants?.value(tensor: weights.index, kind: "sgemm") { pack(weights) } ?? pack(weights)
/// ```
public final class DerivedConstants {
  private struct Key: Hashable {
    let tensor: Int
    let kind: String
  }
  private var values: [Key: AnyObject] = [:]

  public init() {}

  /// The value derived from tensor `tensor` as `kind`, made by `make` the first time it is asked for.
  public func value<T: AnyObject>(tensor: Int, kind: String, make: () -> T) -> T {
    let key = Key(tensor: tensor, kind: kind)
    if let existing = values[key] as? T { return existing }
    let made = make()
    values[key] = made
    return made
  }
}
