import UnicodeText

/// The keys words are compared by.
///
/// - `folded(_:)`: case- and accent-insensitive, punctuation-blind: ICU full case folding, then NFD with
///   nonspacing marks (accents) dropped, keeping letters, digits and single spaces. "École" → "ecole",
///   "grüßen" → "grussen", "abat-jour" → "abatjour", "Haus…" → "haus".
/// - `dictd(_:)`: dictd's own index normalisation (what `dictfmt` writes and `dictd` searches with):
///   lower case, and, unless the database sets `00-database-allchars`, only letters, digits and spaces.
///
/// ```swift
/// LookupKey.folded("Grüßen")   // "grussen"
/// LookupKey.dictd("Abat-jour", allChars: false)   // "abatjour"
/// ```
public enum LookupKey {
  /// The folded key of `word` (see the type's documentation). Never empty for a non-empty word made
  /// only of punctuation: then the case-folded word itself is the key.
  public static func folded(_ word: String) -> String {
    if let ascii = asciiFolded(word) { return ascii }
    let caseFolded = (try? CaseMapping.foldCase(word)) ?? word.lowercased()
    let decomposed = (try? NormalizationForm.nfd.apply(to: caseFolded)) ?? caseFolded
    var scalars = String.UnicodeScalarView()
    var pendingSpace = false
    for scalar in decomposed.unicodeScalars {
      let category = GeneralCategory.of(scalar)
      if category == .nonspacingMark { continue }
      if CharacterProperties.isWhiteSpace(scalar) {
        pendingSpace = !scalars.isEmpty
        continue
      }
      guard category.isLetter || category.isNumber || category.isMark else { continue }
      if pendingSpace { scalars.append(" "); pendingSpace = false }
      scalars.append(scalar)
    }
    if scalars.isEmpty { return caseFolded }
    // Recompose what is left (e.g. Hangul, or letters with spacing marks).
    return (try? NormalizationForm.nfc.apply(to: String(scalars))) ?? String(scalars)
  }

  /// The fast path of `folded` for ASCII words; nil when `word` is not ASCII.
  private static func asciiFolded(_ word: String) -> String? {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(word.utf8.count)
    var pendingSpace = false
    var sawAnything = false
    for byte in word.utf8 {
      guard byte < 0x80 else { return nil }
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        if pendingSpace { bytes.append(0x20); pendingSpace = false }
        bytes.append(byte | (byte >= 0x41 && byte <= 0x5A ? 0x20 : 0))
      case 0x20, 0x09...0x0D:
        pendingSpace = !bytes.isEmpty
      default:
        sawAnything = true
      }
    }
    if bytes.isEmpty && sawAnything { return word.lowercased() }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// dictd's normalisation of a headword or query (see the type's documentation).
  ///
  /// - Parameters:
  ///   - allChars: the database keeps every character (`00-database-allchars`).
  ///   - caseSensitive: the database is case-sensitive (`00-database-case-sensitive`).
  public static func dictd(_ word: String, allChars: Bool = false, caseSensitive: Bool = false) -> String {
    var scalars = String.UnicodeScalarView()
    for scalar in word.unicodeScalars {
      let isSpace = CharacterProperties.isWhiteSpace(scalar)
      if !allChars {
        let category = GeneralCategory.of(scalar)
        guard isSpace || category.isLetter || category.isNumber else { continue }
      }
      let mapped = isSpace ? " " : (caseSensitive ? scalar : CaseMapping.simpleLowercase(scalar))
      scalars.append(mapped)
    }
    // No trimming: dictd compares index keys as written, so FreeDict's " ago" is not found by "ago"
    // (the goldens recorded from dictd confirm it).
    return String(scalars)
  }
}
