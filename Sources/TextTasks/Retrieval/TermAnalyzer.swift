import UnicodeText

/// Turns text into search terms: ICU word breaks, case folding, accents removed, light stemming.
///
/// ```swift
/// try TermAnalyzer().terms(in: "Les Écoles' libraries")  // ["les", "ecole", "library"]
/// ```
/// The stemmer is the "S-stemmer" (Harman 1991): it only undoes English plurals
/// ("libraries" → "library", "boxes" → "box"), which helps recall without merging unrelated words.
public struct TermAnalyzer: Sendable {
  /// Whether to undo English plural endings.
  public var stemsPlurals: Bool

  public init(stemsPlurals: Bool = true) { self.stemsPlurals = stemsPlurals }

  /// The terms of `text`, in order.
  ///
  /// - Throws: `UnicodeTextError` only when ICU fails.
  public func terms(in text: some StringProtocol) throws(UnicodeTextError) -> [String] {
    let string = String(text)
    var result: [String] = []
    for segment in try WordBreaks.segments(of: string) where segment.kind.isWord {
      let term = try normalize(string[segment.range])
      if !term.isEmpty { result.append(term) }
    }
    return result
  }

  /// One word as a term: folded, without accents, stemmed.
  public func normalize(_ word: Substring) throws(UnicodeTextError) -> String {
    if let term = Self.asciiTerm(word.utf8, stemsPlurals: stemsPlurals) { return term }
    var folded = try CaseMapping.foldCase(String(word))
    if !folded.utf8.allSatisfy({ $0 < 0x80 }) {
      let decomposed = try NormalizationForm.nfd.apply(to: folded)
      var kept = String.UnicodeScalarView()
      for s in decomposed.unicodeScalars where GeneralCategory.of(s) != .nonspacingMark { kept.append(s) }
      folded = try NormalizationForm.nfc.apply(to: String(kept))
    }
    folded = Self.dropPossessive(folded)
    return stemsPlurals ? Self.stemPlural(folded) : folded
  }

  /// The term of an ASCII word, worked out on its bytes (most words of most texts), or nil when `word` is not ASCII.
  ///
  /// For ASCII, full case folding is lower-casing A–Z, there are no accents to remove, and characters, scalars
  /// and bytes coincide, so this gives what the general path gives: lower-case, drop a final "'s", then the
  /// S-stemmer's rules on bytes.
  static func asciiTerm(_ word: Substring.UTF8View, stemsPlurals: Bool) -> String? {
    guard word.allSatisfy({ $0 < 0x80 }) else { return nil }
    var bytes = word.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
    if bytes.count >= 2, bytes[bytes.count - 2] == UInt8(ascii: "'"), bytes[bytes.count - 1] == UInt8(ascii: "s") {
      bytes.removeLast(2)
    }
    if stemsPlurals { stemPlural(&bytes) }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// "teacher's" → "teacher".
  static func dropPossessive(_ word: String) -> String {
    word.hasSuffix("'s") || word.hasSuffix("’s") ? String(word.unicodeScalars.dropLast(2)) : word
  }

  /// Harman's S-stemmer.
  static func stemPlural(_ word: String) -> String {
    if word.utf8.allSatisfy({ $0 < 0x80 }) {
      var bytes = Array(word.utf8)
      stemPlural(&bytes)
      return String(decoding: bytes, as: UTF8.self)
    }
    guard word.unicodeScalars.count > 3, word.unicodeScalars.last == "s" else { return word }
    if word.hasSuffix("ies"), !word.hasSuffix("eies"), !word.hasSuffix("aies") {
      return String(word.dropLast(3)) + "y"
    }
    if word.hasSuffix("es"), !word.hasSuffix("aes"), !word.hasSuffix("ees"), !word.hasSuffix("oes") {
      return String(word.dropLast(1))
    }
    if !word.hasSuffix("us"), !word.hasSuffix("ss") {
      return String(word.dropLast(1))
    }
    return word
  }

  /// Harman's S-stemmer on the bytes of an ASCII word, in place.
  static func stemPlural(_ word: inout [UInt8]) {
    func endsWith(_ suffix: StaticString) -> Bool {
      let n = suffix.utf8CodeUnitCount
      guard word.count >= n else { return false }
      return suffix.withUTF8Buffer { word[(word.count - n)...].elementsEqual($0) }
    }
    guard word.count > 3, word.last == UInt8(ascii: "s") else { return }
    if endsWith("ies"), !endsWith("eies"), !endsWith("aies") {
      word.removeLast(3)
      word.append(UInt8(ascii: "y"))
    } else if endsWith("es"), !endsWith("aes"), !endsWith("ees"), !endsWith("oes") {
      word.removeLast()
    } else if !endsWith("us"), !endsWith("ss") {
      word.removeLast()
    }
  }
}
