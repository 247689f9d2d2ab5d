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
  public init<S: StringProtocol & Sendable>(passages: [S], analyzer: TermAnalyzer = TermAnalyzer()) throws(UnicodeTextError) {
    self.analyzer = analyzer
    var postings: [String: [(passage: Int, frequency: Int)]] = [:]
    var lengths: [Int] = []
    lengths.reserveCapacity(passages.count)
    for (i, passage) in try Self.analyze(passages, with: analyzer).enumerated() {
      lengths.append(passage.length)
      for (t, c) in passage.counts { postings[t, default: []].append((i, c)) }
    }
    self.postings = postings
    self.lengths = lengths
    self.averageLength = lengths.isEmpty ? 0 : Double(lengths.reduce(0, +)) / Double(lengths.count)
  }

  /// One passage's terms: how many, and how often each occurs.
  struct PassageTerms: Sendable {
    var length: Int
    var counts: [String: Int]
  }

  /// Passages below this count are analysed on the calling thread: splitting them is not worth a thread.
  static let passagesPerThread = 64

  /// The terms of each passage, in order. Long lists are split into contiguous runs analysed at once on up to
  /// one thread per active core (a 1 MB file is about a thousand passages); the result does not depend on the split.
  static func analyze<S: StringProtocol & Sendable>(_ passages: [S], with analyzer: TermAnalyzer) throws(UnicodeTextError) -> [PassageTerms] {
    @Sendable func terms(_ range: Range<Int>) throws(UnicodeTextError) -> [PassageTerms] {
      var result: [PassageTerms] = []
      result.reserveCapacity(range.count)
      for i in range {
        let terms = try analyzer.terms(in: passages[i])
        var counts: [String: Int] = [:]
        for t in terms { counts[t, default: 0] += 1 }
        result.append(PassageTerms(length: terms.count, counts: counts))
      }
      return result
    }
    let threads = min(ProcessInfo.processInfo.activeProcessorCount, passages.count / passagesPerThread)
    guard threads > 1 else { return try terms(0..<passages.count) }
    let runs = (0..<threads).map { t in (t * passages.count / threads)..<((t + 1) * passages.count / threads) }
    let results = RunResults(count: threads)
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      results.store(Result { () throws(UnicodeTextError) in try terms(runs[t]) }, at: t)
    }
    return try results.joined()
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

/// The results of `BM25Index.analyze`'s runs, each stored once by the thread that worked it out.
private final class RunResults: @unchecked Sendable {
  private let lock = NSLock()
  private var runs: [Result<[BM25Index.PassageTerms], UnicodeTextError>?]

  init(count: Int) { runs = Array(repeating: nil, count: count) }

  func store(_ result: Result<[BM25Index.PassageTerms], UnicodeTextError>, at run: Int) {
    lock.lock()
    defer { lock.unlock() }
    runs[run] = result
  }

  /// The runs' passages in order, or the first run's error.
  func joined() throws(UnicodeTextError) -> [BM25Index.PassageTerms] {
    lock.lock()
    defer { lock.unlock() }
    var all: [BM25Index.PassageTerms] = []
    for run in runs {
      guard let run else { throw UnicodeTextError(operation: "indexing passages", icuStatus: "U_INTERNAL_PROGRAM_ERROR") }
      all += try run.get()
    }
    return all
  }
}
