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
    var folded: String
    if word.utf8.allSatisfy({ $0 < 0x80 }) {
      // ASCII: full case folding is ASCII lower-casing, and there are no accents to remove.
      folded = String(decoding: word.utf8.map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
      return stemsPlurals ? Self.stemPlural(Self.dropPossessive(folded)) : Self.dropPossessive(folded)
    }
    folded = try CaseMapping.foldCase(String(word))
    if !folded.utf8.allSatisfy({ $0 < 0x80 }) {
      let decomposed = try NormalizationForm.nfd.apply(to: folded)
      var kept = String.UnicodeScalarView()
      for s in decomposed.unicodeScalars where GeneralCategory.of(s) != .nonspacingMark { kept.append(s) }
      folded = try NormalizationForm.nfc.apply(to: String(kept))
    }
    folded = Self.dropPossessive(folded)
    return stemsPlurals ? Self.stemPlural(folded) : folded
  }

  /// "teacher's" → "teacher".
  static func dropPossessive(_ word: String) -> String {
    word.hasSuffix("'s") || word.hasSuffix("’s") ? String(word.unicodeScalars.dropLast(2)) : word
  }

  /// Harman's S-stemmer.
  static func stemPlural(_ word: String) -> String {
    let scalars = Array(word.unicodeScalars)
    guard scalars.count > 3, scalars.last == "s" else { return word }
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
}
