/// A shell-style pattern over folded headwords: `*` matches any run of characters, `?` exactly one;
/// everything else is folded (`LookupKey.folded`) and matched literally.
///
/// ```swift
/// let pattern = GlobPattern("éc*e")
/// pattern.literalPrefix          // "ec"
/// pattern.matches("ecole")       // true
/// ```
struct GlobPattern: Sendable {
  enum Token: Equatable, Sendable {
    case literal([UInt32])
    case anyRun
    case anyOne
  }

  let tokens: [Token]

  init(_ pattern: String) {
    var tokens: [Token] = []
    var literal = ""
    func flush() {
      guard !literal.isEmpty else { return }
      let folded = LookupKey.folded(literal)
      if !folded.isEmpty { tokens.append(.literal(folded.unicodeScalars.map(\.value))) }
      literal = ""
    }
    for character in pattern {
      switch character {
      case "*": flush(); if tokens.last != .anyRun { tokens.append(.anyRun) }
      case "?": flush(); tokens.append(.anyOne)
      default: literal.append(character)
      }
    }
    flush()
    self.tokens = tokens
  }

  /// Whether the pattern has a wildcard at all.
  var hasWildcard: Bool { tokens.contains { $0 == .anyRun || $0 == .anyOne } }

  /// The folded literal text before the first wildcard ("" when the pattern starts with one).
  var literalPrefix: String {
    guard case .literal(let scalars)? = tokens.first else { return "" }
    return String(String.UnicodeScalarView(scalars.compactMap(Unicode.Scalar.init)))
  }

  /// Whether the folded key `key` matches.
  func matches(_ key: String) -> Bool {
    let scalars = key.unicodeScalars.map(\.value)
    return match(tokens[...], scalars[...])
  }

  private func match(_ tokens: ArraySlice<Token>, _ text: ArraySlice<UInt32>) -> Bool {
    guard let first = tokens.first else { return text.isEmpty }
    let rest = tokens.dropFirst()
    switch first {
    case .literal(let literal):
      guard text.count >= literal.count, text.prefix(literal.count).elementsEqual(literal) else { return false }
      return match(rest, text.dropFirst(literal.count))
    case .anyOne:
      guard !text.isEmpty else { return false }
      return match(rest, text.dropFirst())
    case .anyRun:
      if rest.isEmpty { return true }
      var suffix = text
      while true {
        if match(rest, suffix) { return true }
        if suffix.isEmpty { return false }
        suffix = suffix.dropFirst()
      }
    }
  }
}
