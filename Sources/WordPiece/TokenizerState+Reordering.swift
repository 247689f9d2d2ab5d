import UnicodeText

extension TokenizerState {
  /// Re-normalises the word whose original text is `bytes[from..<to]` the precise way, then WordPiece.
  ///
  /// The fast path normalises each scalar alone, which equals NFD of the whole word unless canonical
  /// reordering moves a mark that survives accent stripping. Here the word is decomposed as a whole:
  /// each original scalar (after cleaning, and lower-casing for Google's rules) gives its decomposition,
  /// the first scalar of which "consumes" that original scalar and the rest are insertions; runs of
  /// non-starters are stably sorted by combining class; then each output scalar is aligned by
  /// position, as Hugging Face's `NormalizedString::transform` does: a consuming scalar takes the next
  /// original scalar's offsets, an inserted one the previous original scalar's.
  mutating func renormalizeWord(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, scalar: Int, to: Int,
                                into tokens: inout [RawToken]) {
    let rules = tokenizer.table.rules
    struct Source { var start: Int; var end: Int; var scalar: Int }
    // 1. Cleaned (and for Google lower-cased) scalars with their original positions.
    var sources: [Source] = []
    var decomposed: [(c: UInt32, inserted: Bool, ccc: UInt8)] = []
    var i = from
    var k = scalar
    while i < to {
      let (c, length) = decodeScalar(bytes, i)
      defer { i += length; k += 1 }
      if rules.isCleanedAway(c) { continue }
      var lowered: [UInt32] = [c]
      if rules.rules == .googleBERT && rules.lowercase {
        lowered = c == 0x3A3 ? [isFinalSigma(bytes, i) ? 0x3C2 : 0x3C3] : rules.fullLowercase(c)
      }
      for x in lowered {
        let parts = rules.rules == .huggingFace && HuggingFaceUnicode.keepsWhole(x) ? [x] : ScalarTable.canonicalDecomposition(of: x)
        for (m, p) in parts.enumerated() {
          let ccc = Unicode.Scalar(p)?.properties.canonicalCombiningClass.rawValue ?? 0
          decomposed.append((p, m > 0, ccc))
        }
        sources.append(Source(start: i, end: i + length, scalar: k))
      }
    }
    // 2. Canonical ordering: stable sort of each run of non-starters by combining class.
    var runStart = 0
    while runStart < decomposed.count {
      if decomposed[runStart].ccc == 0 { runStart += 1; continue }
      var runEnd = runStart
      while runEnd < decomposed.count, decomposed[runEnd].ccc != 0 { runEnd += 1 }
      let sorted = decomposed[runStart..<runEnd].enumerated().sorted {
        ($0.element.ccc, $0.offset) < ($1.element.ccc, $1.offset)
      }.map(\.element)
      decomposed.replaceSubrange(runStart..<runEnd, with: sorted)
      runStart = runEnd
    }
    // 3. Positional alignment, accent stripping, lower-casing (Hugging Face), word splitting.
    word.removeAll()
    var next = 0
    for item in decomposed {
      let source: Source
      if item.inserted {
        source = sources[max(0, next - 1)]
      } else {
        source = sources[min(next, sources.count - 1)]
        next += 1
      }
      if rules.dropMarks([item.c]).isEmpty { continue }
      let finals = rules.rules == .huggingFace && rules.lowercase ? rules.fullLowercase(item.c) : [item.c]
      for f in finals {
        if rules.isPunctuation(f) {
          wordPieces(into: &tokens)
          word.append(f, source: source.scalar, utf8Start: source.start, utf8End: source.end)
          wordPieces(into: &tokens)
        } else {
          word.append(f, source: source.scalar, utf8Start: source.start, utf8End: source.end)
        }
      }
    }
    wordPieces(into: &tokens)
  }
}

/// Decodes the scalar starting at `i` in valid UTF-8: its value and length in bytes.
@inline(__always)
func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int) -> (UInt32, Int) {
  let b0 = bytes[i]
  if b0 < 0x80 { return (UInt32(b0), 1) }
  if b0 < 0xE0 { return ((UInt32(b0 & 0x1F) << 6) | UInt32(bytes[i + 1] & 0x3F), 2) }
  if b0 < 0xF0 {
    return ((UInt32(b0 & 0x0F) << 12) | (UInt32(bytes[i + 1] & 0x3F) << 6) | UInt32(bytes[i + 2] & 0x3F), 3)
  }
  return ((UInt32(b0 & 0x07) << 18) | (UInt32(bytes[i + 1] & 0x3F) << 12) | (UInt32(bytes[i + 2] & 0x3F) << 6)
            | UInt32(bytes[i + 3] & 0x3F), 4)
}
