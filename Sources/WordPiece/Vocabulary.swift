import Foundation

/// A token vocabulary: ids to token strings and back.
///
/// Two file formats load:
/// - BERT `vocab.txt`: one token per line, the id is the line number from 0;
/// - word-index files (`token id` per line), as the TFLite regex tokenizer uses.
///
/// CRLF and LF line ends both work; a final empty line is ignored.
///
/// ```swift
/// let vocab = try Vocabulary(contentsOf: URL(fileURLWithPath: "vocab.txt"))
/// vocab.id(for: "[CLS]")   // 101 for bert-base-uncased
/// vocab.token(for: 2023)    // "this"
/// ```
public struct Vocabulary: Sendable {
  /// The file layouts a vocabulary can be read from.
  public enum Format: Sendable {
    /// One token per line; a token's id is its line number from 0 (BERT `vocab.txt`).
    case lines
    /// `token id` per line, separated by a space or tab (word-index vocabularies).
    case wordIndex
  }

  /// Tokens by id. For a word-index vocabulary with gaps, missing ids hold "".
  public let tokens: [String]
  let table: TokenTable

  /// The number of ids (the largest id + 1).
  public var count: Int { tokens.count }

  /// A vocabulary of `tokens`, whose ids are their positions.
  ///
  /// - Throws: `VocabularyError.duplicateToken` or `.emptyToken` (lines count from 1), `.empty`.
  public init(tokens: [String]) throws(VocabularyError) {
    guard !tokens.isEmpty else { throw .empty }
    guard tokens.count < Int(Int32.max) else { throw .tooLarge(count: tokens.count) }
    try Vocabulary.checkTableSize(tokens)
    // The table compares bytes: Swift's String equality is canonical equivalence, which would make
    // U+037E GREEK QUESTION MARK equal to ";" while they are distinct tokens. The error reported is
    // the one at the earliest line, empty or repeated.
    let table = TokenTable(tokens: tokens)
    let empty = tokens.firstIndex(where: \.isEmpty)
    if let (first, id) = table.firstDuplicate, empty.map({ id < $0 }) ?? true {
      throw .duplicateToken(tokens[id], firstLine: first + 1, line: id + 1)
    }
    if let empty { throw .emptyToken(line: empty + 1) }
    self.tokens = tokens
    self.table = table
  }

  private init(sparse tokens: [String]) throws(VocabularyError) {
    try Vocabulary.checkTableSize(tokens)
    self.tokens = tokens
    self.table = TokenTable(tokens: tokens)
  }

  /// The token table addresses its bytes with Int32 offsets: more than 2³¹ − 1 bytes of tokens are refused.
  private static func checkTableSize(_ tokens: [String]) throws(VocabularyError) {
    var bytes = 0
    for token in tokens { bytes += token.utf8.count }
    guard bytes < Int(Int32.max) else { throw .tooLarge(count: tokens.count) }
  }

  /// Reads a vocabulary file.
  ///
  /// - Throws: `VocabularyError`: `.unreadable` when the file cannot be read, `.empty`, `.binary` (NUL bytes),
  ///   `.invalidUTF8`, `.emptyToken`, `.duplicateToken`, and for `.wordIndex` also `.malformedLine`, `.duplicateID`.
  public init(contentsOf url: URL, format: Format = .lines) throws(VocabularyError) {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
    }
    try self.init(data: data, format: format)
  }

  /// Parses the bytes of a vocabulary file.
  ///
  /// - Throws: as `init(contentsOf:format:)`.
  public init(data: Data, format: Format = .lines) throws(VocabularyError) {
    let lines = try Vocabulary.splitLines(data)
    switch format {
    case .lines:
      try self.init(tokens: lines)
    case .wordIndex:
      var byID: [Int: String] = [:]
      var seen: [[UInt8]: Int] = [:]
      for (i, line) in lines.enumerated() {
        // The id is the last field; the token is everything before the separator.
        let scalars = line.unicodeScalars
        guard let sep = scalars.lastIndex(where: { $0 == " " || $0 == "\t" }),
              let id = Int(String(scalars[scalars.index(after: sep)...])), id >= 0, id < Int(Int32.max) else {
          throw .malformedLine(line: i + 1, text: line)
        }
        let token = String(scalars[..<sep])
        guard !token.isEmpty else { throw .malformedLine(line: i + 1, text: line) }
        if let first = seen.updateValue(i, forKey: Array(token.utf8)) {
          throw .duplicateToken(token, firstLine: first + 1, line: i + 1)
        }
        if byID.updateValue(token, forKey: id) != nil { throw .duplicateID(id, line: i + 1) }
      }
      let count = (byID.keys.max() ?? -1) + 1
      guard count < 50_000_000 else { throw .tooLarge(count: count) }
      var tokens = [String](repeating: "", count: count)
      for (id, token) in byID { tokens[id] = token }
      try self.init(sparse: tokens)
    }
  }

  /// Splits a file into lines: LF or CRLF, a final empty line dropped.
  static func splitLines(_ data: Data) throws(VocabularyError) -> [String] {
    let bytes = [UInt8](data)
    if bytes.isEmpty { throw .empty }
    var lines: [String] = []
    var start = 0
    var lineNumber = 1
    func take(_ end: Int) throws(VocabularyError) {
      var stop = end
      if stop > start, bytes[stop - 1] == 0x0D { stop -= 1 }
      let slice = bytes[start..<stop]
      if slice.contains(0) { throw .binary(line: lineNumber) }
      // Valid UTF-8 decodes to exactly the same bytes; invalid bytes would come back as U+FFFD.
      let line = String(decoding: slice, as: UTF8.self)
      guard line.utf8.elementsEqual(slice) else { throw .invalidUTF8(line: lineNumber) }
      lines.append(line)
    }
    for i in bytes.indices where bytes[i] == 0x0A {
      try take(i)
      start = i + 1
      lineNumber += 1
    }
    if start < bytes.count { try take(bytes.count) }
    while lines.count > 1, lines.last == "" { lines.removeLast() }
    if lines.isEmpty || (lines.count == 1 && lines[0].isEmpty) { throw .empty }
    return lines
  }

  /// The id of `token`, or nil when it is not in the vocabulary.
  public func id(for token: String) -> Int? {
    var token = token
    return token.withUTF8 { bytes in
      table.id(prefix: UnsafeBufferPointer(start: nil, count: 0), bytes).map(Int.init)
    }
  }

  /// The token with `id`, or nil when the id is out of range.
  public func token(for id: Int) -> String? {
    tokens.indices.contains(id) ? tokens[id] : nil
  }

  /// Writes one token per line (LF), the BERT `vocab.txt` layout.
  ///
  /// - Throws: `VocabularyError.unreadable` when the file cannot be written.
  public func write(to url: URL) throws(VocabularyError) {
    let text = tokens.joined(separator: "\n") + "\n"
    do {
      try Data(text.utf8).write(to: url, options: .atomic)
    } catch {
      throw .unreadable(path: url.path, reason: "cannot write: \((error as NSError).localizedDescription)")
    }
  }
}
