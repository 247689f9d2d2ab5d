/// The normalised scalars of the word being built, with the original scalar each came from.
///
/// Reused for every word of a text (cleared, never shrunk), so the tokenizer's loop does not allocate.
struct WordBuffer {
  /// Normalised UTF-8 bytes of the word.
  var bytes: [UInt8] = []
  /// For each normalised scalar: its first byte in `bytes`; one more entry holds `bytes.count`.
  var scalarStarts: [Int32] = [0]
  /// For each normalised scalar: the index of the original scalar it came from.
  var sourceScalar: [Int] = []
  /// For each normalised scalar: the original scalar's UTF-8 start.
  var sourceUTF8Start: [Int] = []
  /// For each normalised scalar: the original scalar's UTF-8 end.
  var sourceUTF8End: [Int] = []

  init() {
    bytes.reserveCapacity(256)
    scalarStarts.reserveCapacity(128)
    sourceScalar.reserveCapacity(128)
    sourceUTF8Start.reserveCapacity(128)
    sourceUTF8End.reserveCapacity(128)
  }

  var scalarCount: Int { sourceScalar.count }
  var isEmpty: Bool { sourceScalar.isEmpty }

  @inline(__always)
  mutating func append(_ c: UInt32, source: Int, utf8Start: Int, utf8End: Int) {
    if c < 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: c))
    } else if c < 0x800 {
      bytes.append(UInt8(truncatingIfNeeded: 0xC0 | c >> 6))
      bytes.append(UInt8(truncatingIfNeeded: 0x80 | c & 0x3F))
    } else if c < 0x10000 {
      bytes.append(UInt8(truncatingIfNeeded: 0xE0 | c >> 12))
      bytes.append(UInt8(truncatingIfNeeded: 0x80 | (c >> 6) & 0x3F))
      bytes.append(UInt8(truncatingIfNeeded: 0x80 | c & 0x3F))
    } else {
      bytes.append(UInt8(truncatingIfNeeded: 0xF0 | c >> 18))
      bytes.append(UInt8(truncatingIfNeeded: 0x80 | (c >> 12) & 0x3F))
      bytes.append(UInt8(truncatingIfNeeded: 0x80 | (c >> 6) & 0x3F))
      bytes.append(UInt8(truncatingIfNeeded: 0x80 | c & 0x3F))
    }
    scalarStarts.append(Int32(truncatingIfNeeded: bytes.count))
    sourceScalar.append(source)
    sourceUTF8Start.append(utf8Start)
    sourceUTF8End.append(utf8End)
  }

  mutating func removeAll() {
    bytes.removeAll(keepingCapacity: true)
    scalarStarts.removeAll(keepingCapacity: true)
    scalarStarts.append(0)
    sourceScalar.removeAll(keepingCapacity: true)
    sourceUTF8Start.removeAll(keepingCapacity: true)
    sourceUTF8End.removeAll(keepingCapacity: true)
  }
}
