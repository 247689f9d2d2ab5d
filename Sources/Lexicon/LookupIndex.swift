#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dictionary's headwords sorted by folded key, in a binary file that is memory-mapped and searched
/// in place. It is built once from the dictionary's own index and cached (see `LookupCache`).
///
/// File layout (little-endian), version 2:
///
/// | offset | size | field |
/// |-------:|-----:|-------|
/// | 0 | 8 | magic `GLEANLEX` |
/// | 8 | 4 | format version (2) |
/// | 12 | 4 | header size (112) |
/// | 16 | 4 | flags (`LookupIndex.Flags`) |
/// | 20 | 4 | record count |
/// | 24 | 4 | entries skipped while building |
/// | 28 | 4 | reserved (0) |
/// | 32 | 8 | size of the string area |
/// | 40 | 16 | source index: size, mtime (ns) |
/// | 56 | 16 | source data: size, mtime (ns) |
/// | 72 | 16 | source synonyms (StarDict `.syn`): size, mtime (ns), or zeros |
/// | 88 | 8 | uncompressed size of the data |
/// | 96 | 8 | checksum of everything after the header |
/// | 104 | 8 | checksum of the header's first 104 bytes |
///
/// Then `record count` records of 24 bytes, sorted by (folded key bytes, order in the source index):
/// folded key offset (u32), headword offset (u32), folded key length (u16), headword length (u16),
/// definition size (u32), definition offset (u64); offsets are into the string area that follows.
///
/// Opening checks the magic, version, sizes, both checksums and every record's bounds before any
/// search reads the file, so a corrupt or truncated cache is reported (and rebuilt), never trusted.
final class LookupIndex: Sendable {
  static let magic: [UInt8] = Array("GLEANLEX".utf8)
  static let formatVersion: UInt32 = 2
  static let headerSize = 112
  static let recordSize = 24

  /// Facts about the source dictionary kept in the header.
  struct Flags: OptionSet, Sendable {
    let rawValue: UInt32
    static let dictd = Flags(rawValue: 1)
    static let starDict = Flags(rawValue: 2)
    /// dictd `00-database-allchars`: headwords keep punctuation.
    static let allChars = Flags(rawValue: 4)
    /// dictd `00-database-case-sensitive`.
    static let caseSensitive = Flags(rawValue: 8)
  }

  /// The stamps of the files the index was built from; a different stamp means "rebuild".
  struct SourceStamps: Equatable, Sendable {
    var index: FileStamp
    var data: FileStamp
    var synonyms: FileStamp?
  }

  /// One record, decoded.
  struct Record: Sendable {
    var foldedOffset: UInt32
    var headwordOffset: UInt32
    var foldedLength: UInt16
    var headwordLength: UInt16
    var definitionSize: UInt32
    var definitionOffset: UInt64
  }

  /// Where the index bytes live.
  private enum Storage: Sendable {
    case mapped(MappedFile)
    case memory([UInt8])
  }

  private let storage: Storage
  let count: Int
  let skippedCount: Int
  let flags: Flags
  let stamps: SourceStamps
  let dataSize: UInt64
  private let stringsStart: Int
  private let stringsSize: Int

  // MARK: Building

  /// Sorts `entries` by folded key and lays them out as an index file's bytes.
  ///
  /// Exact duplicates (same headword, offset and size) are dropped with a warning.
  /// - Throws: `LexiconError.malformed` when the index is too large for 32-bit string offsets.
  static func build(entries: [IndexEntry], flags: Flags, stamps: SourceStamps, dataSize: UInt64,
                    skipped: Int, path: String) throws(LexiconError) -> (bytes: [UInt8], warnings: [IndexWarning]) {
    var strings: [UInt8] = []
    strings.reserveCapacity(entries.count * 24)
    var records: [Record] = []
    records.reserveCapacity(entries.count)
    for entry in entries {
      let folded = LookupKey.folded(entry.headword)
      let foldedOffset = strings.count
      strings.append(contentsOf: folded.utf8)
      let foldedLength = strings.count - foldedOffset
      var headwordOffset = foldedOffset
      let headwordLength = entry.headword.utf8.count
      if folded != entry.headword {
        headwordOffset = strings.count
        strings.append(contentsOf: entry.headword.utf8)
      }
      guard strings.count < Int(UInt32.max), foldedLength <= Int(UInt16.max), headwordLength <= Int(UInt16.max),
            entry.size <= UInt64(UInt32.max) else {
        throw .malformed(path: path, reason: "the index is too large for Glean's lookup cache (a headword, definition or the index passes 4 GiB)")
      }
      records.append(Record(
        foldedOffset: UInt32(foldedOffset), headwordOffset: UInt32(headwordOffset), foldedLength: UInt16(foldedLength),
        headwordLength: UInt16(headwordLength), definitionSize: UInt32(entry.size), definitionOffset: entry.offset))
    }
    var order = Array(0..<records.count)
    strings.withUnsafeBytes { blob in
      order.sort { a, b in
        let ra = records[a], rb = records[b]
        let c = compareBytes(blob, Int(ra.foldedOffset), Int(ra.foldedLength), blob, Int(rb.foldedOffset), Int(rb.foldedLength))
        return c != 0 ? c < 0 : a < b
      }
    }
    // Drop exact duplicates: same folded key run, same headword, same definition. A set per run keeps
    // this linear: a run can be thousands of entries long (one headword repeated throughout an index).
    struct Entry: Hashable {
      let headword: [UInt8]
      let definitionOffset: UInt64
      let definitionSize: UInt32
    }
    var kept: [Record] = []
    kept.reserveCapacity(records.count)
    var warnings: [IndexWarning] = []
    var seenInRun: Set<Entry> = []
    strings.withUnsafeBytes { blob in
      for i in order {
        let record = records[i]
        if let last = kept.last,
           compareBytes(blob, Int(last.foldedOffset), Int(last.foldedLength), blob, Int(record.foldedOffset), Int(record.foldedLength)) != 0 {
          seenInRun.removeAll(keepingCapacity: true)
        }
        let headword = Array(blob[Int(record.headwordOffset)..<Int(record.headwordOffset) + Int(record.headwordLength)])
        if seenInRun.insert(Entry(headword: headword, definitionOffset: record.definitionOffset, definitionSize: record.definitionSize)).inserted {
          kept.append(record)
        } else {
          let word = String(decoding: headword, as: UTF8.self)
          warnings.append(IndexWarning(path: path, position: nil, reason: "duplicate entry for \"\(word)\" (same definition twice); kept one"))
        }
      }
    }
    var bytes = [UInt8](repeating: 0, count: headerSize)
    bytes.reserveCapacity(headerSize + kept.count * recordSize + strings.count)
    for record in kept {
      bytes.appendLittleEndian(record.foldedOffset)
      bytes.appendLittleEndian(record.headwordOffset)
      bytes.appendLittleEndian(record.foldedLength)
      bytes.appendLittleEndian(record.headwordLength)
      bytes.appendLittleEndian(record.definitionSize)
      bytes.appendLittleEndian(record.definitionOffset)
    }
    bytes.append(contentsOf: strings)
    var header: [UInt8] = magic
    header.appendLittleEndian(formatVersion)
    header.appendLittleEndian(UInt32(headerSize))
    header.appendLittleEndian(flags.rawValue)
    header.appendLittleEndian(UInt32(kept.count))
    header.appendLittleEndian(UInt32(clamping: skipped + warnings.count))
    header.appendLittleEndian(UInt32(0))
    header.appendLittleEndian(UInt64(strings.count))
    for stamp in [stamps.index, stamps.data, stamps.synonyms ?? FileStamp(size: 0, modificationNanoseconds: 0)] {
      header.appendLittleEndian(stamp.size)
      header.appendLittleEndian(UInt64(bitPattern: stamp.modificationNanoseconds))
    }
    header.appendLittleEndian(dataSize)
    let bodyChecksum = bytes.withUnsafeBytes { Checksum.of(UnsafeRawBufferPointer(rebasing: $0[headerSize...])) }
    header.appendLittleEndian(bodyChecksum)
    let headerChecksum = header.withUnsafeBytes { Checksum.of($0) }
    header.appendLittleEndian(headerChecksum)
    bytes.replaceSubrange(0..<headerSize, with: header)
    return (bytes, warnings)
  }

  // MARK: Opening

  /// Opens a built index kept in memory (when the cache cannot be written).
  ///
  /// - Throws: `LexiconError.malformed` (cannot happen for bytes from `build`).
  convenience init(bytes: [UInt8], path: String) throws(LexiconError) {
    try self.init(storage: .memory(bytes), path: path)
  }

  /// Opens and verifies the index file at `path`.
  ///
  /// - Throws: `LexiconError.unreadable`, or `.malformed` for anything wrong with it.
  convenience init(path: String) throws(LexiconError) {
    try self.init(storage: .mapped(try MappedFile(path: path, populate: true)), path: path)
  }

  private init(storage: Storage, path: String) throws(LexiconError) {
    self.storage = storage
    let parsed: (count: Int, skipped: Int, flags: Flags, stamps: SourceStamps, dataSize: UInt64, stringsSize: Int)
    switch storage {
    case .mapped(let file):
      parsed = try Self.verify(file.buffer, path: path)
    case .memory(let bytes):
      let result = bytes.withUnsafeBytes { buffer in Result { () throws(LexiconError) in try Self.verify(buffer, path: path) } }
      parsed = try result.get()
    }
    count = parsed.count
    skippedCount = parsed.skipped
    flags = parsed.flags
    stamps = parsed.stamps
    dataSize = parsed.dataSize
    stringsStart = Self.headerSize + parsed.count * Self.recordSize
    stringsSize = parsed.stringsSize
  }

  private static func verify(_ b: UnsafeRawBufferPointer, path: String) throws(LexiconError)
    -> (count: Int, skipped: Int, flags: Flags, stamps: SourceStamps, dataSize: UInt64, stringsSize: Int) {
    func fail(_ reason: String) -> LexiconError { .malformed(path: path, reason: reason) }
    guard b.count >= headerSize else { throw fail("shorter than its header") }
    guard Array(b[0..<8]) == magic else { throw fail("not a Glean lookup index (bad magic)") }
    guard b.loadLE(UInt32.self, at: 8) == formatVersion else { throw fail("format version \(b.loadLE(UInt32.self, at: 8)), expected \(formatVersion)") }
    guard b.loadLE(UInt32.self, at: 12) == UInt32(headerSize) else { throw fail("bad header size") }
    guard Checksum.of(UnsafeRawBufferPointer(rebasing: b[0..<104])) == b.loadLE(UInt64.self, at: 104) else {
      throw fail("header checksum mismatch")
    }
    let count = Int(b.loadLE(UInt32.self, at: 20))
    let stringsSize = b.loadLE(UInt64.self, at: 32)
    guard stringsSize < UInt64(UInt32.max),
          UInt64(headerSize) + UInt64(count) * UInt64(recordSize) + stringsSize == UInt64(b.count) else {
      throw fail("its size does not match its header (truncated?)")
    }
    guard Checksum.of(UnsafeRawBufferPointer(rebasing: b[headerSize...])) == b.loadLE(UInt64.self, at: 96) else {
      throw fail("checksum mismatch")
    }
    let dataSize = b.loadLE(UInt64.self, at: 88)
    // Every record must point inside the string area and the data.
    var at = headerSize
    for _ in 0..<count {
      let folded = UInt64(b.loadLE(UInt32.self, at: at)) + UInt64(b.loadLE(UInt16.self, at: at + 8))
      let headword = UInt64(b.loadLE(UInt32.self, at: at + 4)) + UInt64(b.loadLE(UInt16.self, at: at + 10))
      let size = UInt64(b.loadLE(UInt32.self, at: at + 12))
      let offset = b.loadLE(UInt64.self, at: at + 16)
      guard folded <= stringsSize, headword <= stringsSize, offset <= dataSize, size <= dataSize - offset else {
        throw fail("a record points outside the file")
      }
      at += recordSize
    }
    func stamp(_ at: Int) -> FileStamp {
      FileStamp(size: b.loadLE(UInt64.self, at: at), modificationNanoseconds: Int64(bitPattern: b.loadLE(UInt64.self, at: at + 8)))
    }
    let synonyms = stamp(72)
    let stamps = SourceStamps(index: stamp(40), data: stamp(56),
                              synonyms: synonyms.size == 0 && synonyms.modificationNanoseconds == 0 ? nil : synonyms)
    return (count, Int(b.loadLE(UInt32.self, at: 24)), Flags(rawValue: b.loadLE(UInt32.self, at: 16)), stamps, dataSize, Int(stringsSize))
  }

  // MARK: Reading

  /// Runs `body` over the index bytes.
  @inline(__always)
  private func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
    switch storage {
    case .mapped(let file): return body(file.buffer)
    case .memory(let bytes): return bytes.withUnsafeBytes(body)
    }
  }

  /// Record `i` (0 ≤ i < count).
  func record(_ i: Int) -> Record {
    withBytes { b in
      let at = Self.headerSize + i * Self.recordSize
      return Record(
        foldedOffset: b.loadLE(UInt32.self, at: at), headwordOffset: b.loadLE(UInt32.self, at: at + 4),
        foldedLength: b.loadLE(UInt16.self, at: at + 8), headwordLength: b.loadLE(UInt16.self, at: at + 10),
        definitionSize: b.loadLE(UInt32.self, at: at + 12), definitionOffset: b.loadLE(UInt64.self, at: at + 16))
    }
  }

  /// The folded key of record `i`, as bytes, to `body`.
  @inline(__always)
  func withFoldedKey<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
    withBytes { b in
      let at = Self.headerSize + i * Self.recordSize
      let offset = Int(b.loadLE(UInt32.self, at: at))
      let length = Int(b.loadLE(UInt16.self, at: at + 8))
      return body(UnsafeRawBufferPointer(rebasing: b[(stringsStart + offset)..<(stringsStart + offset + length)]))
    }
  }

  /// The folded key of record `i`.
  func foldedKey(_ i: Int) -> String { withFoldedKey(i) { String(decoding: $0, as: UTF8.self) } }

  /// The headword of record `i`, as the source index writes it.
  func headword(_ i: Int) -> String {
    withBytes { b in
      let at = Self.headerSize + i * Self.recordSize
      let offset = Int(b.loadLE(UInt32.self, at: at + 4))
      let length = Int(b.loadLE(UInt16.self, at: at + 10))
      return String(decoding: b[(stringsStart + offset)..<(stringsStart + offset + length)], as: UTF8.self)
    }
  }

  /// The first record whose folded key is not less than `key` (binary search).
  func lowerBound(_ key: [UInt8]) -> Int {
    key.withUnsafeBytes { query in
      var low = 0, high = count
      while low < high {
        let mid = (low + high) / 2
        let less = withFoldedKey(mid) { compareBytes($0, 0, $0.count, query, 0, query.count) < 0 }
        if less { low = mid + 1 } else { high = mid }
      }
      return low
    }
  }

  /// The records whose folded key equals `key`.
  func equalRange(_ key: [UInt8]) -> Range<Int> {
    let start = lowerBound(key)
    var end = start
    key.withUnsafeBytes { query in
      while end < count, withFoldedKey(end, { compareBytes($0, 0, $0.count, query, 0, query.count) == 0 }) { end += 1 }
    }
    return start..<end
  }

  /// The records whose folded key starts with `prefix`.
  func prefixRange(_ prefix: [UInt8]) -> Range<Int> {
    let start = lowerBound(prefix)
    // Upper bound: the first key not starting with the prefix, by binary search too.
    var low = start, high = count
    prefix.withUnsafeBytes { query in
      while low < high {
        let mid = (low + high) / 2
        let hasPrefix = withFoldedKey(mid) { key in
          key.count >= query.count && compareBytes(key, 0, query.count, query, 0, query.count) == 0
        }
        if hasPrefix { low = mid + 1 } else { high = mid }
      }
    }
    return start..<low
  }
}

/// Three-way comparison of two byte ranges, as `memcmp` then length.
@inline(__always)
func compareBytes(_ a: UnsafeRawBufferPointer, _ aOffset: Int, _ aLength: Int,
                  _ b: UnsafeRawBufferPointer, _ bOffset: Int, _ bLength: Int) -> Int {
  let common = min(aLength, bLength)
  if common > 0, let pa = a.baseAddress, let pb = b.baseAddress {
    let c = memcmp(pa + aOffset, pb + bOffset, common)
    if c != 0 { return Int(c) }
  }
  return aLength - bLength
}

/// A 64-bit checksum over 8-byte words: four independent lanes (so the CPU can overlap them) of
/// xor, rotate, multiply (each step invertible, so changing any single word changes its lane), combined
/// at the end. Detects corruption; not a cryptographic hash.
enum Checksum {
  static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    let prime: UInt64 = 0x0000_0100_0000_01b3
    var lanes: (UInt64, UInt64, UInt64, UInt64) = (0xcbf2_9ce4_8422_2325, 0x8422_2325_cbf2_9ce4, 0x9e37_79b9_7f4a_7c15, UInt64(bytes.count))
    @inline(__always) func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
      let x = hash ^ word
      return (x &<< 29 | x &>> 35) &* prime
    }
    let blocks = bytes.count / 32
    var i = 0
    while i < blocks {
      let at = i * 32
      lanes.0 = mix(lanes.0, bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))
      lanes.1 = mix(lanes.1, bytes.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self))
      lanes.2 = mix(lanes.2, bytes.loadUnaligned(fromByteOffset: at + 16, as: UInt64.self))
      lanes.3 = mix(lanes.3, bytes.loadUnaligned(fromByteOffset: at + 24, as: UInt64.self))
      i += 1
    }
    var hash = mix(mix(mix(lanes.0, lanes.1), lanes.2), lanes.3)
    for j in (blocks * 32)..<bytes.count {
      hash = mix(hash, UInt64(bytes[j]))
    }
    return hash
  }
}

extension UnsafeRawBufferPointer {
  /// A little-endian integer at `offset` (the caller has checked the bounds).
  @inline(__always)
  func loadLE<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
    T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
  }
}

extension Array where Element == UInt8 {
  mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
    Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
  }
}
