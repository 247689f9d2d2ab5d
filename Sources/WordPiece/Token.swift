/// One WordPiece token of a text, with where it came from.
///
/// Offsets always point into the ORIGINAL text (before lower-casing, accent stripping or
/// cleaning): a piece covers every original scalar its normalised scalars came from, the way
/// Python `tokenizers` reports offsets.
///
/// ```swift
/// let text = "Unaffable!"
/// let tokens = tokenizer.tokenize(text)
/// tokens.map(\.scalarOffsets)         // [0..<2, 2..<5, 5..<9, 9..<10]: "un", "##aff", "##able", "!"
/// tokens.map { text[$0.range] }       // ["Un", "aff", "able", "!"]
/// ```
public struct Token: Sendable, Hashable {
  /// The token's id in the vocabulary.
  public let id: Int
  /// The range in Unicode scalars (code points) of the original text, as Python `tokenizers` counts offsets.
  public let scalarOffsets: Range<Int>
  /// The range in UTF-8 bytes of the original text.
  public let utf8Offsets: Range<Int>
  /// The range in the original string: `text[token.range]` is the text the token came from.
  public let range: Range<String.Index>
}

/// A token before its `String.Index` range is attached.
struct RawToken {
  let id: Int
  let scalarOffsets: Range<Int>
  let utf8Offsets: Range<Int>
}
