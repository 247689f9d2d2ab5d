/// Turns the bytes of one StarDict entry into readable text, following its field types.
///
/// With `sametypesequence` (e.g. `m` or `tm`) the type letters are not stored; every field but the last
/// ends in NUL (lower-case types) or starts with a 32-bit big-endian size (upper-case types) and the last
/// runs to the end. Without it, each field starts with its type letter.
/// Text types: `m` plain, `l` locale text, `t` phonetic, `y` yin biao, `k` KingSoft XML, `w` MediaWiki,
/// `n` WordNet, `x` XDXF, `g` Pango markup, `h` HTML, `r` resource list. Markup is reduced to text.
/// Binary types (upper case: `W` sound, `P` picture, `X` reserved) are skipped with a note.
enum StarDictContent {
  static func render(_ bytes: [UInt8], sameTypeSequence: String?) -> String? {
    var parts: [String] = []
    var position = 0
    func nextField(type: UInt8, isLast: Bool) -> ArraySlice<UInt8>? {
      let isBinary = type >= UInt8(ascii: "A") && type <= UInt8(ascii: "Z")
      if isLast { defer { position = bytes.count }; return bytes[position...] }
      if isBinary {
        guard position + 4 <= bytes.count else { return nil }
        let size = bytes[position..<position + 4].reduce(0) { $0 << 8 | Int($1) }
        let start = position + 4
        guard size <= bytes.count - start else { return nil }
        position = start + size
        return bytes[start..<start + size]
      }
      let start = position
      while position < bytes.count, bytes[position] != 0 { position += 1 }
      let field = bytes[start..<position]
      if position < bytes.count { position += 1 }
      return field
    }
    func append(type: UInt8, field: ArraySlice<UInt8>) -> Bool {
      if type >= UInt8(ascii: "A") && type <= UInt8(ascii: "Z") {
        parts.append("[binary field '\(Character(Unicode.Scalar(type)))' of \(field.count) bytes skipped]")
        return true
      }
      guard var text = String(validating: field, as: UTF8.self) else { return false }
      while text.last == "\0" { text.removeLast() }
      switch type {
      case UInt8(ascii: "t"): parts.append("/\(text)/")
      case UInt8(ascii: "x"), UInt8(ascii: "g"), UInt8(ascii: "h"), UInt8(ascii: "k"): parts.append(MarkupText.plain(text))
      case UInt8(ascii: "r"): parts.append("[resources: \(text.split(separator: "\n").joined(separator: ", "))]")
      default: parts.append(text)
      }
      return true
    }
    if let sequence = sameTypeSequence {
      let types = Array(sequence.utf8)
      for (i, type) in types.enumerated() {
        guard position <= bytes.count, let field = nextField(type: type, isLast: i == types.count - 1) else { return nil }
        guard append(type: type, field: field) else { return nil }
      }
    } else {
      while position < bytes.count {
        let type = bytes[position]
        position += 1
        guard let field = nextField(type: type, isLast: false) else { return nil }
        guard append(type: type, field: field) else { return nil }
      }
    }
    return parts.joined(separator: "\n")
  }
}

/// Reduces XML/HTML-like markup to text: line-break tags become new lines, other tags vanish,
/// the five XML entities and `&nbsp;` are decoded.
enum MarkupText {
  static func plain(_ markup: String) -> String {
    var out = ""
    var tag = ""
    var inTag = false
    for character in markup {
      if inTag {
        if character == ">" {
          inTag = false
          let name = tag.lowercased().trimmingCharacters()
          if name.hasPrefix("br") || name == "/p" || name == "/div" || name == "/li" { out.append("\n") }
          tag = ""
        } else {
          tag.append(character)
        }
      } else if character == "<" {
        inTag = true
      } else {
        out.append(character)
      }
    }
    for (entity, value) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&nbsp;", " "), ("&amp;", "&")] {
      out = out.replacingOccurrences(of: entity, with: value)
    }
    return out
  }
}

extension String {
  /// `self` with every `target` replaced (kept here so Lexicon needs no Foundation for it).
  func replacingOccurrences(of target: String, with replacement: String) -> String {
    guard !target.isEmpty, contains(target) else { return self }
    return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
  }
}
