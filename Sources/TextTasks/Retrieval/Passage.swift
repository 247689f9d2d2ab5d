import UnicodeText

/// A piece of a document that the reader model reads as one unit.
public struct Passage: Sendable, Equatable {
  /// Where the passage is in the document.
  public var range: Range<String.Index>
  /// Its position among the document's passages.
  public var index: Int
}

/// Splits a document into passages: runs of whole paragraphs, and overlapping windows of words where a
/// paragraph is long.
///
/// Paragraphs are separated by blank lines (lines with only white space). Consecutive paragraphs are packed
/// into one passage while it stays within `maxWords` words (so headings and short notes share a reader
/// window instead of each taking one); set `packsParagraphs` to false for one passage per paragraph.
/// A paragraph of more than `maxWords` words becomes windows of `maxWords` words, each starting
/// `maxWords - overlapWords` words after the previous one, so that an answer near a window's edge is
/// whole in some window.
///
/// ```swift
/// let passages = try PassageSplitter(maxWords: 200, overlapWords: 50).passages(of: text)
/// ```
public struct PassageSplitter: Sendable {
  public var maxWords: Int
  public var overlapWords: Int
  public var packsParagraphs: Bool

  /// `maxWords` is at least 1 and `overlapWords` is clamped into `0..<maxWords`.
  public init(maxWords: Int = 200, overlapWords: Int = 50, packsParagraphs: Bool = true) {
    self.maxWords = max(1, maxWords)
    self.overlapWords = min(max(0, overlapWords), self.maxWords - 1)
    self.packsParagraphs = packsParagraphs
  }

  /// The passages of `text`, in document order. Empty or blank text has none.
  ///
  /// - Throws: `UnicodeTextError` only when ICU fails.
  public func passages(of text: String) throws(UnicodeTextError) -> [Passage] {
    var passages: [Passage] = []
    // Paragraphs waiting to be packed into one passage, and their word count.
    var pending: Range<String.Index>? = nil
    var pendingWords = 0
    func flush() {
      if let range = pending { passages.append(Passage(range: range, index: passages.count)) }
      pending = nil
      pendingWords = 0
    }
    for paragraph in Self.paragraphs(of: text) {
      let words = try WordBreaks.segments(of: String(text[paragraph])).filter { $0.kind.isWord }
      if words.isEmpty { continue }
      if words.count <= maxWords {
        if packsParagraphs, let range = pending, pendingWords + words.count <= maxWords {
          pending = range.lowerBound..<paragraph.upperBound
          pendingWords += words.count
        } else {
          flush()
          pending = paragraph
          pendingWords = words.count
          if !packsParagraphs { flush() }
        }
        continue
      }
      flush()
      // Map the paragraph-local indices back into `text`.
      let local = String(text[paragraph])
      func toText(_ i: String.Index) -> String.Index {
        text.utf8.index(paragraph.lowerBound, offsetBy: local.utf8.distance(from: local.startIndex, to: i))
      }
      var start = 0
      let step = maxWords - overlapWords
      while start < words.count {
        let end = min(start + maxWords, words.count)
        let lower = start == 0 ? paragraph.lowerBound : toText(words[start].range.lowerBound)
        let upper = end == words.count ? paragraph.upperBound : toText(words[end - 1].range.upperBound)
        passages.append(Passage(range: lower..<upper, index: passages.count))
        if end == words.count { break }
        start += step
      }
    }
    flush()
    return passages
  }

  /// The ranges of the non-blank paragraphs of `text`, trimmed of surrounding white space.
  static func paragraphs(of text: String) -> [Range<String.Index>] {
    var result: [Range<String.Index>] = []
    var paragraphStart: String.Index? = nil
    var paragraphEnd = text.startIndex
    var lineStart = text.startIndex
    var index = text.startIndex
    let scalars = text.unicodeScalars
    func finishLine(_ lineEnd: String.Index) {
      let line = scalars[lineStart..<lineEnd]
      if let first = line.firstIndex(where: { !CharacterProperties.isWhiteSpace($0) }) {
        if paragraphStart == nil { paragraphStart = first }
        paragraphEnd = line.lastIndex(where: { !CharacterProperties.isWhiteSpace($0) }).map { scalars.index(after: $0) } ?? lineEnd
      } else if let start = paragraphStart {
        result.append(start..<paragraphEnd)
        paragraphStart = nil
      }
    }
    while index < text.endIndex {
      let s = scalars[index]
      let next = scalars.index(after: index)
      if s == "\n" {
        finishLine(index)
        lineStart = next
      }
      index = next
    }
    finishLine(text.endIndex)
    if let start = paragraphStart { result.append(start..<paragraphEnd) }
    return result
  }
}
