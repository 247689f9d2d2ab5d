/// A model-ready sequence: ids with type ids, attention mask, tokens and offsets.
///
/// Special tokens and padding have empty offsets (`0..<0`), a nil `ranges` entry and a nil
/// `sequenceIDs` entry. Offsets count Unicode scalars in the text the token came from (the first or
/// the pair text, as `sequenceIDs` says), exactly as Python `tokenizers` reports them.
///
/// ```swift
/// let e = try tokenizer.encode("Hello!", pair: "Hi.")
/// e.tokens          // ["[CLS]", "hello", "!", "[SEP]", "hi", ".", "[SEP]"]
/// e.typeIDs         // [0, 0, 0, 0, 1, 1, 1]
/// e.offsets[1]      // 0..<5
/// ```
public struct Encoding: Sendable, Equatable {
  /// Token ids.
  public var ids: [Int]
  /// Segment ids: 0 for the first sequence (with `[CLS]` and its `[SEP]`), 1 for the pair.
  public var typeIDs: [Int]
  /// 1 for real tokens, 0 for padding.
  public var attentionMask: [Int]
  /// Token strings, as in the vocabulary.
  public var tokens: [String]
  /// Unicode-scalar offsets `[start, end)` into the token's own text; `0..<0` for special tokens and padding.
  public var offsets: [Range<Int>]
  /// UTF-8 offsets `[start, end)` into the token's own text; `0..<0` for special tokens and padding.
  public var utf8Offsets: [Range<Int>]
  /// Which text each token came from: 0, 1, or nil for special tokens and padding.
  public var sequenceIDs: [Int?]
  /// Windows that did not fit when truncating with overflow (see `EncodingOptions.returnOverflowing`).
  public var overflowing: [Encoding]

  /// The number of tokens, padding included.
  public var count: Int { ids.count }

  /// An empty encoding.
  public init() {
    ids = []
    typeIDs = []
    attentionMask = []
    tokens = []
    offsets = []
    utf8Offsets = []
    sequenceIDs = []
    overflowing = []
  }

  /// The range of token `index` in `text`, which must be the text the token came from (see `sequenceIDs`);
  /// nil for special tokens and padding.
  public func range(ofToken index: Int, in text: String) -> Range<String.Index>? {
    guard ids.indices.contains(index), sequenceIDs[index] != nil else { return nil }
    let utf8 = text.utf8
    let r = utf8Offsets[index]
    guard r.upperBound <= utf8.count else { return nil }
    let start = utf8.index(utf8.startIndex, offsetBy: r.lowerBound)
    let end = utf8.index(utf8.startIndex, offsetBy: r.upperBound)
    return start..<end
  }

  mutating func append(id: Int, token: String, typeID: Int, offsets: Range<Int>, utf8Offsets: Range<Int>, sequence: Int?) {
    ids.append(id)
    typeIDs.append(typeID)
    attentionMask.append(1)
    tokens.append(token)
    self.offsets.append(offsets)
    self.utf8Offsets.append(utf8Offsets)
    sequenceIDs.append(sequence)
  }

  mutating func append(contentsOf other: Encoding) {
    ids += other.ids
    typeIDs += other.typeIDs
    attentionMask += other.attentionMask
    tokens += other.tokens
    offsets += other.offsets
    utf8Offsets += other.utf8Offsets
    sequenceIDs += other.sequenceIDs
  }

  /// Elements `range` of every array (not `overflowing`).
  func slice(_ range: Range<Int>) -> Encoding {
    var e = Encoding()
    e.ids = Array(ids[range])
    e.typeIDs = Array(typeIDs[range])
    e.attentionMask = Array(attentionMask[range])
    e.tokens = Array(tokens[range])
    e.offsets = Array(offsets[range])
    e.utf8Offsets = Array(utf8Offsets[range])
    e.sequenceIDs = Array(sequenceIDs[range])
    return e
  }
}

/// How `BertTokenizer.encode` shapes its result.
///
/// ```swift
/// var options = EncodingOptions(maxLength: 384, truncation: .onlySecond, stride: 128, padding: .toMaxLength)
/// options.addSpecialTokens = true
/// ```
public struct EncodingOptions: Sendable, Hashable {
  /// Which sequence loses tokens when the total is over `maxLength` (Hugging Face's strategies).
  public enum Truncation: String, Sendable, Hashable {
    /// Cut the longer sequence first, token by token (as HF computes it: both to half when both are long).
    case longestFirst = "longest_first"
    /// Cut only the first sequence.
    case onlyFirst = "only_first"
    /// Cut only the pair sequence.
    case onlySecond = "only_second"
  }

  /// How to pad.
  public enum Padding: Sendable, Hashable {
    /// No padding.
    case none
    /// Pad to `maxLength` (no padding when it is nil).
    case toMaxLength
    /// Pad to this many tokens.
    case toLength(Int)
  }

  /// Add `[CLS]`, `[SEP]` (and the pair's `[SEP]`).
  public var addSpecialTokens: Bool
  /// The most tokens in an encoding, special tokens included; nil for no limit.
  public var maxLength: Int?
  /// The truncation strategy used when `maxLength` is exceeded.
  public var truncation: Truncation
  /// Tokens shared by consecutive overflowing windows of a truncated sequence.
  public var stride: Int
  /// Padding of the result (and of every overflowing window).
  public var padding: Padding

  /// Options; the defaults add special tokens and neither truncate nor pad.
  public init(addSpecialTokens: Bool = true, maxLength: Int? = nil, truncation: Truncation = .longestFirst,
              stride: Int = 0, padding: Padding = .none) {
    self.addSpecialTokens = addSpecialTokens
    self.maxLength = maxLength
    self.truncation = truncation
    self.stride = stride
    self.padding = padding
  }
}

/// Why an encoding could not be made with the options given.
public enum EncodingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// `maxLength` leaves no room once special tokens are counted.
  case maxLengthTooSmall(maxLength: Int, specialTokens: Int)
  /// The stride must be smaller than the room left for the truncated sequence.
  case strideTooLarge(stride: Int, room: Int)
  /// The stride (tokens shared by consecutive windows) cannot be negative.
  case negativeStride(Int)
  /// `.onlySecond` truncation was asked for a single sequence.
  case secondSequenceMissing
  /// The sequence to truncate is shorter than what must be removed.
  case sequenceTooShort(length: Int, toRemove: Int)

  public var description: String {
    switch self {
    case .maxLengthTooSmall(let m, let s):
      return "maxLength \(m) leaves no room for text after \(s) special tokens; hint: raise maxLength"
    case .strideTooLarge(let stride, let room):
      return "stride \(stride) must be smaller than the \(room) tokens each window has for the truncated text; hint: lower the stride or raise maxLength"
    case .negativeStride(let stride):
      return "stride \(stride) is negative; it counts the tokens consecutive windows share, 0 or more"
    case .secondSequenceMissing:
      return "only-second truncation needs a pair text"
    case .sequenceTooShort(let length, let remove):
      return "the sequence to truncate has \(length) tokens but \(remove) must go; hint: use longest-first truncation or a larger maxLength"
    }
  }
}
