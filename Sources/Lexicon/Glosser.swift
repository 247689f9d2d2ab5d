import UnicodeText

/// Glosses a text word by word: ICU word breaks, then each word looked up in the chosen dictionaries with
/// the fallbacks (exact, folded, inflection, optionally fuzzy), keeping a short first sense.
///
/// ```swift
/// let glosser = Glosser(dictionaries: [frenchEnglish])
/// for word in try glosser.gloss("Les enfants mangent.") {
///   print(word.text, word.gloss ?? "?")   // Les the / enfants child / mangent eat
/// }
/// ```
public struct Glosser: Sendable {
  /// One word of the text and what the dictionaries say about it.
  public struct Word: Sendable, Equatable {
    /// The word as it appears in the text.
    public let text: String
    /// Its position in the text, in Unicode scalars (code points) from the start.
    public let scalarRange: Range<Int>
    /// The short first sense, or nil when no dictionary knows the word.
    public let gloss: String?
    /// The headword the gloss came from.
    public let headword: String?
    /// The dictionary it came from.
    public let dictionary: String?
    /// How the word was matched.
    public let match: MatchKind?
  }

  /// The dictionaries, in order of preference.
  public let dictionaries: [OfflineDictionary]
  /// Whether to fall back to fuzzy matching for words not found otherwise (slower on large dictionaries).
  public let fuzzy: Bool

  /// A glosser over `dictionaries` (in order of preference); `fuzzy` adds the 2-edit fallback.
  public init(dictionaries: [OfflineDictionary], fuzzy: Bool = false) {
    self.dictionaries = dictionaries
    self.fuzzy = fuzzy
  }

  /// The words of `text` with their glosses. Numbers are listed with no gloss; punctuation is skipped.
  ///
  /// - Throws: `UnicodeTextError` wrapped as `LexiconError.malformed` when ICU cannot segment the text,
  ///   or a `LexiconError` when a definition cannot be read.
  public func gloss(_ text: String) throws(LexiconError) -> [Word] {
    let segments: [WordSegment]
    do {
      segments = try WordBreaks.segments(of: text)
    } catch {
      throw .malformed(path: "(text)", reason: "ICU word breaking failed: \(error)")
    }
    var memo: [String: (String?, String?, String?, MatchKind?)] = [:]
    var words: [Word] = []
    for segment in segments where segment.kind.isWord {
      let word = String(text[segment.range])
      if segment.kind == .number {
        words.append(Word(text: word, scalarRange: segment.scalarRange, gloss: nil, headword: nil, dictionary: nil, match: nil))
        continue
      }
      let key = LookupKey.folded(word) + "\u{0}" + word
      let found: (String?, String?, String?, MatchKind?)
      if let known = memo[key] {
        found = known
      } else {
        found = try glossOne(word)
        memo[key] = found
      }
      words.append(Word(text: word, scalarRange: segment.scalarRange, gloss: found.0, headword: found.1,
                        dictionary: found.2, match: found.3))
    }
    return words
  }

  /// (gloss, headword, dictionary, match) for one word; elided forms ("l'école", "dell'acqua") are tried
  /// whole, then after the apostrophe.
  private func glossOne(_ word: String) throws(LexiconError) -> (String?, String?, String?, MatchKind?) {
    var forms = [word]
    if let apostrophe = word.lastIndex(where: { $0 == "'" || $0 == "\u{2019}" }) {
      let after = String(word[word.index(after: apostrophe)...])
      let before = String(word[..<apostrophe])
      if !after.isEmpty { forms.append(after) }
      if !before.isEmpty { forms.append(before) }
    }
    for form in forms {
      let entries = try DictionaryLibrary.define(form, in: dictionaries, fuzzy: fuzzy)
      // Prefer whole words over affix entries ("nach" over "nach…"), then the entry whose first sense
      // carries the fewest domain labels: the commoner sense.
      var best: (entry: DictionaryEntry, score: Int)?
      for entry in entries {
        let labels = FirstSense.labelCount(of: entry.definition)
        guard labels != Int.max else { continue }
        let score = labels * 2 + (FirstSense.isAffixEntry(entry.definition) ? 1 : 0)
        if score < (best?.score ?? Int.max) { best = (entry, score) }
        if score == 0 { break }
      }
      if let best, let sense = FirstSense.of(best.entry.definition) {
        return (sense, best.entry.headword, best.entry.dictionary, best.entry.match)
      }
    }
    return (nil, nil, nil, nil)
  }
}
