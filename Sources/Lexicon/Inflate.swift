import CZlib

/// zlib's inflate over one input, either a whole gzip member (CRC and length checked by zlib)
/// or one raw deflate chunk (a dictzip chunk, flushed with `Z_FULL_FLUSH`).
enum Inflate {
  /// Window bits for a gzip member with its header and trailer.
  static let gzipWindowBits: Int32 = 31
  /// Window bits for raw deflate data (no header, no trailer).
  static let rawWindowBits: Int32 = -15
  /// The most bytes a gzipped dictionary file (.dict.gz, .idx.gz) may inflate to in memory: 1 GiB.
  /// Real FreeDict files inflate to tens of MB; a few KB of crafted input could inflate to gigabytes.
  static let maximumInflatedSize = 1 << 30

  /// Inflates the gzip member in `input`, handing each piece of output to `sink`.
  ///
  /// zlib checks the trailer's CRC-32 and length, so a flipped byte anywhere is an error here.
  ///
  /// - Returns: the number of bytes inflated.
  /// - Throws: `LexiconError.corruptCompressedData` for a bad stream, a bad CRC or truncated input;
  ///   `.malformed` when the output would pass `limit` bytes.
  @discardableResult
  static func gzip(_ input: UnsafeRawBufferPointer, path: String, limit: UInt64 = .max,
                   sink: (UnsafeRawBufferPointer) -> Void) throws(LexiconError) -> UInt64 {
    var stream = z_stream()
    guard inflateInit2_(&stream, gzipWindowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw .corruptCompressedData(path: path, reason: "zlib could not start")
    }
    defer { inflateEnd(&stream) }
    guard let base = input.baseAddress, !input.isEmpty else {
      throw .corruptCompressedData(path: path, reason: "the file is empty")
    }
    var scratch = [UInt8](repeating: 0, count: 1 << 16)
    var remaining = input.count
    var next = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
    var total: UInt64 = 0
    while true {
      // avail_in is 32-bit: feed at most 1 GiB at a time.
      let feed = min(remaining, 1 << 30)
      stream.next_in = next
      stream.avail_in = uInt(feed)
      let (status, produced) = scratch.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
        stream.next_out = out.baseAddress
        stream.avail_out = uInt(out.count)
        let status = inflate(&stream, Z_NO_FLUSH)
        return (status, out.count - Int(stream.avail_out))
      }
      let consumed = feed - Int(stream.avail_in)
      next += consumed
      remaining -= consumed
      guard total + UInt64(produced) <= limit else {
        throw .malformed(path: path, reason: "it inflates to more than \(limit) bytes, Glean's limit for a compressed dictionary file")
      }
      if produced > 0 {
        scratch.withUnsafeBytes { sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
        total += UInt64(produced)
      }
      switch status {
      case Z_STREAM_END:
        return total
      case Z_OK:
        continue
      case Z_BUF_ERROR where remaining == 0:
        throw .corruptCompressedData(path: path, reason: "the gzip stream is truncated")
      case Z_BUF_ERROR:
        continue
      default:
        let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
        throw .corruptCompressedData(path: path, reason: message)
      }
    }
  }

  /// The whole content of the gzip member in `input`, at most `limit` bytes.
  ///
  /// - Throws: `LexiconError.corruptCompressedData`; `.malformed` past `limit`.
  static func gzipToMemory(_ input: UnsafeRawBufferPointer, path: String,
                           limit: Int = maximumInflatedSize) throws(LexiconError) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(min(input.count * 3, limit))
    try gzip(input, path: path, limit: UInt64(max(0, limit))) { output.append(contentsOf: $0) }
    return output
  }

  /// Inflates one raw deflate chunk that must give exactly `expectedCount` bytes.
  ///
  /// - Throws: `LexiconError.corruptCompressedData` when the chunk does not inflate, or inflates to
  ///   another length (a chunk table that lies).
  static func rawChunk(_ input: UnsafeRawBufferPointer, expectedCount: Int, path: String,
                       chunk: Int) throws(LexiconError) -> [UInt8] {
    var stream = z_stream()
    guard inflateInit2_(&stream, rawWindowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw .corruptCompressedData(path: path, reason: "zlib could not start")
    }
    defer { inflateEnd(&stream) }
    guard let base = input.baseAddress, !input.isEmpty else {
      throw .corruptCompressedData(path: path, reason: "chunk \(chunk) is empty")
    }
    // One spare byte shows a chunk that inflates to more than it should.
    var output = [UInt8](repeating: 0, count: expectedCount + 1)
    stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
    stream.avail_in = uInt(input.count)
    let (status, produced) = output.withUnsafeMutableBufferPointer { out -> (Int32, Int) in
      stream.next_out = out.baseAddress
      stream.avail_out = uInt(out.count)
      let status = inflate(&stream, Z_SYNC_FLUSH)
      return (status, out.count - Int(stream.avail_out))
    }
    guard status == Z_OK || status == Z_STREAM_END || (status == Z_BUF_ERROR && produced > 0) else {
      let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
      throw .corruptCompressedData(path: path, reason: "chunk \(chunk): \(message)")
    }
    guard produced == expectedCount else {
      throw .corruptCompressedData(
        path: path, reason: "chunk \(chunk) inflates to \(produced) bytes, the chunk table promises \(expectedCount)")
    }
    output.removeLast()
    return output
  }
}
