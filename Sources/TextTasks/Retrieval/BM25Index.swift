import Foundation
import UnicodeText

/// Okapi BM25 ranking over a fixed set of passages.
///
/// Score of passage `d` for query terms `q`:
/// `Σ idf(t) · tf(t,d)·(k1+1) / (tf(t,d) + k1·(1 − b + b·|d|/avgdl))`, with
/// `idf(t) = ln(1 + (N − n(t) + 0.5)/(n(t) + 0.5))` (always positive; Lucene's form).
///
/// ```swift
/// let passages = try PassageSplitter().passages(of: document)
/// let index = try BM25Index(passages: passages.map { document[$0.range] })
/// let best = try index.rank(query: "When was Tesla born?", limit: 3)  // [(passage: Int, score: Double)]
/// ```
public struct BM25Index: Sendable {
  /// Term-frequency saturation.
  public var k1: Double = 1.2
  /// Length normalisation.
  public var b: Double = 0.75

  let analyzer: TermAnalyzer
  /// term → [(passage, frequency)]
  let postings: [String: [(passage: Int, frequency: Int)]]
  let lengths: [Int]
  let averageLength: Double

  /// Indexes `passages` (any strings; their order gives the passage numbers).
  ///
  /// - Throws: `UnicodeTextError` only when ICU fails.
  public init<S: StringProtocol>(passages: [S], analyzer: TermAnalyzer = TermAnalyzer()) throws(UnicodeTextError) {
    self.analyzer = analyzer
    var postings: [String: [(passage: Int, frequency: Int)]] = [:]
    var lengths: [Int] = []
    lengths.reserveCapacity(passages.count)
    for (i, passage) in passages.enumerated() {
      let terms = try analyzer.terms(in: passage)
      lengths.append(terms.count)
      var counts: [String: Int] = [:]
      for t in terms { counts[t, default: 0] += 1 }
      for (t, c) in counts { postings[t, default: []].append((i, c)) }
    }
    self.postings = postings
    self.lengths = lengths
    self.averageLength = lengths.isEmpty ? 0 : Double(lengths.reduce(0, +)) / Double(lengths.count)
  }

  /// The number of indexed passages.
  public var count: Int { lengths.count }

  /// Passages ranked by BM25 for `query`, best first; ties keep document order. Passages that share no term with
  /// the query are left out.
  ///
  /// - Throws: `UnicodeTextError` only when ICU fails.
  public func rank(query: String, limit: Int = .max) throws(UnicodeTextError) -> [(passage: Int, score: Double)] {
    let terms = Set(try analyzer.terms(in: query))
    var scores = [Double](repeating: 0, count: lengths.count)
    var touched = [Bool](repeating: false, count: lengths.count)
    let n = Double(lengths.count)
    for term in terms {
      guard let list = postings[term] else { continue }
      let df = Double(list.count)
      let idf = log(1 + (n - df + 0.5) / (df + 0.5))
      for (passage, frequency) in list {
        let tf = Double(frequency)
        let norm = k1 * (1 - b + b * Double(lengths[passage]) / max(averageLength, 1))
        scores[passage] += idf * tf * (k1 + 1) / (tf + norm)
        touched[passage] = true
      }
    }
    let ranked = scores.indices.filter { touched[$0] }.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
    return ranked.prefix(max(0, limit)).map { ($0, scores[$0]) }
  }
}
