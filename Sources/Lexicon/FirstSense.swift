/// A short first sense from a definition, for glosses: "house" from FreeDict's
/// `"Haus /hˈaʊs/ <neut, n, sg>\nhouse <n>\n      \"ein Haus bauen\" …"`.
///
/// FreeDict's dictd text (converted from TEI) puts the headword, pronunciation and grammar on the first
/// line, then one sense per line, sometimes numbered ("1. go, ride"), with domain labels in brackets
/// ("[adm.]"), grammar in angle brackets ("<n>"), examples in quotes, and "Synonyms:", "see:", "Note:"
/// lines. The first sense is the first translation of the first sense line, without labels.
///
/// ```swift
/// FirstSense.of("aller /ale/ <v>\n1. fare\n2. go, ride, travel\n")   // "fare"
/// FirstSense.labelCount(of: "Haus …\n [adm.] establishment <n>")      // 1
/// ```
public enum FirstSense {
  /// The short first sense, or nil when the text has none.
  public static func of(_ definition: String) -> String? {
    guard let line = senseLine(of: definition) else { return nil }
    var text = stripBracketed(stripBracketed(line, open: "[", close: "]"), open: "<", close: ">")
    if let dot = text.firstIndex(of: "."), !text[..<dot].isEmpty, text[..<dot].allSatisfy(\.isNumber) {
      text = String(text[text.index(after: dot)...]).trimmingCharacters()
    }
    let first = text.split(whereSeparator: { $0 == "," || $0 == ";" }).first.map { String($0).trimmingCharacters() } ?? ""
    return first.isEmpty ? nil : first
  }

  /// How many "[label]"s the sense line carries (fewer usually means the commoner sense).
  public static func labelCount(of definition: String) -> Int {
    senseLine(of: definition)?.reduce(0) { $0 + ($1 == "[" ? 1 : 0) } ?? Int.max
  }

  /// Whether the entry is for a prefix or a compound part ("nach…", "Haus…", "-heit") rather than a word:
  /// its headword, the first word of the first line, starts or ends with "…" or "-".
  public static func isAffixEntry(_ definition: String) -> Bool {
    let firstWord = definition.prefix { $0 != " " && $0 != "\n" && $0 != "\t" }
    return firstWord.count > 1 && (firstWord.hasSuffix("…") || firstWord.hasSuffix("-") || firstWord.hasPrefix("…") || firstWord.hasPrefix("-"))
  }

  /// The first line after the headword line that holds a sense. Reads only as far as it needs: FreeDict
  /// entries can run to dozens of example lines.
  static func senseLine(of definition: String) -> Substring? {
    var isFirst = true
    var rest = Substring(definition)
    var fallback: Substring?
    while !rest.isEmpty {
      let end = rest.firstIndex(of: "\n") ?? rest.endIndex
      let line = trimmed(rest[..<end])
      rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
      if line.isEmpty { continue }
      if isFirst {
        // The headword line; a one-line entry is its own sense.
        isFirst = false
        fallback = line
        continue
      }
      fallback = nil
      if line.hasPrefix("\"") { continue }
      let lower = line.prefix(8).lowercased()
      if ["synonym", "see:", "note:", "syn:", "antonym", "example"].contains(where: { lower.hasPrefix($0) }) { continue }
      if stripBracketed(stripBracketed(line, open: "[", close: "]"), open: "<", close: ">").isEmpty { continue }
      return line
    }
    return fallback
  }

  /// `text` without leading and trailing spaces and tabs.
  private static func trimmed(_ text: Substring) -> Substring {
    var text = text
    while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
    while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
    return text
  }

  private static func stripBracketed<S: StringProtocol>(_ text: S, open: Character, close: Character) -> String {
    var out = ""
    var depth = 0
    var pendingSpace = false
    for character in text {
      if character == open { depth += 1; continue }
      if character == close, depth > 0 { depth -= 1; continue }
      guard depth == 0 else { continue }
      if character == " " {
        pendingSpace = !out.isEmpty
      } else {
        if pendingSpace { out.append(" "); pendingSpace = false }
        out.append(character)
      }
    }
    return out
  }
}
