import Foundation

/// An answer span located in the document, with its probability.
public struct RankedSpan: Sendable, Equatable {
  /// The answer's range in Unicode scalars (code points) of the document.
  public var scalarRange: Range<Int>
  /// Probability of this answer among all candidates (softmax over candidate logits, summed over spans
  /// that quote the same text).
  public var probability: Double
  /// The best candidate's start + end logit.
  public var logit: Float
}

/// Turns candidate spans from every window into a ranked, de-duplicated list of answers.
///
/// Candidates become document ranges through `tokenRanges` (document token → scalar range); a softmax
/// over the logits of all candidates gives each a probability; candidates that quote the same text are
/// merged, keeping the best-scoring location and adding up their probabilities.
///
/// ```swift
/// let answers = AnswerRanking.rank(candidates, tokenRanges: ranges, text: { range in quote(range) }, limit: 5)
/// ```
public enum AnswerRanking {
  /// - Parameters:
  ///   - candidates: spans from `SpanDecoder`, any order.
  ///   - tokenRanges: each document token's range in scalars of the document.
  ///   - text: the text of a scalar range of the document (used to merge duplicates).
  ///   - limit: how many answers to return.
  public static func rank(_ candidates: [SpanCandidate], tokenRanges: [Range<Int>], text: (Range<Int>) -> String,
                          limit: Int) -> [RankedSpan] {
    // A candidate scored −∞ (a masked position), NaN or +∞ cannot take part in the softmax; it is dropped.
    let valid = candidates.filter {
      $0.firstToken >= 0 && $0.lastToken < tokenRanges.count && $0.firstToken <= $0.lastToken && $0.logit.isFinite
    }
    guard let maxLogit = valid.map(\.logit).max() else { return [] }
    var total = 0.0
    for c in valid { total += exp(Double(c.logit - maxLogit)) }
    var byText: [String: Int] = [:]
    var answers: [RankedSpan] = []
    for c in valid.sorted(by: { $0.logit > $1.logit }) {
      let range = tokenRanges[c.firstToken].lowerBound..<tokenRanges[c.lastToken].upperBound
      let probability = exp(Double(c.logit - maxLogit)) / total
      let quoted = text(range)
      if let i = byText[quoted] {
        answers[i].probability += probability
      } else {
        byText[quoted] = answers.count
        answers.append(RankedSpan(scalarRange: range, probability: probability, logit: c.logit))
      }
    }
    // Merging can reorder probabilities: sort by them, then by position for ties.
    answers.sort { $0.probability != $1.probability ? $0.probability > $1.probability : $0.scalarRange.lowerBound < $1.scalarRange.lowerBound }
    return Array(answers.prefix(max(0, limit)))
  }
}
