/// The work of one `tokenize` call: a walk over the UTF-8 bytes of the text.
struct TokenizerState {
  let tokenizer: BertTokenizer
  /// The scalar table as this call last read it (see `ScalarTable.Snapshot`).
  var entries: [UInt32]
  var pool: [UInt32]
  let googleFinalSigma: Bool
  let maxWordLength: Int
  let countBytes: Bool
  let longestToken: Int
  var word = WordBuffer()
  /// Where the current word's original text starts.
  var wordStartByte = 0
  var wordStartScalar = 0
  /// The current word holds a scalar whose canonical reordering (NFD) can move a kept mark.
  var wordNeedsReordering = false
  /// When set, words are collected here (normalised UTF-8) instead of being split into pieces.
  var collectedWords: [[UInt8]]? = nil

  init(tokenizer: BertTokenizer) {
    self.tokenizer = tokenizer
    let table = tokenizer.table.snapshot()
    self.entries = table.entries
    self.pool = table.pool
    let c = tokenizer.configuration
    self.googleFinalSigma = c.rules == .googleBERT && c.lowercase
    self.maxWordLength = c.maxWordLength
    self.countBytes = c.maxWordLengthUnit == .utf8Bytes
    self.longestToken = tokenizer.vocabulary.table.longestToken
  }

  /// Reads the scalar table again once the block of `c` is built, letting go of this call's arrays
  /// first so that the table can add the block in place.
  mutating func readTable(building c: UInt32) {
    entries = []
    pool = []
    let table = tokenizer.table.snapshot(building: c)
    entries = table.entries
    pool = table.pool
  }

  mutating func run(_ bytes: UnsafeBufferPointer<UInt8>, into tokens: inout [RawToken]) {
    tokens.reserveCapacity(bytes.count / 4)
    let specials = tokenizer.textSpecials
    // The entries in a local, which the loop's calls cannot change (read from self, they would be
    // loaded again after every call that mutates self).
    var entries = self.entries
    var i = 0
    var scalarIndex = 0
    let n = bytes.count
    while i < n {
      let b0 = bytes[i]
      var c: UInt32
      var length: Int
      if b0 < 0x80 {
        c = UInt32(b0)
        length = 1
        if b0 == 0x5B, !specials.isEmpty, let (special, id) = matchSpecial(specials, bytes, i) {
          endWord(bytes, at: i, scalar: scalarIndex, into: &tokens)
          tokens.append(RawToken(id: id, scalarOffsets: scalarIndex..<(scalarIndex + special.count),
                              utf8Offsets: i..<(i + special.count)))
          i += special.count
          scalarIndex += special.count  // special tokens are ASCII
          startWord(at: i, scalar: scalarIndex)
          continue
        }
      } else if b0 < 0xE0 {
        c = (UInt32(b0 & 0x1F) << 6) | UInt32(bytes[i + 1] & 0x3F)
        length = 2
      } else if b0 < 0xF0 {
        c = (UInt32(b0 & 0x0F) << 12) | (UInt32(bytes[i + 1] & 0x3F) << 6) | UInt32(bytes[i + 2] & 0x3F)
        length = 3
      } else {
        c = (UInt32(b0 & 0x07) << 18) | (UInt32(bytes[i + 1] & 0x3F) << 12)
          | (UInt32(bytes[i + 2] & 0x3F) << 6) | UInt32(bytes[i + 3] & 0x3F)
        length = 4
      }
      let end = i + length
      if c < ScalarTable.limit {
        var entry = entries[Int(c)]
        if entry == ScalarTable.unbuilt {
          entries = []   // let go of the old arrays, so that the table can add the block in place
          readTable(building: c)
          entries = self.entries
          entry = entries[Int(c)]
        }
        if entry & ScalarTable.reorderFlag != 0 { wordNeedsReordering = true }
        switch entry & 7 {
        case 0:  // word
          word.append(c, source: scalarIndex, utf8Start: i, utf8End: end)
        case 7:  // replaced word
          var r = (entry & ScalarTable.payloadMask) >> 3
          if googleFinalSigma, c == 0x3A3, isFinalSigma(bytes, i) { r = 0x3C2 }
          word.append(r, source: scalarIndex, utf8Start: i, utf8End: end)
        case 1:  // removed
          break
        case 2:  // whitespace
          endWord(bytes, at: i, scalar: scalarIndex, into: &tokens)
          startWord(at: end, scalar: scalarIndex + 1)
        case 3, 4:  // punctuation, ideograph
          endWord(bytes, at: i, scalar: scalarIndex, into: &tokens)
          word.append(c, source: scalarIndex, utf8Start: i, utf8End: end)
          wordPieces(into: &tokens)
          startWord(at: end, scalar: scalarIndex + 1)
        default:  // mapped
          let at = Int((entry & ScalarTable.payloadMask) >> 3)
          let count = Int(pool[at])
          appendMapped(pool[(at + 1)..<(at + 1 + count)], ideograph: entry & 7 == 6, bytes,
                       source: scalarIndex, utf8Start: i, utf8End: end, into: &tokens)
        }
      } else {
        let (kind, mapped) = tokenizer.table.slowAction(c)
        switch kind {
        case .word: word.append(c, source: scalarIndex, utf8Start: i, utf8End: end)
        case .removed: break
        case .whitespace:
          endWord(bytes, at: i, scalar: scalarIndex, into: &tokens)
          startWord(at: end, scalar: scalarIndex + 1)
        case .punctuation, .ideograph:
          endWord(bytes, at: i, scalar: scalarIndex, into: &tokens)
          word.append(c, source: scalarIndex, utf8Start: i, utf8End: end)
          wordPieces(into: &tokens)
          startWord(at: end, scalar: scalarIndex + 1)
        case .mappedWord, .mappedIdeograph, .replacedWord:
          appendMapped(mapped[...], ideograph: kind == .mappedIdeograph, bytes,
                       source: scalarIndex, utf8Start: i, utf8End: end, into: &tokens)
        }
      }
      i = end
      scalarIndex += 1
    }
    endWord(bytes, at: n, scalar: scalarIndex, into: &tokens)
  }

  /// Marks where the next word's original text starts (after a boundary).
  @inline(__always)
  mutating func startWord(at byte: Int, scalar: Int) {
    wordStartByte = byte
    wordStartScalar = scalar
  }

  /// Ends the word whose original text ends at `byte`: WordPiece over it, re-normalised first
  /// when canonical reordering can change it.
  @inline(__always)
  mutating func endWord(_ bytes: UnsafeBufferPointer<UInt8>, at byte: Int, scalar: Int, into tokens: inout [RawToken]) {
    if wordNeedsReordering {
      wordNeedsReordering = false
      renormalizeWord(bytes, from: wordStartByte, scalar: wordStartScalar, to: byte, into: &tokens)
    } else {
      wordPieces(into: &tokens)
    }
  }

  @inline(__always)
  func matchSpecial(_ specials: [([UInt8], Int)], _ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> ([UInt8], Int)? {
    for (special, id) in specials where i + special.count <= bytes.count {
      var k = 0
      while k < special.count, bytes[i + k] == special[k] { k += 1 }
      if k == special.count { return (special, id) }
    }
    return nil
  }

  mutating func appendMapped(_ mapped: ArraySlice<UInt32>, ideograph: Bool, _ bytes: UnsafeBufferPointer<UInt8>,
                             source: Int, utf8Start: Int, utf8End: Int, into tokens: inout [RawToken]) {
    var boundary = ideograph
    if ideograph { endWord(bytes, at: utf8Start, scalar: source, into: &tokens) }
    for m in mapped {
      if m & ScalarRules.punctuationFlag != 0 {
        if !boundary { endWord(bytes, at: utf8Start, scalar: source, into: &tokens) }
        boundary = true
        wordPieces(into: &tokens)
        word.append(m & ~ScalarRules.punctuationFlag, source: source, utf8Start: utf8Start, utf8End: utf8End)
        wordPieces(into: &tokens)
      } else {
        word.append(m, source: source, utf8Start: utf8Start, utf8End: utf8End)
      }
    }
    if boundary {
      wordPieces(into: &tokens)
      startWord(at: utf8End, scalar: source + 1)
    }
  }

  /// WordPiece over the current word's normalised bytes; tokens appended with original offsets.
  mutating func wordPieces(into tokens: inout [RawToken]) {
    if word.isEmpty { return }
    defer { word.removeAll() }
    if collectedWords != nil {
      collectedWords!.append(word.bytes)
      return
    }
    let n = word.scalarCount
    let wordLength = countBytes ? word.bytes.count : n
    if wordLength > maxWordLength {
      tokens.append(unknownToken())
      return
    }
    let mark = tokens.count
    let table = tokenizer.vocabulary.table
    let ok: Bool = word.bytes.withUnsafeBufferPointer { bytes in
      word.scalarStarts.withUnsafeBufferPointer { starts in
        tokenizer.prefix.withUnsafeBufferPointer { prefix in
          let none = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
          var start = 0
          while start < n {
            let byteStart = Int(starts[start])
            let limit = longestToken - (start > 0 ? prefix.count : 0)
            var end = n
            while end > start, Int(starts[end]) - byteStart > limit { end -= 1 }
            var found: Int32? = nil
            while end > start {
              let piece = UnsafeBufferPointer(rebasing: bytes[byteStart..<Int(starts[end])])
              if let id = table.id(prefix: start > 0 ? prefix : none, piece) {
                found = id
                break
              }
              end -= 1
            }
            guard let id = found else { return false }
            tokens.append(RawToken(id: Int(id), scalarOffsets: word.sourceScalar[start]..<(word.sourceScalar[end - 1] + 1),
                                utf8Offsets: word.sourceUTF8Start[start]..<word.sourceUTF8End[end - 1]))
            start = end
          }
          return true
        }
      }
    }
    if !ok {
      tokens.removeSubrange(mark...)
      tokens.append(unknownToken())
    }
  }

  func unknownToken() -> RawToken {
    let last = word.scalarCount - 1
    return RawToken(id: tokenizer.unknownID, scalarOffsets: word.sourceScalar[0]..<(word.sourceScalar[last] + 1),
                 utf8Offsets: word.sourceUTF8Start[0]..<word.sourceUTF8End[last])
  }

  /// Python's `str.lower()` rule for U+03A3 in google-research/bert: final sigma when a cased
  /// scalar precedes it and none follows (case-ignorable scalars skipped), within the
  /// whitespace-separated word after text cleaning.
  func isFinalSigma(_ bytes: UnsafeBufferPointer<UInt8>, _ at: Int) -> Bool {
    func scalar(at i: Int) -> (UInt32, Int) { decodeScalar(bytes, i) }
    /// nil: a word boundary; true/false: cased or not; skipped scalars return via `continue`.
    func classify(_ c: UInt32) -> Bool?? {
      let entry = c < ScalarTable.limit ? entries[Int(c)] : ScalarTable.unbuilt
      let kind = entry != ScalarTable.unbuilt ? ScalarRules.Kind(rawValue: entry & 7) : tokenizer.table.kind(of: c)
      switch kind {
      case .removed: return .some(.none)  // skipped
      case .whitespace, .ideograph, .mappedIdeograph: return .none
      default:
        guard let s = Unicode.Scalar(c) else { return .some(.none) }
        if s.properties.isCaseIgnorable { return .some(.none) }
        return .some(.some(s.properties.isCased))
      }
    }
    // Backwards.
    var i = at
    var casedBefore = false
    while i > 0 {
      var j = i - 1
      while j > 0, bytes[j] & 0xC0 == 0x80 { j -= 1 }
      i = j
      switch classify(scalar(at: j).0) {
      case .none: break
      case .some(.none): continue
      case .some(.some(let cased)): casedBefore = cased
      }
      break
    }
    if !casedBefore { return false }
    var k = at + scalar(at: at).1
    while k < bytes.count {
      let (c, len) = scalar(at: k)
      switch classify(c) {
      case .none: return true
      case .some(.none): k += len; continue
      case .some(.some(let cased)): return !cased
      }
    }
    return true
  }
}
