import Foundation
import TFLiteFormat

/// Where a model's constant bytes live: the mapped `.tflite` file, or memory a test built.
///
/// Conforming types are immutable and keep the bytes alive for as long as they exist.
public protocol ModelStorage: AnyObject, Sendable {
  /// The data of buffer `index` (empty when it has none).
  func bufferBytes(_ index: Int) -> UnsafeRawBufferPointer
  /// The bytes of the whole file, where custom options live (`OperatorDescription.customOptions`).
  func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

/// A loaded model: its graph and its constant data, immutable and shared by any number of
/// interpreters (one per thread).
///
/// ```swift
/// let model = try Model(contentsOf: url)
/// let a = try Interpreter(model: model)   // thread 1
/// let b = try Interpreter(model: model)   // thread 2
/// ```
public final class Model: Sendable {
  public let operatorCodes: [OperatorCode]
  public let subgraphs: [SubgraphDescription]
  public let signatures: [SignatureDescription]
  let bytes: any ModelStorage
  /// Copies of constant buffers whose address in the file is not aligned for their element type.
  private let realigned: [Int: AlignedBytes]

  /// The verified model file this model reads from, when it came from one.
  public let file: ModelFile?

  /// Maps and verifies a `.tflite` file (zero-copy: weights stay in the mapped file).
  ///
  /// ```swift
  /// let model = try Model(contentsOf: URL(fileURLWithPath: "classifier.tflite"))
  /// ```
  /// Throws: `ModelFormatError` when the file cannot be read or is not a valid TFLite model.
  public convenience init(contentsOf url: URL) throws(ModelFormatError) {
    self.init(file: try ModelFile.load(contentsOf: url))
  }

  /// A model over an already verified `ModelFile`.
  public convenience init(file: ModelFile) {
    self.init(operatorCodes: file.operatorCodes, subgraphs: file.subgraphs, signatures: file.signatures,
              storage: file, file: file)
  }

  /// A model from its parts (tests build graphs this way).
  ///
  /// - Parameter bytes: the constant buffers; `bytes.bufferBytes(tensor.buffer)` is a tensor's data.
  public convenience init(operatorCodes: [OperatorCode], subgraphs: [SubgraphDescription], signatures: [SignatureDescription] = [],
              bytes: any ModelStorage) {
    self.init(operatorCodes: operatorCodes, subgraphs: subgraphs, signatures: signatures, storage: bytes, file: nil)
  }

  private init(operatorCodes: [OperatorCode], subgraphs: [SubgraphDescription], signatures: [SignatureDescription],
               storage bytes: any ModelStorage, file: ModelFile?) {
    self.file = file
    self.operatorCodes = operatorCodes
    self.subgraphs = subgraphs
    self.signatures = signatures
    self.bytes = bytes
    var copies: [Int: AlignedBytes] = [:]
    for subgraph in subgraphs {
      for tensor in subgraph.tensors where tensor.buffer != 0 {
        let index = Int(tensor.buffer)
        let view = bytes.bufferBytes(index)
        let alignment = max(tensor.type.byteSize ?? 1, 1)
        if let base = view.baseAddress, Int(bitPattern: base) % min(alignment, 16) != 0, copies[index] == nil {
          copies[index] = AlignedBytes(copying: view)
        }
      }
    }
    realigned = copies
  }

  /// The constant data of buffer `index`, aligned for any element type; empty when there is none.
  public func bufferBytes(_ index: Int) -> UnsafeRawBufferPointer {
    if let copy = realigned[index] { return copy.view }
    return bytes.bufferBytes(index)
  }

  /// Names of the operators the model uses, e.g. `["FULLY_CONNECTED v9", "SOFTMAX v1"]`.
  public var operatorNames: [String] { operatorCodes.map(\.displayName) }
}

extension ModelFile: ModelStorage {}

/// Constant buffers held in memory: one 64-byte-aligned allocation per buffer.
public final class InMemoryBytes: ModelStorage, @unchecked Sendable {
  private let buffers: [AlignedBytes]
  private let file: [UInt8]

  /// - Parameter buffers: buffer 0 is the schema's empty sentinel; pass `[]` for it.
  public init(buffers: [[UInt8]], file: [UInt8] = []) {
    self.buffers = buffers.map { bytes in bytes.withUnsafeBytes { AlignedBytes(copying: $0) } }
    self.file = file
  }

  public func bufferBytes(_ index: Int) -> UnsafeRawBufferPointer {
    index >= 0 && index < buffers.count ? buffers[index].view : UnsafeRawBufferPointer(start: nil, count: 0)
  }

  public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try file.withUnsafeBytes(body)
  }
}

/// An immutable, 64-byte-aligned copy of some bytes.
final class AlignedBytes: @unchecked Sendable {
  let view: UnsafeRawBufferPointer
  init(copying source: UnsafeRawBufferPointer) {
    let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(source.count, 1), alignment: 64)
    if source.count > 0 { memory.copyMemory(from: source) }
    view = UnsafeRawBufferPointer(start: memory.baseAddress, count: source.count)
  }
  deinit { UnsafeMutableRawPointer(mutating: view.baseAddress)?.deallocate() }
}
