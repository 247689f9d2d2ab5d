import Synchronization

/// Where definitions are read from: a `.dict` file, by byte offset and size in its uncompressed text.
protocol DefinitionData: Sendable {
  /// The uncompressed size in bytes.
  var uncompressedSize: UInt64 { get }
  /// The `size` bytes at `offset` of the uncompressed text.
  ///
  /// - Throws: `LexiconError.offsetOutOfRange`, or `corruptCompressedData` for a bad chunk.
  func bytes(offset: UInt64, size: UInt64) throws(LexiconError) -> [UInt8]
}

extension DefinitionData {
  func checkRange(offset: UInt64, size: UInt64, path: String) throws(LexiconError) {
    guard offset <= uncompressedSize, size <= uncompressedSize - offset else {
      throw .offsetOutOfRange(path: path, offset: offset, size: size, dataSize: uncompressedSize)
    }
  }
}

/// Opens the data file at `path`: `.dz`/`.gz` as dictzip (random access) or, without a chunk table,
/// as a gzip inflated into memory; anything else as plain text mapped from disk.
///
/// - Throws: `LexiconError.unreadable`, `.malformed`, `.corruptCompressedData`.
func openDefinitionData(path: String, cachedChunks: Int = DictzipData.defaultCachedChunks) throws(LexiconError) -> any DefinitionData {
  let file = try MappedFile(path: path)
  let isGzip = file.count >= 2 && file.buffer[0] == 0x1f && file.buffer[1] == 0x8b
  guard isGzip else { return PlainDefinitionData(file: file) }
  if let dictzip = try DictzipData(file: file, cachedChunks: cachedChunks) { return dictzip }
  return InMemoryDefinitionData(bytes: try Inflate.gzipToMemory(file.buffer, path: path), path: path)
}

/// An uncompressed `.dict`, mapped.
struct PlainDefinitionData: DefinitionData {
  let file: MappedFile
  var uncompressedSize: UInt64 { UInt64(file.count) }

  func bytes(offset: UInt64, size: UInt64) throws(LexiconError) -> [UInt8] {
    try checkRange(offset: offset, size: size, path: file.path)
    guard let slice = file.bytes(at: offset, count: size) else {
      throw .offsetOutOfRange(path: file.path, offset: offset, size: size, dataSize: uncompressedSize)
    }
    return Array(slice)
  }
}

/// A gzip `.dict.gz` without a dictzip chunk table, inflated once into memory.
struct InMemoryDefinitionData: DefinitionData {
  let bytes: [UInt8]
  let path: String
  var uncompressedSize: UInt64 { UInt64(bytes.count) }

  func bytes(offset: UInt64, size: UInt64) throws(LexiconError) -> [UInt8] {
    try checkRange(offset: offset, size: size, path: path)
    return Array(bytes[Int(offset)..<Int(offset + size)])
  }
}

/// A dictzip file (`.dict.dz`): gzip whose FEXTRA field holds an "RA" chunk table, so any byte range
/// of the text can be read by inflating only the chunks that hold it.
///
/// Layout (dictzip(1), RFC 1952): the gzip header; FEXTRA subfield `R` `A` with little-endian
/// `version`, `chunkLength`, `chunkCount` and `chunkCount` compressed chunk sizes; optional FNAME,
/// FCOMMENT and FHCRC; then the chunks, each raw deflate ending in a full flush; then a final empty
/// block and the CRC-32/ISIZE trailer. Recently inflated chunks are kept in a cache (least recently used
/// goes first): a few for single lookups, many for glossing a long text.
final class DictzipData: DefinitionData {
  let file: MappedFile
  /// Uncompressed bytes per chunk (the last may be shorter).
  let chunkLength: Int
  /// File offset of each chunk, plus one past the last.
  let chunkOffsets: [UInt64]
  let uncompressedSize: UInt64
  /// Inflated chunks by index, with the tick of their last use.
  private let cache = Mutex<(chunks: [Int: (bytes: [UInt8], lastUse: UInt64)], tick: UInt64)>(([:], 0))
  /// How many inflated chunks the cache keeps.
  let cachedChunks: Int
  /// The default number of cached chunks (dictzip's usual chunk is about 58 KiB inflated).
  static let defaultCachedChunks = 32

  /// Reads the header of `file`; nil when it is gzip without a dictzip chunk table.
  ///
  /// - Throws: `LexiconError.malformed` for a broken header, `.corruptCompressedData` when the chunk
  ///   table does not fit the file or disagrees with the trailer's length.
  init?(file: MappedFile, cachedChunks: Int = defaultCachedChunks) throws(LexiconError) {
    self.file = file
    self.cachedChunks = max(1, cachedChunks)
    let b = file.buffer
    let path = file.path
    func u16(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
    guard b.count >= 18, b[2] == 8 else { throw .malformed(path: path, reason: "not a deflate gzip file") }
    let flags = b[3]
    guard flags & 4 != 0 else { return nil }  // no FEXTRA: plain gzip
    let extraLength = u16(10)
    var position = 12 + extraLength
    guard position <= b.count else { throw .malformed(path: path, reason: "the gzip extra field runs past the end") }
    var table: (length: Int, sizes: [Int])?
    var sub = 12
    while sub + 4 <= 12 + extraLength {
      let subLength = u16(sub + 2)
      let dataStart = sub + 4
      guard dataStart + subLength <= 12 + extraLength else {
        throw .malformed(path: path, reason: "a gzip extra subfield runs past the extra field")
      }
      if b[sub] == UInt8(ascii: "R"), b[sub + 1] == UInt8(ascii: "A") {
        guard subLength >= 6 else { throw .malformed(path: path, reason: "the dictzip chunk table is too short") }
        let version = u16(dataStart)
        guard version == 1 else { throw .malformed(path: path, reason: "dictzip version \(version) is not supported") }
        let length = u16(dataStart + 2)
        let count = u16(dataStart + 4)
        guard length > 0, subLength >= 6 + 2 * count else {
          throw .malformed(path: path, reason: "the dictzip chunk table is shorter than its \(count) chunks")
        }
        table = (length, (0..<count).map { u16(dataStart + 6 + 2 * $0) })
      }
      sub = dataStart + subLength
    }
    guard let table else { return nil }
    func skipZeroTerminated() throws(LexiconError) {
      while position < b.count, b[position] != 0 { position += 1 }
      guard position < b.count else { throw .malformed(path: path, reason: "a gzip name or comment is not terminated") }
      position += 1
    }
    if flags & 8 != 0 { try skipZeroTerminated() }
    if flags & 16 != 0 { try skipZeroTerminated() }
    if flags & 2 != 0 { position += 2 }
    var offsets: [UInt64] = [UInt64(position)]
    offsets.reserveCapacity(table.sizes.count + 1)
    for size in table.sizes { offsets.append(offsets[offsets.count - 1] + UInt64(size)) }
    guard let end = offsets.last, end + 8 <= UInt64(b.count) else {
      throw .corruptCompressedData(path: path, reason: "the chunk table promises more compressed data than the file holds (truncated?)")
    }
    let trailerSize = UInt64(b[b.count - 4]) | UInt64(b[b.count - 3]) << 8 | UInt64(b[b.count - 2]) << 16
      | UInt64(b[b.count - 1]) << 24
    let count = UInt64(table.sizes.count)
    let length = UInt64(table.length)
    // ISIZE is the length modulo 2^32; the chunk table must account for it.
    let most = count * length
    let least = count == 0 ? 0 : (count - 1) * length + 1
    let size: UInt64
    if most < (1 << 32) {
      guard (least...max(least, most)).contains(trailerSize) || (count == 0 && trailerSize == 0) else {
        throw .corruptCompressedData(path: path, reason: "the chunk table (\(count) chunks of \(length)) disagrees with the stored length \(trailerSize)")
      }
      size = trailerSize
    } else {
      size = most - ((most - trailerSize) & 0xFFFF_FFFF)
    }
    chunkLength = table.length
    chunkOffsets = offsets
    uncompressedSize = size
  }

  /// Inflates the whole file as gzip, which checks the CRC-32 and length in its trailer.
  ///
  /// - Throws: `LexiconError.corruptCompressedData`.
  func verifyChecksum() throws(LexiconError) {
    let total = try Inflate.gzip(file.buffer, path: file.path) { _ in }
    guard total == uncompressedSize else {
      throw .corruptCompressedData(path: file.path, reason: "inflates to \(total) bytes, the header promises \(uncompressedSize)")
    }
  }

  func bytes(offset: UInt64, size: UInt64) throws(LexiconError) -> [UInt8] {
    try checkRange(offset: offset, size: size, path: file.path)
    var result: [UInt8] = []
    result.reserveCapacity(Int(size))
    var position = offset
    let end = offset + size
    while position < end {
      let index = Int(position / UInt64(chunkLength))
      let chunk = try chunk(index)
      let start = Int(position - UInt64(index) * UInt64(chunkLength))
      let stop = min(chunk.count, start + Int(end - position))
      guard start < stop else {
        throw .corruptCompressedData(path: file.path, reason: "chunk \(index) is shorter than the text it should hold")
      }
      result.append(contentsOf: chunk[start..<stop])
      position += UInt64(stop - start)
    }
    return result
  }

  /// The inflated chunk `index`, from the cache when it is there.
  private func chunk(_ index: Int) throws(LexiconError) -> [UInt8] {
    if let hit = cache.withLock({ state -> [UInt8]? in
      guard let entry = state.chunks[index] else { return nil }
      state.tick += 1
      state.chunks[index] = (entry.bytes, state.tick)
      return entry.bytes
    }) {
      return hit
    }
    guard index + 1 < chunkOffsets.count,
          let compressed = file.bytes(at: chunkOffsets[index], count: chunkOffsets[index + 1] - chunkOffsets[index])
    else {
      throw .corruptCompressedData(path: file.path, reason: "chunk \(index) is outside the chunk table")
    }
    let isLast = index == chunkOffsets.count - 2
    let expected = isLast ? Int(uncompressedSize - UInt64(index) * UInt64(chunkLength)) : chunkLength
    let bytes = try Inflate.rawChunk(compressed, expectedCount: expected, path: file.path, chunk: index)
    let capacity = cachedChunks
    cache.withLock { state in
      if state.chunks.count >= capacity, let oldest = state.chunks.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
        state.chunks[oldest] = nil
      }
      state.tick += 1
      state.chunks[index] = (bytes, state.tick)
    }
    return bytes
  }
}
