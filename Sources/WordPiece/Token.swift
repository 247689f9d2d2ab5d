/// One WordPiece token of a text, with where it came from.
///
/// Offsets always point into the ORIGINAL text (before lower-casing, accent stripping or
/// cleaning): a piece covers every original scalar its normalised scalars came from, the way
/// Python `tokenizers` reports offsets.
///
/// ```swift
/// let tokens = tokenizer.tokenize("Unaffable!")
/// tokens.map(\.scalarOffsets)   // [0..<2, 2..<4, 4..<9, 9..<10]: "un", "##aff", "##able", "!"
/// ```
public struct Token: Sendable, Hashable {
  /// The token's id in the vocabulary.
  public let id: Int
  /// The range in Unicode scalars (code points) of the original text, as Python `tokenizers` counts offsets.
  public let scalarOffsets: Range<Int>
  /// The range in UTF-8 bytes of the original text.
  public let utf8Offsets: Range<Int>

  /// The range in `text`, which must be the string this token came from.
  public func range(in text: String) -> Range<String.Index> {
    let utf8 = text.utf8
    let start = utf8.index(utf8.startIndex, offsetBy: utf8Offsets.lowerBound, limitedBy: utf8.endIndex) ?? utf8.endIndex
    let end = utf8.index(utf8.startIndex, offsetBy: utf8Offsets.upperBound, limitedBy: utf8.endIndex) ?? utf8.endIndex
    return start..<max(start, end)
  }
}
