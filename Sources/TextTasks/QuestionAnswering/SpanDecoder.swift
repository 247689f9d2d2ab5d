/// One answer span proposed by the reader in one window.
public struct SpanCandidate: Sendable, Equatable {
  /// Which window (0-based) the span was read in.
  public var window: Int
  /// First and last document token of the span (inclusive).
  public var firstToken: Int
  public var lastToken: Int
  /// Start logit + end logit.
  public var logit: Float
}

/// Chooses answer spans from a reader's start and end logits, as BERT's SQuAD post-processing does.
///
/// For each window: the `nBest` highest start logits × the `nBest` highest end logits, keeping pairs where
/// both positions hold context tokens, the end is not before the start, the span has at most
/// `maxAnswerTokens` tokens, and the start token has its *maximum context* in this window (see
/// `DocumentWindows.isMaxContext`). A span's logit is the sum of its start and end logits.
///
/// ```swift
/// let decoder = SpanDecoder(nBest: 20, maxAnswerTokens: 30)
/// let spans = decoder.candidates(startLogits: start, endLogits: end, window: 0,
///                                positionTokens: positions, windows: windows)
/// ```
public struct SpanDecoder: Sendable {
  public var nBest: Int
  public var maxAnswerTokens: Int

  public init(nBest: Int = 20, maxAnswerTokens: Int = 30) {
    self.nBest = max(1, nBest)
    self.maxAnswerTokens = max(1, maxAnswerTokens)
  }

  /// The candidate spans of one window.
  ///
  /// - Parameters:
  ///   - startLogits, endLogits: the reader's outputs for the window, one per sequence position (S).
  ///   - window: the window's index in `windows`.
  ///   - positionTokens: for each sequence position, the document token it holds, or nil for
  ///     question tokens, special tokens and padding (S entries; shorter arrays mean nil beyond).
  ///   - windows: every window's document token range, to apply the maximum-context rule.
  public func candidates(startLogits: [Float], endLogits: [Float], window: Int,
                         positionTokens: [Int?], windows: DocumentWindows) -> [SpanCandidate] {
    let length = min(startLogits.count, endLogits.count, positionTokens.count)
    let starts = Self.topIndices(startLogits, count: nBest, limit: length)
    let ends = Self.topIndices(endLogits, count: nBest, limit: length)
    var result: [SpanCandidate] = []
    for s in starts {
      guard let first = positionTokens[s], windows.isMaxContext(window: window, token: first) else { continue }
      for e in ends {
        guard let last = positionTokens[e], e >= s, last >= first, last - first + 1 <= maxAnswerTokens else { continue }
        result.append(SpanCandidate(window: window, firstToken: first, lastToken: last, logit: startLogits[s] + endLogits[e]))
      }
    }
    return result
  }

  /// Indices of the `count` largest values among the first `limit`, largest first; ties keep the lower index.
  static func topIndices(_ values: [Float], count: Int, limit: Int) -> [Int] {
    let n = min(limit, values.count)
    return (0..<n).sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.prefix(count).map { $0 }
  }
}

/// The windows a long document was cut into, as ranges of document tokens.
public struct DocumentWindows: Sendable, Equatable {
  public var ranges: [Range<Int>]

  public init(_ ranges: [Range<Int>]) { self.ranges = ranges }

  /// Whether `window` is the one where `token` has the most context on both sides.
  ///
  /// A token's context in a window is `min(tokens to its left, tokens to its right) + 0.01 × window length`;
  /// the first window with the highest value wins (the rule of BERT's `run_squad.py`).
  public func isMaxContext(window: Int, token: Int) -> Bool {
    var best: Double = -1
    var bestWindow = -1
    for (i, range) in ranges.enumerated() where range.contains(token) {
      let left = token - range.lowerBound
      let right = range.upperBound - 1 - token
      let score = Double(min(left, right)) + 0.01 * Double(range.count)
      if score > best {
        best = score
        bestWindow = i
      }
    }
    return bestWindow == window
  }
}
