// A verifying reader of FlatBuffers binary data.
//
// Follows the FlatBuffers binary format (flatbuffers.dev, "FlatBuffers internals"):
// a root `uoffset` (u32) to the root table, an optional 4-byte file identifier,
// tables that start with an `soffset` (i32) back to their vtable, vtables of u16
// (vtable size, inline table size, then one field offset per slot), vectors and
// strings prefixed with a u32 element count, strings NUL-terminated.
//
// Every read is checked before it happens, in the spirit of the FlatBuffers
// `Verifier`: the range lies inside the buffer, scalars are aligned to their size,
// vtables are well-formed, vector byte sizes cannot overflow, strings end with NUL.
// The schemas read here (TFLite v3, TFLite metadata) are not recursive, so decoding
// depth is fixed by the decoder's code; a hostile file can still make tables share
// data (a vector of a million offsets to one huge table), so every table visit and
// every decoded element is charged to a budget proportional to the file size.

/// A table found in the buffer: where it starts and its verified vtable.
struct FlatTable {
  /// Byte position of the table (its soffset) in the reader's region.
  let position: Int
  let vtable: Int
  let vtableSize: Int
  let inlineSize: Int
}

/// A verified vector: the position of its first element and its element count.
struct FlatVector {
  let start: Int
  let count: Int
}

/// Reads and verifies one FlatBuffer held in an `UnsafeRawBufferPointer`.
///
/// Used only while a `ModelFile` is being built; it is a class so that the budget is
/// shared by every table it hands out.
final class FlatBufferReader {
  /// The region the buffer occupies; positions are relative to its start.
  let bytes: UnsafeRawBufferPointer
  /// Where `bytes` starts in the model file, to turn positions into file offsets.
  let fileOffset: Int
  /// What this buffer is, for error messages ("model", "TFLITE_METADATA").
  let name: String
  private var tablesLeft: Int
  private var elementsLeft: Int

  /// The most tables one file may make the reader visit (FlatBuffers' Verifier default).
  static let maximumTableVisits = 1_000_000

  /// Checks the header (size, identifier) and sets the work budget.
  /// - Throws: `ModelFormatError.truncated` when shorter than a header,
  ///   `.wrongIdentifier` when bytes 4..<8 differ from `identifier`.
  init(bytes: UnsafeRawBufferPointer, fileOffset: Int, name: String, identifier: String) throws(ModelFormatError) {
    self.bytes = bytes
    self.fileOffset = fileOffset
    self.name = name
    // An honest file decodes at most about one element per byte; allow sharing up to 4x.
    self.tablesLeft = Self.maximumTableVisits
    self.elementsLeft = 4 * bytes.count + 1_000_000
    guard bytes.count >= 8 else { throw .truncated(what: name, byteCount: bytes.count, needed: 8) }
    let found = (4..<8).map { bytes[$0] }
    guard found == Array(identifier.utf8) else {
      throw .wrongIdentifier(what: name, found: Self.printable(found), expected: identifier)
    }
  }

  /// The root table.
  func root() throws(ModelFormatError) -> FlatTable {
    let offset = Int(try load(UInt32.self, at: 0, what: "root offset"))
    return try table(at: offset, what: "root table")
  }

  // MARK: Raw checked loads

  /// Loads a scalar at `position` after checking bounds and alignment.
  @inline(__always)
  func load<T: FixedWidthInteger>(_ type: T.Type, at position: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> T {
    let size = MemoryLayout<T>.size
    guard position >= 0, position <= bytes.count - size else {
      throw .outOfBounds(what: "\(name): \(what())", offset: fileOffset + position, size: size, limit: fileOffset + bytes.count)
    }
    guard position % size == 0 else { throw .misaligned(what: "\(name): \(what())", offset: fileOffset + position, alignment: size) }
    return T(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: T.self))
  }

  /// Charges `count` decoded elements to the budget.
  @inline(__always)
  func charge(_ count: Int, what: @autoclosure () -> String) throws(ModelFormatError) {
    elementsLeft -= count
    if elementsLeft < 0 { throw .tooComplex(what: "\(name): \(what())", limit: "decoded elements") }
  }

  // MARK: Tables

  /// Verifies the table at `position`: its vtable lies inside the buffer, is aligned and well-formed,
  /// and the table's inline part fits.
  func table(at position: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> FlatTable {
    tablesLeft -= 1
    if tablesLeft < 0 { throw .tooComplex(what: "\(name): \(what())", limit: "\(Self.maximumTableVisits) table visits") }
    let soffset = Int(try load(Int32.self, at: position, what: "\(what()) (table start)"))
    let vtable = position - soffset
    let vtableSize = Int(try load(UInt16.self, at: vtable, what: "\(what()) (vtable)"))
    let inlineSize = Int(try load(UInt16.self, at: vtable + 2, what: "\(what()) (vtable)"))
    guard vtableSize >= 4, vtableSize % 2 == 0, vtable + vtableSize <= bytes.count else {
      throw .malformedTable(what: "\(name): \(what())", offset: fileOffset + position,
                            reason: "its vtable of \(vtableSize) bytes at \(fileOffset + vtable) is invalid or runs past the end")
    }
    guard inlineSize >= 4, position + inlineSize <= bytes.count else {
      throw .malformedTable(what: "\(name): \(what())", offset: fileOffset + position,
                            reason: "its inline size \(inlineSize) runs past the end of the data")
    }
    return FlatTable(position: position, vtable: vtable, vtableSize: vtableSize, inlineSize: inlineSize)
  }

  /// The position of field `slot` (0-based field id) in `table`, or nil when absent.
  /// The field's `size` bytes must lie inside the table's inline part.
  @inline(__always)
  func fieldPosition(_ table: FlatTable, _ slot: Int, size: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> Int? {
    let entry = 4 + 2 * slot
    guard entry + 2 <= table.vtableSize else { return nil }
    let offset = Int(bytes.loadUnaligned(fromByteOffset: table.vtable + entry, as: UInt16.self).littleEndian)
    guard offset != 0 else { return nil }
    guard offset >= 4, offset + size <= table.inlineSize else {
      throw .malformedTable(what: "\(name): \(what())", offset: fileOffset + table.position,
                            reason: "field \(slot) at +\(offset) lies outside the table's \(table.inlineSize) inline bytes")
    }
    return table.position + offset
  }

  /// A scalar field, or `defaultValue` when absent.
  @inline(__always)
  func scalar<T: FixedWidthInteger>(_ table: FlatTable, _ slot: Int, default defaultValue: T, what: @autoclosure () -> String) throws(ModelFormatError) -> T {
    guard let position = try fieldPosition(table, slot, size: MemoryLayout<T>.size, what: what()) else { return defaultValue }
    return try load(T.self, at: position, what: what())
  }

  /// A float field, or `defaultValue` when absent.
  func float(_ table: FlatTable, _ slot: Int, default defaultValue: Float, what: @autoclosure () -> String) throws(ModelFormatError) -> Float {
    let bits = try scalar(table, slot, default: defaultValue.bitPattern, what: what())
    return Float(bitPattern: bits)
  }

  /// A boolean field (a byte, nonzero is true), or `defaultValue` when absent.
  func bool(_ table: FlatTable, _ slot: Int, default defaultValue: Bool, what: @autoclosure () -> String) throws(ModelFormatError) -> Bool {
    try scalar(table, slot, default: UInt8(defaultValue ? 1 : 0), what: what()) != 0
  }

  /// The position an offset field points to, or nil when the field is absent.
  func target(_ table: FlatTable, _ slot: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> Int? {
    guard let position = try fieldPosition(table, slot, size: 4, what: what()) else { return nil }
    return try follow(at: position, what: what())
  }

  /// Follows the uoffset stored at `position`.
  @inline(__always)
  func follow(at position: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> Int {
    let offset = Int(try load(UInt32.self, at: position, what: what()))
    let target = position + offset
    guard target < bytes.count else {
      throw .outOfBounds(what: "\(name): \(what())", offset: fileOffset + target, size: 1, limit: fileOffset + bytes.count)
    }
    return target
  }

  /// A sub-table field, or nil when absent.
  func table(_ table: FlatTable, _ slot: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> FlatTable? {
    guard let position = try target(table, slot, what: what()) else { return nil }
    return try self.table(at: position, what: what())
  }

  // MARK: Vectors and strings

  /// A vector field whose elements are `elementSize` bytes, or nil when absent.
  /// Checks that the whole vector lies inside the buffer and its elements are aligned.
  func vector(_ table: FlatTable, _ slot: Int, elementSize: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> FlatVector? {
    guard let position = try target(table, slot, what: what()) else { return nil }
    return try vector(at: position, elementSize: elementSize, what: what())
  }

  /// The vector whose length prefix is at `position`.
  func vector(at position: Int, elementSize: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> FlatVector {
    let count = Int(try load(UInt32.self, at: position, what: "\(what()) (vector length)"))
    let start = position + 4
    // count < 2^32 and elementSize <= 16, so the product cannot overflow Int.
    guard count * elementSize <= bytes.count - start else {
      throw .outOfBounds(what: "\(name): \(what()) (\(count) elements of \(elementSize) bytes)",
                         offset: fileOffset + start, size: count * elementSize, limit: fileOffset + bytes.count)
    }
    if elementSize > 1, start % min(elementSize, 8) != 0 {
      throw .misaligned(what: "\(name): \(what())", offset: fileOffset + start, alignment: min(elementSize, 8))
    }
    return FlatVector(start: start, count: count)
  }

  /// A vector of scalars, decoded.
  func scalars<T: FixedWidthInteger>(_ table: FlatTable, _ slot: Int, as type: T.Type, what: @autoclosure () -> String) throws(ModelFormatError) -> [T]? {
    guard let vector = try vector(table, slot, elementSize: MemoryLayout<T>.size, what: what()) else { return nil }
    try charge(vector.count, what: what())
    let base = bytes.baseAddress! + vector.start
    return (0..<vector.count).map { T(littleEndian: base.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
  }

  /// A vector of floats, decoded.
  func floats(_ table: FlatTable, _ slot: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> [Float]? {
    try scalars(table, slot, as: UInt32.self, what: what())?.map(Float.init(bitPattern:))
  }

  /// The table positions of a vector of tables (not yet verified; pass each to `table(at:)`).
  func tablePositions(_ table: FlatTable, _ slot: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> [Int]? {
    guard let vector = try vector(table, slot, elementSize: 4, what: what()) else { return nil }
    try charge(vector.count, what: what())
    var positions: [Int] = []
    positions.reserveCapacity(vector.count)
    for index in 0..<vector.count {
      positions.append(try follow(at: vector.start + 4 * index, what: "\(what())[\(index)]"))
    }
    return positions
  }

  /// A vector of tables, each verified.
  func tables(_ table: FlatTable, _ slot: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> [FlatTable] {
    guard let positions = try tablePositions(table, slot, what: what()) else { return [] }
    var tables: [FlatTable] = []
    tables.reserveCapacity(positions.count)
    for (index, position) in positions.enumerated() {
      tables.append(try self.table(at: position, what: "\(what())[\(index)]"))
    }
    return tables
  }

  /// A string field, or nil when absent. Invalid UTF-8 is replaced with U+FFFD.
  func string(_ table: FlatTable, _ slot: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> String? {
    guard let position = try target(table, slot, what: what()) else { return nil }
    return try string(at: position, what: what())
  }

  /// The string whose length prefix is at `position`.
  func string(at position: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> String {
    let vector = try vector(at: position, elementSize: 1, what: what())
    guard vector.start + vector.count < bytes.count else {
      throw .invalidString(what: "\(name): \(what())", offset: fileOffset + position, reason: "no room for its NUL terminator")
    }
    guard bytes[vector.start + vector.count] == 0 else {
      throw .invalidString(what: "\(name): \(what())", offset: fileOffset + position, reason: "it is not NUL-terminated")
    }
    try charge(vector.count, what: what())
    return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[vector.start..<(vector.start + vector.count)]), as: UTF8.self)
  }

  /// A vector of strings.
  func strings(_ table: FlatTable, _ slot: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> [String] {
    guard let positions = try tablePositions(table, slot, what: what()) else { return [] }
    var result: [String] = []
    for (index, position) in positions.enumerated() { result.append(try string(at: position, what: "\(what())[\(index)]")) }
    return result
  }

  /// The byte range (relative to the file) of a `[ubyte]` field, without copying; nil when absent.
  func byteRange(_ table: FlatTable, _ slot: Int, what: @autoclosure () -> String) throws(ModelFormatError) -> Range<Int>? {
    guard let vector = try vector(table, slot, elementSize: 1, what: what()) else { return nil }
    return (fileOffset + vector.start)..<(fileOffset + vector.start + vector.count)
  }

  static func printable(_ bytes: [UInt8]) -> String {
    bytes.map { (0x20..<0x7f).contains($0) ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
  }
}
