/// An open-addressing hash map from token bytes to ids, read without allocating.
///
/// Tokens live in one contiguous UTF-8 blob; a lookup hashes the query bytes
/// (optionally preceded by a prefix such as "##") and compares bytes in place,
/// so the WordPiece loop never builds a `String` for a candidate piece.
struct TokenTable: Sendable {
  /// Concatenated UTF-8 bytes of every token.
  private let blob: [UInt8]
  /// `starts[id]..<starts[id + 1]` is token `id` in `blob`.
  private let starts: [Int32]
  /// Slots holding an id, or -1 when empty; the count is a power of two.
  private let slots: [Int32]
  private let mask: Int

  /// The longest token, in bytes.
  let longestToken: Int
  /// The first token (by id) whose bytes equal an earlier one's, with that earlier id; nil when all differ.
  /// A table with duplicates finds only the first of them: callers refuse it.
  let firstDuplicate: (first: Int, id: Int)?

  /// Builds the table, noting the first duplicate (bytes compared, not canonical equivalence).
  init(tokens: [String]) {
    var blob: [UInt8] = []
    var starts: [Int32] = [0]
    starts.reserveCapacity(tokens.count + 1)
    var longest = 0
    for token in tokens {
      blob.append(contentsOf: token.utf8)
      starts.append(Int32(blob.count))
      longest = max(longest, token.utf8.count)
    }
    var capacity = 16
    while capacity < tokens.count * 2 { capacity <<= 1 }
    var slots = [Int32](repeating: -1, count: capacity)
    let mask = capacity - 1
    var duplicate: (first: Int, id: Int)? = nil
    blob.withUnsafeBufferPointer { b in
      for id in tokens.indices {
        let bytes = UnsafeBufferPointer(rebasing: b[Int(starts[id])..<Int(starts[id + 1])])
        var slot = Int(truncatingIfNeeded: TokenTable.hash(prefix: UnsafeBufferPointer(start: nil, count: 0), bytes)) & mask
        while slots[slot] >= 0 {
          let other = Int(slots[slot])
          if duplicate == nil, b[Int(starts[other])..<Int(starts[other + 1])].elementsEqual(bytes) { duplicate = (other, id) }
          slot = (slot + 1) & mask
        }
        slots[slot] = Int32(id)
      }
    }
    self.firstDuplicate = duplicate
    self.blob = blob
    self.starts = starts
    self.slots = slots
    self.mask = mask
    self.longestToken = longest
  }

  /// FNV-1a over `prefix` then `bytes`.
  @inline(__always)
  static func hash(prefix: UnsafeBufferPointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in prefix { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h ^ (h >> 29)
  }

  /// The id of the token whose bytes are `prefix + bytes`, or nil.
  @inline(__always)
  func id(prefix: UnsafeBufferPointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
    let total = prefix.count + bytes.count
    var slot = Int(truncatingIfNeeded: TokenTable.hash(prefix: prefix, bytes)) & mask
    return slots.withUnsafeBufferPointer { slots in
      starts.withUnsafeBufferPointer { starts in
        blob.withUnsafeBufferPointer { blob in
          while true {
            let id = slots[slot]
            if id < 0 { return nil }
            let start = Int(starts[Int(id)])
            if Int(starts[Int(id) + 1]) - start == total,
               TokenTable.equal(blob, start, prefix, bytes) {
              return id
            }
            slot = (slot + 1) & mask
          }
        }
      }
    }
  }

  @inline(__always)
  private static func equal(_ blob: UnsafeBufferPointer<UInt8>, _ start: Int,
                            _ prefix: UnsafeBufferPointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = start
    for b in prefix {
      if blob[i] != b { return false }
      i += 1
    }
    for b in bytes {
      if blob[i] != b { return false }
      i += 1
    }
    return true
  }
}
