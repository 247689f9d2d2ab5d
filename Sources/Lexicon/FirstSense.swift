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
    var text = stripBracketed(line, open: "[", close: "]")
    text = stripBracketed(text, open: "<", close: ">")
    text = text.trimmingCharacters()
    if let dot = text.firstIndex(of: "."), text[..<dot].allSatisfy(\.isNumber), !text[..<dot].isEmpty {
      text = String(text[text.index(after: dot)...]).trimmingCharacters()
    }
    let first = text.split(whereSeparator: { $0 == "," || $0 == ";" }).first.map { String($0).trimmingCharacters() } ?? ""
    return first.isEmpty ? nil : first
  }

  /// How many "[label]"s the sense line carries (fewer usually means the commoner sense).
  public static func labelCount(of definition: String) -> Int {
    senseLine(of: definition)?.filter { $0 == "[" }.count ?? Int.max
  }

  private static func senseLine(of definition: String) -> String? {
    let lines = definition.split(separator: "\n", omittingEmptySubsequences: true).map { $0.trimmingCharacters() }
    let body = lines.count > 1 ? lines.dropFirst() : lines[...]
    for line in body {
      if line.isEmpty || line.hasPrefix("\"") { continue }
      let lower = line.lowercased()
      if ["synonym", "see:", "note:", "syn:", "antonym", "example"].contains(where: { lower.hasPrefix($0) }) { continue }
      let stripped = stripBracketed(stripBracketed(line, open: "[", close: "]"), open: "<", close: ">").trimmingCharacters()
      if stripped.isEmpty { continue }
      return line
    }
    return nil
  }

  private static func stripBracketed(_ text: String, open: Character, close: Character) -> String {
    var out = ""
    var depth = 0
    for character in text {
      if character == open { depth += 1; continue }
      if character == close, depth > 0 { depth -= 1; continue }
      if depth == 0 { out.append(character) }
    }
    return out.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
  }
}
