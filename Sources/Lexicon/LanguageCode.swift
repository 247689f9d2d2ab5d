/// ISO 639 language codes as dictionaries name them: FreeDict uses ISO 639-3 (`fra`, `deu`, `eng`);
/// users often type ISO 639-1 (`fr`, `de`, `en`) or the old bibliographic codes (`fre`, `ger`).
///
/// ```swift
/// LanguageCode.normalize("fr")    // "fra"
/// LanguageCode.normalize("GER")   // "deu"
/// LanguageCode.normalize("kha")   // "kha" (any other 3-letter code is kept)
/// LanguageCode.normalize("xx")    // nil
/// ```
public enum LanguageCode {
  /// ISO 639-1 → ISO 639-3 for the languages FreeDict covers most.
  static let twoLetter: [String: String] = [
    "af": "afr", "ar": "ara", "bg": "bul", "br": "bre", "ca": "cat", "cs": "ces", "cy": "cym", "da": "dan",
    "de": "deu", "el": "ell", "en": "eng", "eo": "epo", "es": "spa", "et": "est", "eu": "eus", "fa": "fas",
    "fi": "fin", "fr": "fra", "ga": "gle", "gd": "gla", "gl": "glg", "he": "heb", "hi": "hin", "hr": "hrv",
    "hu": "hun", "id": "ind", "is": "isl", "it": "ita", "ja": "jpn", "ko": "kor", "la": "lat", "lt": "lit",
    "lv": "lav", "mk": "mkd", "nl": "nld", "no": "nor", "nb": "nob", "nn": "nno", "pl": "pol", "pt": "por",
    "ro": "ron", "ru": "rus", "sk": "slk", "sl": "slv", "sq": "sqi", "sr": "srp", "sv": "swe", "sw": "swa",
    "th": "tha", "tr": "tur", "uk": "ukr", "vi": "vie", "zh": "zho",
  ]
  /// ISO 639-2/B bibliographic codes that differ from ISO 639-3.
  static let bibliographic: [String: String] = [
    "fre": "fra", "ger": "deu", "dut": "nld", "cze": "ces", "gre": "ell", "chi": "zho", "per": "fas",
    "rum": "ron", "slo": "slk", "wel": "cym", "ice": "isl", "alb": "sqi", "arm": "hye", "baq": "eus",
    "mac": "mkd", "geo": "kat", "bur": "mya", "may": "msa", "tib": "bod",
  ]

  /// The ISO 639-3 code for `code` (2 or 3 letters, any case), or nil when it is not one.
  public static func normalize(_ code: String) -> String? {
    let lower = code.lowercased()
    guard lower.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) }) else { return nil }
    switch lower.count {
    case 2: return twoLetter[lower]
    case 3: return bibliographic[lower] ?? lower
    default: return nil
    }
  }

  /// The (source, target) pair in a dictionary name such as `freedict-deu-eng` or `fd-fra-eng`, or nil.
  ///
  /// Looks for two adjacent 3-letter parts (or known 2-letter codes) separated by `-` or `_`.
  public static func pair(inName name: String) -> (source: String, target: String)? {
    let parts = name.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." || $0 == " " }).map(String.init)
    guard parts.count >= 2 else { return nil }
    for i in stride(from: parts.count - 2, through: 0, by: -1) {
      let a = parts[i], b = parts[i + 1]
      guard (2...3).contains(a.count), (2...3).contains(b.count),
            a.count == 3 || twoLetter[a] != nil, b.count == 3 || twoLetter[b] != nil,
            let source = normalize(a), let target = normalize(b) else { continue }
      return (source, target)
    }
    return nil
  }
}
