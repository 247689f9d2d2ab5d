/// A BERT tokenizer: basic tokenization (cleaning, CJK, case, accents, punctuation) then WordPiece.
///
/// It reproduces, token for token and offset for offset, one of three references chosen by its
/// configuration: Hugging Face `tokenizers` (`.huggingFace(lowercase:)`), google-research/bert
/// (`.googleBERT(lowercase:)`) or the TFLite Task Library (`.tfliteTaskLibrary`).
///
/// ```swift
/// let vocab = try Vocabulary(contentsOf: URL(fileURLWithPath: "vocab.txt"))
/// let tokenizer = try BertTokenizer(vocabulary: vocab, configuration: .huggingFace(lowercase: true))
/// let encoding = try tokenizer.encode("Who wrote it?", pair: "Alice wrote it.")
/// encoding.tokens   // ["[CLS]", "who", "wrote", "it", "?", "[SEP]", "alice", "wrote", "it", ".", "[SEP]"]
/// ```
public struct BertTokenizer: Sendable {
  public typealias Configuration = BertTokenizerConfiguration

  /// The vocabulary ids come from.
  public let vocabulary: Vocabulary
  /// The rules the tokenizer follows.
  public let configuration: Configuration

  let table: ScalarTable
  let prefix: [UInt8]
  let unknownID: Int
  let classificationID: Int
  let separatorID: Int
  let paddingID: Int
  /// Special tokens recognised in the text: their UTF-8 bytes and ids.
  let textSpecials: [([UInt8], Int)]

  /// A tokenizer over `vocabulary`.
  ///
  /// - Throws: `VocabularyError.missingSpecialToken` when the unknown, classification, separator or
  ///   padding token of `configuration` is not in `vocabulary`.
  public init(vocabulary: Vocabulary, configuration: Configuration) throws(VocabularyError) {
    func require(_ token: String) throws(VocabularyError) -> Int {
      guard let id = vocabulary.id(for: token) else { throw .missingSpecialToken(token) }
      return id
    }
    self.vocabulary = vocabulary
    self.configuration = configuration
    self.unknownID = try require(configuration.unknownToken)
    self.classificationID = try require(configuration.classificationToken)
    self.separatorID = try require(configuration.separatorToken)
    self.paddingID = try require(configuration.paddingToken)
    self.prefix = Array(configuration.continuingSubwordPrefix.utf8)
    self.table = ScalarTable.shared(for: ScalarRules(configuration))
    var specials: [([UInt8], Int)] = []
    for token in configuration.specialTokensInText where !token.isEmpty {
      if let id = vocabulary.id(for: token) { specials.append((Array(token.utf8), id)) }
    }
    // Longest first, so a token that is a prefix of another never wins.
    self.textSpecials = specials.sorted { $0.0.count > $1.0.count }
  }

  /// The WordPiece tokens of `text`, without special tokens.
  ///
  /// Never fails: any string gives tokens (an empty array for empty or all-whitespace text).
  public func tokenize(_ text: String) -> [Token] {
    let raw = rawTokens(text)
    // String indices from UTF-8 offsets: O(1) each for native strings, a walk of the deltas otherwise.
    let utf8 = text.utf8
    var index = utf8.startIndex
    var at = 0
    func position(_ offset: Int) -> String.Index {
      index = utf8.index(index, offsetBy: offset - at)
      at = offset
      return index
    }
    return raw.map { t in
      let start = position(t.utf8Offsets.lowerBound)
      let end = position(t.utf8Offsets.upperBound)
      return Token(id: t.id, scalarOffsets: t.scalarOffsets, utf8Offsets: t.utf8Offsets, range: start..<end)
    }
  }

  /// Tokens without `String.Index` ranges (what `encode` needs).
  func rawTokens(_ text: String) -> [RawToken] {
    var text = text
    var tokens: [RawToken] = []
    text.withUTF8 { bytes in
      var state = TokenizerState(tokenizer: self)
      state.run(bytes, into: &tokens)
    }
    return tokens
  }

  /// The words of `text` after normalisation and pre-tokenization (before WordPiece), as UTF-8 bytes.
  func normalizedWords(_ text: String) -> [[UInt8]] {
    var text = text
    var tokens: [RawToken] = []
    var state = TokenizerState(tokenizer: self)
    state.collectedWords = []
    text.withUTF8 { bytes in state.run(bytes, into: &tokens) }
    return state.collectedWords ?? []
  }

  /// The ids of `text`'s tokens, without special tokens.
  public func ids(_ text: String) -> [Int] { rawTokens(text).map(\.id) }
}
