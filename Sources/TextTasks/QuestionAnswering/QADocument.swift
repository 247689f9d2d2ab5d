import UnicodeText

/// A document prepared for questions: its passages, their search index and its lines, computed once.
///
/// Prepare a document once and ask it many questions (the interactive `glean ask` prompt does):
///
/// ```swift
/// let document = try QADocument(text: notes)
/// let first = try await answerer.answer("Who wrote it?", in: document)
/// let second = try await answerer.answer("When?", in: document)
/// ```
public final class QADocument: Sendable {
  /// The full text.
  public let text: String
  /// Passages in document order (paragraphs, or windows of long paragraphs).
  public let passages: [Passage]
  /// Scalar offset of each passage's start in `text`.
  let passageScalarStarts: [Int]
  /// BM25 over the passages; nil when there is at most one passage.
  let index: BM25Index?
  let lines: LineIndex

  /// Splits and indexes `text`.
  ///
  /// - Parameter splitter: how to cut passages; the default keeps paragraphs of up to 200 words.
  /// - Throws: `QuestionAnsweringError.unicode` only when ICU fails.
  public init(text: String, splitter: PassageSplitter = PassageSplitter()) throws(QuestionAnsweringError) {
    self.text = text
    do {
      passages = try splitter.passages(of: text)
      index = passages.count > 1 ? try BM25Index(passages: passages.map { text[$0.range] }) : nil
    } catch {
      throw .unicode(error)
    }
    var starts: [Int] = []
    starts.reserveCapacity(passages.count)
    var index = text.startIndex
    var offset = 0
    for p in passages {
      offset += text.unicodeScalars.distance(from: index, to: p.range.lowerBound)
      index = p.range.lowerBound
      starts.append(offset)
    }
    passageScalarStarts = starts
    lines = LineIndex(text)
  }

  /// The passages to read for `question`: the `limit` best by BM25, in rank order; when fewer
  /// match any question term, the rest are filled in document order.
  func passagesToRead(for question: String, limit: Int?) throws(QuestionAnsweringError) -> [Int] {
    guard let limit, limit < passages.count, let index else { return Array(passages.indices) }
    var chosen: [Int]
    do {
      chosen = try index.rank(query: question, limit: limit).map(\.passage)
    } catch {
      throw .unicode(error)
    }
    if chosen.count < limit {
      let taken = Set(chosen)
      chosen += passages.indices.filter { !taken.contains($0) }.prefix(limit - chosen.count)
    }
    return chosen
  }

  /// The location of a scalar offset.
  public func location(ofScalarOffset offset: Int) -> TextLocation { lines.location(ofScalarOffset: offset) }
}

extension QADocument {
  /// The string index of a scalar offset (clamped to the text), found from the nearest passage start.
  func index(ofScalarOffset offset: Int) -> String.Index {
    var low = 0, high = passageScalarStarts.count - 1
    var base = text.startIndex
    var baseOffset = 0
    if high >= 0, passageScalarStarts[0] <= offset {
      while low < high {
        let mid = (low + high + 1) / 2
        if passageScalarStarts[mid] <= offset { low = mid } else { high = mid - 1 }
      }
      base = passages[low].range.lowerBound
      baseOffset = passageScalarStarts[low]
    }
    let scalars = text.unicodeScalars
    return scalars.index(base, offsetBy: offset - baseOffset, limitedBy: scalars.endIndex) ?? scalars.endIndex
  }

  /// The text of a scalar range.
  func quote(_ range: Range<Int>) -> Substring {
    let lower = index(ofScalarOffset: range.lowerBound)
    let upper = text.unicodeScalars.index(lower, offsetBy: range.count, limitedBy: text.endIndex) ?? text.endIndex
    return text[lower..<upper]
  }
}
