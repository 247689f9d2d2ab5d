// The zip archive that the TFLite metadata writer appends to a model to pack its
// associated files (vocab.txt, labels.txt, ...).
//
// Follows PKWARE's APPNOTE.TXT: the end-of-central-directory record (EOCD) at the end
// of the file, the central directory it points to, and one local header per entry in
// front of the entry's data. Offsets in the central directory may be absolute file
// offsets (Python's zipfile appending to the model) or relative to the archive start;
// the difference ("prefix") is recovered the way `unzip` does, from where the central
// directory really ends. Every size and offset is checked to stay inside the file.
import CZlib

/// One file packed in the model's zip archive.
public struct PackedFile: Sendable, Equatable {
  /// The entry's name in the zip (matches `AssociatedFile.name`).
  public var name: String
  /// Uncompressed size in bytes.
  public var byteCount: Int
  /// True when the entry was deflated (its contents were inflated at load).
  public var wasCompressed: Bool
}

/// A parsed entry: where its contents lie (in the file, or in inflated storage).
struct ArchiveEntry {
  var file: PackedFile
  /// Range of the stored bytes in the model file, for stored entries.
  var storedRange: Range<Int>?
  /// Inflated contents, for deflated entries.
  var inflated: [UInt8]?
}

enum AssociatedFilesArchive {
  static let endRecordSignature: UInt32 = 0x0605_4b50
  static let centralHeaderSignature: UInt32 = 0x0201_4b50
  static let localHeaderSignature: UInt32 = 0x0403_4b50
  /// The largest entry this reader inflates (a guard against zip bombs).
  static let maximumInflatedSize = 512 << 20

  /// Finds the end-of-central-directory record: the last signature whose comment ends exactly at the end of the file.
  static func findEndRecord(_ bytes: UnsafeRawBufferPointer) -> Int? {
    guard bytes.count >= 22 else { return nil }
    let lowest = max(0, bytes.count - 22 - 0xffff)
    var position = bytes.count - 22
    while position >= lowest {
      if read32(bytes, position) == endRecordSignature, position + 22 + Int(read16(bytes, position + 20)) == bytes.count {
        return position
      }
      position -= 1
    }
    return nil
  }

  /// Parses the archive at the end of `bytes`; nil when there is none.
  /// - Throws: `ModelFormatError.invalidZip` when a record is inconsistent or points outside the file.
  static func parse(_ bytes: UnsafeRawBufferPointer) throws(ModelFormatError) -> [ArchiveEntry]? {
    guard let end = findEndRecord(bytes) else { return nil }
    let entryCount = Int(read16(bytes, end + 10))
    let directorySize = Int(read32(bytes, end + 12))
    let directoryOffset = Int(read32(bytes, end + 16))
    if read16(bytes, end + 4) != 0 || read16(bytes, end + 6) != 0 || entryCount != Int(read16(bytes, end + 8)) {
      throw .invalidZip(reason: "multi-disk archives are not supported")
    }
    if entryCount == 0xffff || directorySize == 0xffff_ffff || directoryOffset == 0xffff_ffff {
      throw .invalidZip(reason: "ZIP64 archives are not supported")
    }
    guard directorySize <= end else {
      throw .invalidZip(reason: "the central directory (\(directorySize) bytes) is larger than the data before its end record")
    }
    let directoryStart = end - directorySize
    let prefix = directoryStart - directoryOffset
    guard prefix >= 0 else {
      throw .invalidZip(reason: "the central directory offset \(directoryOffset) points past its real position \(directoryStart)")
    }
    // Pass 1: locate every entry's local record and data, without touching the data.
    var located: [LocatedEntry] = []
    var position = directoryStart
    for index in 0..<entryCount {
      guard position + 46 <= end, read32(bytes, position) == centralHeaderSignature else {
        throw .invalidZip(reason: "central directory entry \(index) at \(position) is missing or cut short")
      }
      let flags = read16(bytes, position + 8)
      let method = read16(bytes, position + 10)
      let crc = read32(bytes, position + 16)
      let compressedSize = Int(read32(bytes, position + 20))
      let uncompressedSize = Int(read32(bytes, position + 24))
      let nameLength = Int(read16(bytes, position + 28))
      let extraLength = Int(read16(bytes, position + 30))
      let commentLength = Int(read16(bytes, position + 32))
      let localOffset = Int(read32(bytes, position + 42))
      let recordEnd = position + 46 + nameLength + extraLength + commentLength
      guard recordEnd <= end else { throw .invalidZip(reason: "central directory entry \(index) runs past the directory") }
      let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(position + 46)..<(position + 46 + nameLength)]), as: UTF8.self)
      position = recordEnd
      if flags & 1 != 0 { throw .invalidZip(reason: "\"\(name)\" is encrypted") }
      if compressedSize == 0xffff_ffff || uncompressedSize == 0xffff_ffff || localOffset == 0xffff_ffff {
        throw .invalidZip(reason: "\"\(name)\" needs ZIP64, which is not supported")
      }
      // The local header repeats the name and may carry a different extra field; the data follows it.
      let local = prefix + localOffset
      guard local + 30 <= directoryStart, read32(bytes, local) == localHeaderSignature else {
        throw .invalidZip(reason: "\"\(name)\": local header offset \(localOffset) does not point at a local header inside the file")
      }
      let dataStart = local + 30 + Int(read16(bytes, local + 26)) + Int(read16(bytes, local + 28))
      guard dataStart <= directoryStart, compressedSize <= directoryStart - dataStart else {
        throw .invalidZip(reason: "\"\(name)\": \(compressedSize) bytes at \(dataStart) run past the archive's data")
      }
      located.append(LocatedEntry(name: name, method: method, crc: crc, uncompressedSize: uncompressedSize,
                                  record: local..<(dataStart + compressedSize), data: dataStart..<(dataStart + compressedSize)))
    }
    // Entries of an honest archive never share bytes; requiring that bounds the CRC and inflate work
    // a hostile directory could ask for (65,535 entries over the same large range) by the file size.
    try checkDisjoint(located.map(\.record))

    // Pass 2: check sizes and checksums, inflate deflated entries.
    var entries: [ArchiveEntry] = []
    var totalInflated = 0
    for item in located {
      let contents = UnsafeRawBufferPointer(rebasing: bytes[item.data])
      var entry = ArchiveEntry(file: PackedFile(name: item.name, byteCount: item.uncompressedSize, wasCompressed: item.method == 8))
      switch item.method {
      case 0:
        guard item.data.count == item.uncompressedSize else {
          throw .invalidZip(reason: "\"\(item.name)\" is stored but its sizes differ (\(item.data.count) vs \(item.uncompressedSize))")
        }
        entry.storedRange = item.data
      case 8:
        totalInflated += item.uncompressedSize
        guard totalInflated <= maximumInflatedSize else {
          throw .invalidZip(reason: "\"\(item.name)\" would inflate the archive past the reader's \(maximumInflatedSize)-byte limit")
        }
        entry.inflated = try inflate(contents, expectedSize: item.uncompressedSize, name: item.name)
      default:
        throw .invalidZip(reason: "\"\(item.name)\" uses compression method \(item.method); only stored (0) and deflate (8) are supported")
      }
      let actualCRC = entry.inflated.map { $0.withUnsafeBytes(checksum) } ?? checksum(contents)
      guard actualCRC == item.crc else {
        throw .invalidZip(reason: "\"\(item.name)\": CRC-32 is \(String(actualCRC, radix: 16)), the directory says \(String(item.crc, radix: 16))")
      }
      entries.append(entry)
    }
    return entries
  }

  /// A central directory entry with its local record located and bounds-checked.
  struct LocatedEntry {
    var name: String
    var method: UInt16
    var crc: UInt32
    var uncompressedSize: Int
    /// Local header through the end of the data.
    var record: Range<Int>
    var data: Range<Int>
  }

  /// Throws when two entries' local records (header and data) share bytes.
  static func checkDisjoint(_ ranges: [Range<Int>]) throws(ModelFormatError) {
    let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
    for (previous, next) in zip(sorted, sorted.dropFirst()) where next.lowerBound < previous.upperBound {
      throw .invalidZip(reason: "two entries overlap at offset \(next.lowerBound)")
    }
  }

  /// Inflates raw deflate data (no zlib header) into exactly `expectedSize` bytes.
  static func inflate(_ input: UnsafeRawBufferPointer, expectedSize: Int, name: String) throws(ModelFormatError) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: expectedSize)
    var stream = z_stream()
    guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw .invalidZip(reason: "\"\(name)\": zlib could not start inflating")
    }
    defer { inflateEnd(&stream) }
    let status: Int32 = output.withUnsafeMutableBytes { out in
      stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
      stream.avail_in = uInt(input.count)
      stream.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
      stream.avail_out = uInt(out.count)
      return CZlib.inflate(&stream, Z_FINISH)
    }
    guard status == Z_STREAM_END, Int(stream.total_out) == expectedSize else {
      throw .invalidZip(reason: "\"\(name)\": the deflate data is damaged or does not inflate to \(expectedSize) bytes")
    }
    return output
  }

  static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return 0 }
    return UInt32(crc32(0, base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count)))
  }

  @inline(__always) static func read16(_ bytes: UnsafeRawBufferPointer, _ position: Int) -> UInt16 {
    UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt16.self))
  }
  @inline(__always) static func read32(_ bytes: UnsafeRawBufferPointer, _ position: Int) -> UInt32 {
    UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
  }
}
