import Foundation

/// A verified TensorFlow Lite model: its graph decoded into plain values, its weights left in place.
///
/// `load(contentsOf:)` memory-maps the file read-only; `init(bytes:)` copies into owned,
/// 16-byte-aligned storage. Either way the whole flatbuffer is verified before anything
/// is read through unsafe memory (identifier `TFL3`, schema version 3, bounds, alignment,
/// vtables, strings, vector lengths, work limits), then the graph is checked: tensor,
/// opcode, buffer and subgraph indices in range, constant buffers as large as their
/// tensors. The `TFLITE_METADATA` buffer (identifier `M001`) is decoded too, and the zip of
/// associated files appended to the model is indexed (its CRCs checked).
///
/// Constant data is never copied: `bufferBytes(_:)` and `associatedFile(named:)` are views
/// into the mapped file, valid while the `ModelFile` lives. A `ModelFile` is immutable
/// after init and safe to share between threads.
///
/// ```swift
/// let model = try ModelFile.load(contentsOf: URL(fileURLWithPath: "classifier.tflite"))
/// let graph = model.subgraphs[0]
/// for index in graph.inputs { print(graph.tensors[Int(index)].name) }
/// let weights = model.bufferBytes(Int(graph.tensors[1].buffer))   // zero-copy
/// let vocab = model.associatedFile(named: "vocab.txt")              // zero-copy, stored zip entry
/// ```
///
/// Mapping caveat: the file must not be truncated by another process while it is mapped
/// (the OS would fault on access), as with any memory-mapped reader.
public final class ModelFile: @unchecked Sendable {
  // @unchecked: every stored property is a `let` of Sendable values, except `region`, which owns
  // read-only memory that nothing writes after init.

  /// `Model.version`: always 3 (other versions are rejected).
  public let schemaVersion: UInt32
  /// `Model.description` (the converter writes e.g. "MLIR Converted."); empty when absent.
  public let modelDescription: String
  /// The operator codes operators refer to by `opcodeIndex`.
  public let operatorCodes: [OperatorCode]
  /// The subgraphs; the first is the main one.
  public let subgraphs: [SubgraphDescription]
  /// Named entry points (`SignatureDef`), when the converter wrote them.
  public let signatures: [SignatureDescription]
  /// `Model.metadata`: named buffers such as `min_runtime_version` and `TFLITE_METADATA`.
  public let metadataEntries: [(name: String, buffer: UInt32)]
  /// The decoded `TFLITE_METADATA` buffer, or nil when the model has none.
  public let metadata: ModelMetadata?
  /// The files packed in the zip appended to the model, in archive order (empty when there is none).
  public let packedFiles: [PackedFile]

  private let region: ModelBytes
  private let bufferRanges: [Range<Int>]
  /// Associated file contents by zip entry name: views of stored entries, or of inflated copies the region keeps.
  private let associatedFileViews: [String: UnsafeRawBufferPointer]

  /// Maps the file at `url` read-only and verifies it.
  ///
  /// - Parameter url: a local `.tflite` file.
  /// - Returns: the verified model; its views stay valid while it lives.
  /// - Throws: `ModelFormatError.unreadable` when the file cannot be opened or mapped, and any other
  ///   `ModelFormatError` case when its contents are damaged or not a TFLite model.
  public static func load(contentsOf url: URL) throws(ModelFormatError) -> ModelFile {
    try ModelFile(region: try ModelBytes(mapping: url))
  }

  /// Copies `bytes` into owned, 16-byte-aligned storage and verifies them.
  ///
  /// ```swift
  /// let model = try ModelFile(bytes: Array(try Data(contentsOf: url)))
  /// ```
  /// - Throws: a `ModelFormatError` when the bytes are damaged or not a TFLite model.
  public convenience init(bytes: [UInt8]) throws(ModelFormatError) {
    try self.init(region: ModelBytes(copying: bytes))
  }

  private init(region: ModelBytes) throws(ModelFormatError) {
    let bytes = region.bytes
    let reader = try FlatBufferReader(bytes: bytes, fileOffset: 0, name: "model", identifier: "TFL3")
    let model = try reader.decodeModel(fileSize: bytes.count)
    try model.validate()

    var metadata: ModelMetadata?
    if let entry = model.metadataEntries.first(where: { $0.name == "TFLITE_METADATA" }) {
      let range = model.bufferRanges[Int(entry.buffer)]
      let metadataReader = try FlatBufferReader(bytes: UnsafeRawBufferPointer(rebasing: bytes[range]), fileOffset: range.lowerBound,
                                                name: "TFLITE_METADATA", identifier: "M001")
      metadata = try metadataReader.decodeModelMetadata()
    }
    let entries = try AssociatedFilesArchive.parse(bytes) ?? []

    self.region = region
    self.schemaVersion = model.schemaVersion
    self.modelDescription = model.description
    self.operatorCodes = model.operatorCodes
    self.subgraphs = model.subgraphs
    self.signatures = model.signatures
    self.metadataEntries = model.metadataEntries
    self.bufferRanges = model.bufferRanges
    self.metadata = metadata
    self.packedFiles = entries.map(\.file)
    var views: [String: UnsafeRawBufferPointer] = [:]
    for entry in entries where views[entry.file.name] == nil {
      if let range = entry.storedRange {
        views[entry.file.name] = range.isEmpty ? UnsafeRawBufferPointer(start: nil, count: 0) : UnsafeRawBufferPointer(rebasing: bytes[range])
      } else if let inflated = entry.inflated {
        views[entry.file.name] = region.keep(inflated)
      }
    }
    self.associatedFileViews = views
  }

  /// The oldest TFLite runtime that can run the model (the `min_runtime_version` metadata buffer,
  /// e.g. "1.14.0"), or nil when the converter did not write one.
  public var minRuntimeVersion: String? {
    guard let entry = metadataEntries.first(where: { $0.name == "min_runtime_version" }) else { return nil }
    let bytes = bufferBytes(Int(entry.buffer))
    return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
  }

  /// The size of the file in bytes.
  public var byteCount: Int { region.bytes.count }

  /// The number of entries in `Model.buffers` (buffer 0 is the empty sentinel).
  public var bufferCount: Int { bufferRanges.count }

  /// Zero-copy view of buffer `index`'s data: its inline `data` vector, or, in models over 2 GB,
  /// the `offset`/`size` region outside the flatbuffer. Empty when the buffer has no data or
  /// `index` is out of range.
  ///
  /// Valid while the `ModelFile` lives. Alignment: only 4 bytes is guaranteed. Recent converters
  /// align large constants to 16 bytes, but the real models in ../shared place some buffers at
  /// 4 (mod 16); the file's base is page-aligned (mapped) or 16-byte aligned (copied). Check
  /// `bufferAlignment(_:)` before binding memory to a type wider than 4 bytes, or use `loadUnaligned`.
  ///
  /// ```swift
  /// let raw = model.bufferBytes(Int(tensor.buffer))
  /// let weights = raw.bindMemory(to: Float.self)   // after checking alignment
  /// ```
  public func bufferBytes(_ index: Int) -> UnsafeRawBufferPointer {
    bytes(in: bufferByteRange(index))
  }

  /// Where buffer `index`'s data lies in the file (byte offsets); empty when none.
  public func bufferByteRange(_ index: Int) -> Range<Int> {
    guard bufferRanges.indices.contains(index) else { return 0..<0 }
    return bufferRanges[index]
  }

  /// The alignment in bytes of buffer `index`'s data in memory: the largest power of two, up to 4096,
  /// dividing its address (4096 for an empty buffer).
  public func bufferAlignment(_ index: Int) -> Int {
    guard let address = bufferBytes(index).baseAddress.map(Int.init(bitPattern:)), address != 0 else { return 4096 }
    return min(address & -address, 4096)
  }

  /// Zero-copy view of a byte range of the file, such as `OperatorDescription.customOptions`.
  /// Empty when the range is not inside the file.
  public func bytes(in range: Range<Int>) -> UnsafeRawBufferPointer {
    guard range.lowerBound >= 0, range.upperBound <= region.bytes.count, !range.isEmpty else { return UnsafeRawBufferPointer(start: nil, count: 0) }
    return UnsafeRawBufferPointer(rebasing: region.bytes[range])
  }

  /// Calls `body` with the whole file's bytes.
  public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try body(region.bytes)
  }

  /// The contents of the associated file `name` packed in the model's zip (e.g. "vocab.txt"),
  /// or nil when the zip has no such entry.
  ///
  /// A view into the mapped file for stored entries (the metadata writer stores them
  /// uncompressed); deflated entries were inflated at load into storage the model owns.
  /// Valid while the `ModelFile` lives.
  ///
  /// ```swift
  /// if let vocab = model.associatedFile(named: "vocab.txt") {
  ///   let text = String(decoding: vocab, as: UTF8.self)
  /// }
  /// ```
  public func associatedFile(named name: String) -> UnsafeRawBufferPointer? {
    associatedFileViews[name]
  }

  /// The tokenizer vocabulary packed with the model: the first file its metadata's BERT tokenizer process unit
  /// names that the appended zip holds, else the first associated file of type vocabulary there; nil when the
  /// model has no metadata or packs no such file. The bytes are a view, valid while the `ModelFile` lives.
  ///
  /// ```swift
  /// if let (name, bytes) = model.packedVocabulary() {
  ///   print(name, bytes.count)   // "vocab.txt 231508" for Glean's default QA model
  /// }
  /// ```
  public func packedVocabulary() -> (name: String, bytes: UnsafeRawBufferPointer)? {
    guard let metadata else { return nil }
    var names: [String] = []
    for unit in metadata.inputProcessUnits {
      if case .bertTokenizer(let files) = unit { names += files.compactMap(\.name) }
    }
    names += metadata.allAssociatedFiles.filter { $0.type == .vocabulary }.compactMap(\.name)
    for name in names {
      if let bytes = associatedFile(named: name) { return (name, bytes) }
    }
    return nil
  }
}

/// The memory a `ModelFile` reads: a read-only mapping or an owned aligned copy.
final class ModelBytes: @unchecked Sendable {
  // @unchecked: the memory is written only in init (copy) or never (mapping); `kept` is guarded by `lock`
  // and only grows while the owning ModelFile is being initialised.
  let bytes: UnsafeRawBufferPointer
  private let isMapped: Bool
  private let lock = NSLock()
  private var kept: [UnsafeRawBufferPointer] = []

  /// Copies `source` into 16-byte-aligned memory.
  init(copying source: [UInt8]) {
    let memory = UnsafeMutableRawPointer.allocate(byteCount: max(source.count, 1), alignment: 16)
    source.withUnsafeBytes { if let from = $0.baseAddress { memory.copyMemory(from: from, byteCount: source.count) } }
    bytes = UnsafeRawBufferPointer(start: memory, count: source.count)
    isMapped = false
  }

  /// Maps the file at `url` read-only.
  init(mapping url: URL) throws(ModelFormatError) {
    let path = url.path
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
    guard (status.st_mode & S_IFMT) == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
    let size = Int(status.st_size)
    guard size > 0 else { throw .truncated(what: "model", byteCount: 0, needed: 8) }
    guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != UnsafeMutableRawPointer(bitPattern: -1) else {
      throw .unreadable(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
    }
    bytes = UnsafeRawBufferPointer(start: address, count: size)
    isMapped = true
  }

  /// Keeps a copy of `contents` alive as long as the model and returns a view of it.
  func keep(_ contents: [UInt8]) -> UnsafeRawBufferPointer {
    lock.lock()
    defer { lock.unlock() }
    let memory = UnsafeMutableRawPointer.allocate(byteCount: max(contents.count, 1), alignment: 16)
    contents.withUnsafeBytes { if let from = $0.baseAddress { memory.copyMemory(from: from, byteCount: contents.count) } }
    let view = UnsafeRawBufferPointer(start: memory, count: contents.count)
    kept.append(view)
    return view
  }

  deinit {
    if isMapped, let base = bytes.baseAddress {
      munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
    } else if !isMapped {
      bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0).deallocate() }
    }
    for view in kept { view.baseAddress.map { UnsafeMutableRawPointer(mutating: $0).deallocate() } }
  }
}
