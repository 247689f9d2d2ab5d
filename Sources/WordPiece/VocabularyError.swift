/// Why a vocabulary could not be loaded or used.
///
/// Every case names the line (1-based) or token involved and says what to do.
public enum VocabularyError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file could not be read at all.
  case unreadable(path: String, reason: String)
  /// The file holds no tokens.
  case empty
  /// The file holds NUL bytes, so it is not a text vocabulary.
  case binary(line: Int)
  /// A line is not valid UTF-8.
  case invalidUTF8(line: Int)
  /// A line is empty in the middle of a one-token-per-line file.
  case emptyToken(line: Int)
  /// The same token appears twice.
  case duplicateToken(String, firstLine: Int, line: Int)
  /// A `token id` line of a word-index vocabulary could not be parsed.
  case malformedLine(line: Int, text: String)
  /// Two tokens of a word-index vocabulary share an id.
  case duplicateID(Int, line: Int)
  /// A special token the tokenizer needs is not in the vocabulary.
  case missingSpecialToken(String)
  /// The vocabulary has more tokens than ids can address, or more bytes of tokens than the table's offsets.
  case tooLarge(count: Int)

  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      return "cannot read vocabulary \(path): \(reason)"
    case .empty:
      return "the vocabulary is empty; hint: give a vocab.txt with one token per line"
    case .binary(let line):
      return "the vocabulary holds NUL bytes (line \(line)); hint: it looks binary, give a UTF-8 vocab.txt"
    case .invalidUTF8(let line):
      return "line \(line) of the vocabulary is not valid UTF-8; hint: re-save the file as UTF-8"
    case .emptyToken(let line):
      return "line \(line) of the vocabulary is empty; hint: a vocab.txt has one non-empty token per line"
    case .duplicateToken(let token, let first, let line):
      return "token \"\(token)\" appears on line \(first) and again on line \(line); hint: each token must be unique"
    case .malformedLine(let line, let text):
      return "line \(line) of the word-index vocabulary is not \"token id\": \"\(text.prefix(60))\""
    case .duplicateID(let id, let line):
      return "id \(id) on line \(line) is already used by an earlier token"
    case .missingSpecialToken(let token):
      return "the vocabulary has no \"\(token)\" token; hint: use a BERT vocab.txt or set the special tokens in the configuration"
    case .tooLarge(let count):
      return "the vocabulary has \(count) tokens, more than ids or the token table's Int32 offsets can address (2^31 - 1 tokens or bytes)"
    }
  }
}
