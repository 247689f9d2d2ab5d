/// Why a `.tflite` file could not be read, with a hint for the user.
///
/// Every case names what was being read (a path such as
/// `model: subgraphs[0].tensors[3].shape`) and, where it helps, the byte offset.
///
/// ```swift
/// do { _ = try ModelFile.load(contentsOf: url) }
/// catch { print(error) }   // "model: ... runs past the end of the file ...\nhint: ..."
/// ```
public enum ModelFormatError: Error, CustomStringConvertible, Sendable, Equatable {
  /// The file could not be opened or mapped.
  case unreadable(path: String, reason: String)
  /// The data is shorter than its header needs.
  case truncated(what: String, byteCount: Int, needed: Int)
  /// Bytes 4..<8 are not the expected FlatBuffers file identifier (`TFL3`, `M001`).
  case wrongIdentifier(what: String, found: String, expected: String)
  /// The model's schema version is not 3.
  case unsupportedSchemaVersion(UInt32)
  /// An offset or a size points outside the data.
  case outOfBounds(what: String, offset: Int, size: Int, limit: Int)
  /// A scalar, table or vector is not aligned to its size.
  case misaligned(what: String, offset: Int, alignment: Int)
  /// A table's vtable or one of its fields is inconsistent.
  case malformedTable(what: String, offset: Int, reason: String)
  /// A string is not NUL-terminated.
  case invalidString(what: String, offset: Int, reason: String)
  /// The file makes the reader do more work than its size can justify (shared or cyclic tables).
  case tooComplex(what: String, limit: String)
  /// An index (tensor, buffer, opcode, subgraph) is out of range.
  case invalidReference(what: String, index: Int, count: Int)
  /// A value is not one the schema defines (unknown enum or union tag, negative dimension).
  case invalidValue(what: String, value: Int64)
  /// A tensor's element type is not one Glean knows.
  case unsupportedTensorType(tensor: String, rawValue: Int8)
  /// An operator code is not a builtin operator of the schema Glean was built from.
  case unsupportedOperator(code: Int32)
  /// A tensor's constant buffer holds fewer bytes than its shape needs.
  case bufferTooSmall(tensor: String, buffer: Int, needed: Int, actual: Int)
  /// The zip archive of associated files appended to the model is inconsistent.
  case invalidZip(reason: String)

  /// The message, followed by a line `hint: ...`.
  public var description: String { "\(message)\nhint: \(hint)" }

  /// What went wrong, in one line.
  public var message: String {
    switch self {
    case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
    case .truncated(let what, let byteCount, let needed): "\(what) is truncated: \(byteCount) bytes, at least \(needed) needed"
    case .wrongIdentifier(let what, let found, let expected): "\(what) has file identifier \"\(found)\", expected \"\(expected)\""
    case .unsupportedSchemaVersion(let version): "model has TFLite schema version \(version); Glean reads version 3"
    case .outOfBounds(let what, let offset, let size, let limit): "\(what): \(size) bytes at offset \(offset) run past the end of the data (\(limit) bytes)"
    case .misaligned(let what, let offset, let alignment): "\(what): offset \(offset) is not aligned to \(alignment) bytes"
    case .malformedTable(let what, let offset, let reason): "\(what): table at offset \(offset) is malformed: \(reason)"
    case .invalidString(let what, let offset, let reason): "\(what): string at offset \(offset) is invalid: \(reason)"
    case .tooComplex(let what, let limit): "\(what): the file exceeds the reader's limit of \(limit) (shared or cyclic tables)"
    case .invalidReference(let what, let index, let count): "\(what): index \(index) is out of range 0..<\(count)"
    case .invalidValue(let what, let value): "\(what): value \(value) is not valid here"
    case .unsupportedTensorType(let tensor, let rawValue): "tensor \"\(tensor)\" has unknown element type \(rawValue)"
    case .unsupportedOperator(let code): "operator code \(code) is not a builtin operator Glean knows"
    case .bufferTooSmall(let tensor, let buffer, let needed, let actual): "tensor \"\(tensor)\": buffer \(buffer) holds \(actual) bytes, its shape needs \(needed)"
    case .invalidZip(let reason): "the associated-files zip appended to the model is invalid: \(reason)"
    }
  }

  /// What the user can do about it.
  public var hint: String {
    switch self {
    case .unreadable: "check the path and the file's permissions"
    case .truncated, .outOfBounds: "the file is cut short or damaged; download or convert it again and compare its size and checksum"
    case .wrongIdentifier(_, _, let expected) where expected == "TFL3":
      "this is not a TensorFlow Lite flatbuffer; pass a .tflite file written by the TFLite converter"
    case .wrongIdentifier: "the metadata is not TFLite metadata (M001); repopulate it with the TFLite metadata writer"
    case .unsupportedSchemaVersion: "convert the model again with a current TensorFlow Lite converter (schema v3)"
    case .misaligned, .malformedTable, .invalidString, .tooComplex, .invalidValue:
      "the file is damaged or was not written by a FlatBuffers builder; convert the model again"
    case .invalidReference: "the graph refers to something that does not exist; the file is damaged or hand-edited, convert it again"
    case .unsupportedTensorType: "the model uses a tensor type newer than Glean's schema; convert it with float32/int8/int32 tensors"
    case .unsupportedOperator: "the model uses an operator newer than Glean's schema; convert it with an older op set"
    case .bufferTooSmall: "the weights are cut short; convert the model again"
    case .invalidZip: "repack the associated files with the TFLite metadata writer (MetadataPopulator), which stores them uncompressed"
    }
  }
}
