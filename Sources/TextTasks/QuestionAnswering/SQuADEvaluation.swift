import Foundation
import UnicodeText

/// Exact match and F1 under the official SQuAD v1.1 rules (`evaluate-v1.1.py`).
///
/// Answers are normalised before comparison: lower-cased, ASCII punctuation
/// removed, the articles "a", "an" and "the" removed as whole words, and white
/// space collapsed. F1 is computed over the bag of normalised tokens. Each
/// prediction is scored against every reference answer and the best score kept.
///
/// ```swift
/// SQuADEvaluation.exactMatch("The Broncos!", references: ["broncos"])  // 1
/// SQuADEvaluation.f1("Denver Broncos team", references: ["Denver Broncos"])  // 0.8
/// let score = try SQuADEvaluation.evaluate(dataset: data, predictions: ["56be4db0acb8001400a502ec": "Denver Broncos"])
/// ```
public enum SQuADEvaluation {
  /// The aggregate scores of a set of predictions, in percent as the official script prints them.
  public struct Score: Sendable, Equatable {
    /// Mean exact match over all questions, 0...100.
    public var exactMatch: Double
    /// Mean token F1 over all questions, 0...100.
    public var f1: Double
    /// Number of questions in the dataset.
    public var count: Int
    /// Questions that had no prediction (they score 0, as in the official script).
    public var unanswered: Int
  }

  /// SQuAD's answer normalisation.
  public static func normalize(_ answer: String) -> String {
    let lowered = (try? CaseMapping.lowercase(answer)) ?? answer.lowercased()
    // Remove ASCII punctuation (Python's string.punctuation).
    var scalars = String.UnicodeScalarView()
    for s in lowered.unicodeScalars where !isASCIIPunctuation(s) { scalars.append(s) }
    // Remove the articles as whole words, where a word is a maximal run of \w characters, then collapse spaces.
    var words: [String] = []
    var current = String.UnicodeScalarView()
    var run = String.UnicodeScalarView()  // the current run of \w characters within `current`
    func endRun() {
      let word = String(run)
      if word == "a" || word == "an" || word == "the" {
        current.removeLast(run.count)
        current.append(" ")
      }
      run = String.UnicodeScalarView()
    }
    func endToken() {
      if !run.isEmpty { endRun() }
      // Article removal may have inserted spaces: split again, by scalars (a space followed by a
      // combining mark is one Character, but two tokens' worth of text to Python).
      words.append(contentsOf: current.split(separator: " ").map { String(String.UnicodeScalarView($0)) })
      current = String.UnicodeScalarView()
    }
    for s in scalars {
      if isPythonWhitespace(s) {
        endToken()
        continue
      }
      if isPythonWordCharacter(s) {
        run.append(s)
      } else if !run.isEmpty {
        endRun()
      }
      current.append(s)
    }
    endToken()
    return words.filter { !$0.unicodeScalars.isEmpty }.joined(separator: " ")
  }

  /// 1 when the normalised prediction equals some normalised reference, else 0.
  public static func exactMatch(_ prediction: String, references: [String]) -> Double {
    let p = normalize(prediction)
    return references.contains { normalize($0) == p } ? 1 : 0
  }

  /// The best token F1 of the prediction against the references, 0...1.
  public static func f1(_ prediction: String, references: [String]) -> Double {
    let predictionTokens = tokens(normalize(prediction))
    return references.map { tokenF1(predictionTokens, tokens(normalize($0))) }.max() ?? 0
  }

  /// Splits a normalised answer at its single spaces, by Unicode scalars as Python's `split()` does.
  static func tokens(_ normalized: String) -> [String] {
    normalized.unicodeScalars.split(separator: " ").map { String(String.UnicodeScalarView($0)) }
  }

  static func tokenF1(_ prediction: [String], _ reference: [String]) -> Double {
    var counts: [String: Int] = [:]
    for t in reference { counts[t, default: 0] += 1 }
    var same = 0
    for t in prediction {
      if let c = counts[t], c > 0 {
        same += 1
        counts[t] = c - 1
      }
    }
    if same == 0 { return 0 }
    let precision = Double(same) / Double(prediction.count)
    let recall = Double(same) / Double(reference.count)
    return 2 * precision * recall / (precision + recall)
  }

  /// Scores `predictions` (question id → answer text) against every question of `dataset`.
  public static func evaluate(dataset: SQuADDataset, predictions: [String: String]) -> Score {
    var em = 0.0, f = 0.0, count = 0, unanswered = 0
    for article in dataset.articles {
      for paragraph in article.paragraphs {
        for question in paragraph.questions {
          count += 1
          guard let prediction = predictions[question.id] else {
            unanswered += 1
            continue
          }
          let references = question.answers.map(\.text)
          em += exactMatch(prediction, references: references)
          f += f1(prediction, references: references)
        }
      }
    }
    let denominator = Double(max(count, 1))
    return Score(exactMatch: 100 * em / denominator, f1: 100 * f / denominator, count: count, unanswered: unanswered)
  }

  static func isASCIIPunctuation(_ s: Unicode.Scalar) -> Bool {
    switch s.value {
    case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: true
    default: false
    }
  }

  /// Python's `str.isspace()`: White_Space plus the information separators U+001C...U+001F.
  static func isPythonWhitespace(_ s: Unicode.Scalar) -> Bool {
    (0x1C...0x1F).contains(s.value) || CharacterProperties.isWhiteSpace(s)
  }

  /// Python's `\w` for str patterns: letters, numbers and the underscore.
  static func isPythonWordCharacter(_ s: Unicode.Scalar) -> Bool {
    if s.value < 0x80 {
      return (0x30...0x39).contains(s.value) || (0x41...0x5A).contains(s.value) || (0x61...0x7A).contains(s.value) || s == "_"
    }
    let category = GeneralCategory.of(s)
    return category.isLetter || category.isNumber
  }
}
