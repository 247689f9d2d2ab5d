import Foundation
import Testing
import TestSupport
@testable import TextTasks

@Suite struct SQuADEvaluationTests {
  // Expected strings were produced by the official evaluate-v1.1.py normalize_answer (Python 3.11).
  @Test(arguments: [
    ("The Broncos!", "broncos"),
    ("an apple a day", "apple day"),
    ("THE_END", "theend"),
    ("théâtre an the", "théâtre"),
    ("A-team", "ateam"),
    ("ΟΔΟΣ the", "οδος"),
    ("Denver\u{a0}Broncos", "denver broncos"),
    ("a\u{301} b", "\u{301} b"),
    ("the\u{2013}a", "\u{2013}"),
    ("  Ångström’s  units. ", "ångström’s units"),
    ("", ""),
  ])
  func normalisationMatchesTheOfficialScript(input: String, expected: String) {
    #expect(SQuADEvaluation.normalize(input) == expected)
  }

  @Test func tokenF1AndExactMatch() {
    #expect(SQuADEvaluation.exactMatch("The Broncos!", references: ["x", "broncos"]) == 1)
    #expect(SQuADEvaluation.exactMatch("Broncos team", references: ["broncos"]) == 0)
    // precision 2/3, recall 1 → F1 0.8
    #expect(abs(SQuADEvaluation.f1("Denver Broncos team", references: ["Denver Broncos"]) - 0.8) < 1e-12)
    #expect(SQuADEvaluation.f1("the", references: ["a"]) == 0)  // both normalise to nothing
    #expect(SQuADEvaluation.f1("cat cat", references: ["cat"]) == 2.0 / 3.0)  // repeated tokens count once per match
  }

  /// The published scores of two leaderboard systems on half A of the dev set (../shared/README.md).
  @Test(.enabled(if: TestPaths.shared("qa/squad-v1.1-dev-half-a.json") != nil, "needs ../shared/qa (third-party data)"),
        arguments: [
          ("qa/squad-v1.1-dev-half-a-predictions-bert-ensemble.json", 86.60, 91.93),
          ("qa/squad-v1.1-dev-half-a-predictions-logreg-baseline.json", 40.94, 50.89),
        ])
  func reproducesPublishedScores(predictionsPath: String, exactMatch: Double, f1: Double) throws {
    let dataset = try SQuADDataset(contentsOf: try #require(TestPaths.shared("qa/squad-v1.1-dev-half-a.json")))
    let data = try Data(contentsOf: try #require(TestPaths.shared(predictionsPath)))
    let predictions = try JSONDecoder().decode([String: String].self, from: data)
    let score = SQuADEvaluation.evaluate(dataset: dataset, predictions: predictions)
    #expect(score.count == 4961)
    #expect(abs(score.exactMatch - exactMatch) < 0.005)
    #expect(abs(score.f1 - f1) < 0.005)
  }

  @Test func rejectsNonSQuADJSON() {
    #expect(throws: SQuADDatasetError.self) { try SQuADDataset(json: Data("[1,2]".utf8)) }
    #expect(throws: SQuADDatasetError.self) { try SQuADDataset(json: Data("\u{0}\u{1}".utf8)) }
  }
}
