import Foundation
import Testing
import TestSupport
@testable import TextTasks

/// The shipped default model (Models/README.md) on the TFLite Task Library's own acceptance case
/// (tflite-support `bert_question_answerer_test.cc`): the SQuAD "Teacher" passage, read from ../shared,
/// and "What is a course of study called?" → "the curriculum.".
@Suite struct DefaultModelTests {
  static let modelURL = TestPaths.models("glean-qa-minilm-l6.tflite")
  static let available = FileManager.default.fileExists(atPath: modelURL.path) && TestPaths.shared("qa/squad-v1.1-dev-half-a.json") != nil

  static func teacherPassage() throws -> String {
    let dataset = try SQuADDataset(contentsOf: try #require(TestPaths.shared("qa/squad-v1.1-dev-half-a.json")))
    return try #require(dataset.articles.first { $0.title == "Teacher" }?.paragraphs.first?.context)
  }

  @Test(.enabled(if: available, "needs Models/glean-qa-minilm-l6.tflite and ../shared/qa"))
  func taskLibraryAcceptanceCaseInCompatibleMode() async throws {
    var options = QuestionAnswerer.Options()
    options.mode = .tfliteCompatible
    let answerer = try QuestionAnswerer(modelAt: Self.modelURL, options: options)
    let answers = try await answerer.answer("What is a course of study called?", in: try Self.teacherPassage())
    #expect(answers.count == 5)  // the Task Library always returns kPredictAnsNum answers here
    #expect(answers.first?.text == "the curriculum.")
  }

  @Test(.enabled(if: available, "needs Models/glean-qa-minilm-l6.tflite and ../shared/qa"))
  func taskLibraryAcceptanceCaseInStandardMode() async throws {
    let answerer = try QuestionAnswerer(modelAt: Self.modelURL)
    let passage = try Self.teacherPassage()
    let answers = try await answerer.answer("What is a course of study called?", in: passage)
    let best = try #require(answers.first)
    #expect(SQuADEvaluation.normalize(best.text) == "curriculum")
    #expect(String(passage[best.range]) == best.text)  // quoted exactly
    // Scores are probabilities over the candidates: the best one leads, and together they stay within 1.
    #expect(answers.allSatisfy { $0.score <= best.score })
    #expect(answers.reduce(0) { $0 + $1.score } <= 1 + 1e-9)
  }
}
