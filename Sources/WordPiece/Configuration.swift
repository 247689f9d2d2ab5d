/// How a `BertTokenizer` splits and normalises text: which reference it reproduces.
///
/// Use a preset; every field can be changed after, for vocabularies that need it.
///
/// ```swift
/// var config = BertTokenizer.Configuration.huggingFace(lowercase: true)
/// config.maxWordLength = 200
/// ```
public struct BertTokenizerConfiguration: Sendable, Hashable {
  /// The reference whose character rules (what is whitespace, control, punctuation, CJK;
  /// how case and accents are handled; how words are limited) the tokenizer follows.
  public enum Rules: String, Sendable, Hashable, CaseIterable {
    /// Hugging Face `tokenizers`: `BertNormalizer` + `BertPreTokenizer` + `WordPiece`.
    case huggingFace = "hf"
    /// google-research/bert `tokenization.py` (`FullTokenizer`).
    case googleBERT = "google"
    /// TFLite Task Library `BertTokenizer` as its BERT tasks drive it.
    case tfliteTaskLibrary = "tflite"
  }

  /// How `maxWordLength` is counted.
  public enum LengthUnit: Sendable, Hashable {
    /// Unicode scalars of the normalised word.
    case scalars
    /// UTF-8 bytes of the normalised word.
    case utf8Bytes
  }

  /// The character rules to follow.
  public var rules: Rules
  /// Lower-case words: full Unicode lower-casing (`huggingFace`, `googleBERT`) or ASCII only (`tfliteTaskLibrary`).
  public var lowercase: Bool
  /// Decompose (NFD) and drop non-spacing marks; for `huggingFace` and `googleBERT` only.
  public var stripAccents: Bool
  /// Drop NUL, U+FFFD and control characters and turn whitespace into spaces (not for `tfliteTaskLibrary`).
  public var cleanText: Bool
  /// Make each CJK ideograph a word of its own.
  public var splitCJKIdeographs: Bool
  /// Words longer than this become the unknown token.
  public var maxWordLength: Int
  /// The unit `maxWordLength` counts.
  public var maxWordLengthUnit: LengthUnit
  /// The prefix of pieces that continue a word.
  public var continuingSubwordPrefix: String
  /// The token for words the vocabulary cannot spell.
  public var unknownToken: String
  /// The classification token that starts an encoding.
  public var classificationToken: String
  /// The separator token that ends each sequence.
  public var separatorToken: String
  /// The padding token.
  public var paddingToken: String
  /// Special tokens matched verbatim in the input text before any normalisation (Hugging Face's
  /// "added tokens"); those missing from the vocabulary are ignored.
  public var specialTokensInText: [String]

  /// A configuration with every field given.
  public init(rules: Rules, lowercase: Bool, stripAccents: Bool, cleanText: Bool = true, splitCJKIdeographs: Bool = true,
              maxWordLength: Int, maxWordLengthUnit: LengthUnit = .scalars, continuingSubwordPrefix: String = "##",
              unknownToken: String = "[UNK]", classificationToken: String = "[CLS]", separatorToken: String = "[SEP]",
              paddingToken: String = "[PAD]", specialTokensInText: [String] = []) {
    self.rules = rules
    self.lowercase = lowercase
    self.stripAccents = stripAccents
    self.cleanText = cleanText
    self.splitCJKIdeographs = splitCJKIdeographs
    self.maxWordLength = maxWordLength
    self.maxWordLengthUnit = maxWordLengthUnit
    self.continuingSubwordPrefix = continuingSubwordPrefix
    self.unknownToken = unknownToken
    self.classificationToken = classificationToken
    self.separatorToken = separatorToken
    self.paddingToken = paddingToken
    self.specialTokensInText = specialTokensInText
  }

  /// Hugging Face `BertWordPieceTokenizer` (`BertNormalizer`, `BertPreTokenizer`, `WordPiece`):
  /// accents are stripped when lower-casing, 100 scalars per word, and "[UNK]", "[SEP]", "[CLS]",
  /// "[PAD]", "[MASK]" written in the text are those special tokens.
  public static func huggingFace(lowercase: Bool) -> Self {
    Self(rules: .huggingFace, lowercase: lowercase, stripAccents: lowercase, maxWordLength: 100,
         specialTokensInText: ["[UNK]", "[SEP]", "[CLS]", "[PAD]", "[MASK]"])
  }

  /// google-research/bert `tokenization.py`: accents stripped when lower-casing, 200 scalars per word.
  public static func googleBERT(lowercase: Bool) -> Self {
    Self(rules: .googleBERT, lowercase: lowercase, stripAccents: lowercase, maxWordLength: 200)
  }

  /// The TFLite Task Library's BERT tokenizer: ASCII-only lower-casing, no accent stripping,
  /// no text cleaning, 100 UTF-8 bytes per word.
  public static let tfliteTaskLibrary = Self(
    rules: .tfliteTaskLibrary, lowercase: true, stripAccents: false, cleanText: false,
    maxWordLength: 100, maxWordLengthUnit: .utf8Bytes)
}
