import Testing
@testable import TextTasks

@Suite struct SpanDecodingTests {
  /// Windows of 6 tokens with a stride of 3 over 12 tokens: [0,6), [3,9), [6,12).
  let windows = DocumentWindows([0..<6, 3..<9, 6..<12])

  @Test func maxContextRuleByHand() {
    // Token 4: window 0 → min(4, 1) = 1; window 1 → min(1, 4) = 1; tie → first window wins.
    #expect(windows.isMaxContext(window: 0, token: 4))
    #expect(!windows.isMaxContext(window: 1, token: 4))
    // Token 5: window 0 → min(5,0)=0; window 1 → min(2,3)=2 → window 1.
    #expect(windows.isMaxContext(window: 1, token: 5))
    // Token 0 is only in window 0.
    #expect(windows.isMaxContext(window: 0, token: 0))
    #expect(!windows.isMaxContext(window: 2, token: 0))
  }

  @Test func decodesTheBestValidSpan() {
    // Sequence: [CLS] q [SEP] t3 t4 t5 t6 t7 t8 [SEP] → window 1 holds tokens 3..<9 at positions 3...8.
    let positions: [Int?] = [nil, nil, nil, 3, 4, 5, 6, 7, 8, nil]
    var start = [Float](repeating: 0, count: 10)
    var end = [Float](repeating: 0, count: 10)
    start[0] = 9  // [CLS]: never an answer
    start[5] = 5; end[6] = 4  // tokens 5...6: the best valid span
    start[7] = 3; end[4] = 8  // end before start: rejected
    let spans = SpanDecoder(nBest: 3, maxAnswerTokens: 30)
      .candidates(startLogits: start, endLogits: end, window: 1, positionTokens: positions, windows: windows)
    let best = spans.max { $0.logit < $1.logit }
    #expect(best == SpanCandidate(window: 1, firstToken: 5, lastToken: 6, logit: 9))
    #expect(!spans.contains { $0.lastToken < $0.firstToken })
    #expect(!spans.contains { $0.firstToken == 4 })  // token 4 has its max context in window 0
  }

  @Test func respectsTheMaximumAnswerLength() {
    let positions: [Int?] = [nil, 0, 1, 2, 3, 4, 5]
    let start: [Float] = [0, 5, 0, 0, 0, 0, 0]
    let end: [Float] = [0, 0, 0, 0, 0, 0, 5]
    let one = DocumentWindows([0..<6])
    let long = SpanDecoder(nBest: 1, maxAnswerTokens: 6).candidates(startLogits: start, endLogits: end, window: 0, positionTokens: positions, windows: one)
    let short = SpanDecoder(nBest: 1, maxAnswerTokens: 5).candidates(startLogits: start, endLogits: end, window: 0, positionTokens: positions, windows: one)
    #expect(long.count == 1)
    #expect(short.isEmpty)
  }

  @Test func rankingMergesDuplicatesAndGivesProbabilities() {
    let text = Array("red fox red".unicodeScalars)
    let tokenRanges = [0..<3, 4..<7, 8..<11]
    let candidates = [
      SpanCandidate(window: 0, firstToken: 0, lastToken: 0, logit: 2),  // "red"
      SpanCandidate(window: 1, firstToken: 2, lastToken: 2, logit: 1),  // "red" again, elsewhere
      SpanCandidate(window: 0, firstToken: 1, lastToken: 1, logit: 2.2),  // "fox"
    ]
    let ranked = AnswerRanking.rank(candidates, tokenRanges: tokenRanges,
                                    text: { String(String.UnicodeScalarView(text[$0])) }, limit: 5)
    let z = Foundation.exp(2.0) + Foundation.exp(1.0) + Foundation.exp(2.2)
    #expect(ranked.count == 2)
    #expect(ranked[0].scalarRange == 0..<3)  // "red": (e^2 + e^1)/z ≈ 0.53 beats "fox": e^2.2/z ≈ 0.47
    // 1e-6: logits are Float32 (2.2 is not exact), the reference here is computed in Double.
    #expect(abs(ranked[0].probability - (Foundation.exp(2.0) + Foundation.exp(1.0)) / z) < 1e-6)
    #expect(ranked[1].scalarRange == 4..<7)
    #expect(abs(ranked.map(\.probability).reduce(0, +) - 1) < 1e-9)
  }

  @Test func lineIndex() {
    let lines = LineIndex("ab\ncd\r\n\nxyz")
    #expect(lines.location(ofScalarOffset: 0) == TextLocation(line: 1, column: 1))
    #expect(lines.location(ofScalarOffset: 4) == TextLocation(line: 2, column: 2))
    #expect(lines.location(ofScalarOffset: 7) == TextLocation(line: 3, column: 1))
    #expect(lines.location(ofScalarOffset: 10) == TextLocation(line: 4, column: 3))
  }
}

import Foundation
