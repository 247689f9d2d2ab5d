import Foundation
import Testing
import TestSupport
import TFLiteInterpreter
import WordPiece
@testable import TextTasks

/// `.tfliteCompatible` mode against a Python re-implementation of the Task Library's BertQuestionAnswerer
/// run on LiteRT (Tools/qa_compat/make_goldens.py → Corpora/goldens/qa/compat.json; see its README).
/// Inputs and answer text must be identical; logits are compared with the float tolerance of the interpreter.
@Suite struct TaskLibraryCompatTests {
  struct Golden: Decodable {
    struct Model: Decodable {
      var name: String
      var model: String
      var vocab: String
      var cases: [Case]
    }
    struct Case: Decodable {
      var id: String
      var context: String?
      var context_ref: ContextReference?
      var question: String
      /// Set when the reference cannot build inputs (a question too long for the sequence); the fields below are then absent.
      var expected_error: String?
      var ids: [Int32] = []
      var mask: [Int32] = []
      var segment_ids: [Int32] = []
      var position_to_word: [Int] = []
      var start_logits: [Float] = []
      var end_logits: [Float] = []
      var answers: [Answer] = []
      var decision_margin: Float?

      enum CodingKeys: String, CodingKey {
        case id, context, context_ref, question, expected_error, ids, mask, segment_ids, position_to_word, start_logits, end_logits, answers, decision_margin
      }
      init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        context = try c.decodeIfPresent(String.self, forKey: .context)
        context_ref = try c.decodeIfPresent(ContextReference.self, forKey: .context_ref)
        question = try c.decode(String.self, forKey: .question)
        expected_error = try c.decodeIfPresent(String.self, forKey: .expected_error)
        if expected_error == nil {
          ids = try c.decode([Int32].self, forKey: .ids)
          mask = try c.decode([Int32].self, forKey: .mask)
          segment_ids = try c.decode([Int32].self, forKey: .segment_ids)
          position_to_word = try c.decode([Int].self, forKey: .position_to_word)
          start_logits = try c.decode([Float].self, forKey: .start_logits)
          end_logits = try c.decode([Float].self, forKey: .end_logits)
          answers = try c.decode([Answer].self, forKey: .answers)
          decision_margin = try c.decodeIfPresent(Float.self, forKey: .decision_margin)
        }
      }
    }
    struct ContextReference: Decodable {
      var file: String
      var title: String
      var paragraph: Int
    }
    struct Answer: Decodable {
      var text: String
      var start: Int
      var end: Int
      var logit: Float
      var word_start: Int
      var word_end: Int
    }
    var models: [Model]
  }

  static let golden: Result<Golden, any Error> = Result {
    try JSONDecoder().decode(Golden.self, from: try Data(contentsOf: TestPaths.corpora("goldens/qa/compat.json")))
  }

  static func answerer(_ model: Golden.Model) throws -> QuestionAnswerer {
    var options = QuestionAnswerer.Options()
    options.mode = .tfliteCompatible
    return try QuestionAnswerer(model: try Model(contentsOf: TestPaths.repositoryRoot.appendingPathComponent(model.model)),
                                vocabulary: try Vocabulary(contentsOf: TestPaths.repositoryRoot.appendingPathComponent(model.vocab)),
                                options: options)
  }

  /// The case's context: inline, or a SQuAD paragraph in ../shared (nil when that is absent).
  static func context(of c: Golden.Case) throws -> String? {
    if let context = c.context { return context }
    guard let reference = c.context_ref, let url = TestPaths.shared(reference.file) else { return nil }
    let dataset = try SQuADDataset(contentsOf: url)
    return dataset.articles.first { $0.title == reference.title }?.paragraphs[reference.paragraph].context
  }

  @Test func goldensAreThere() throws {
    let golden = try Self.golden.get()
    #expect(golden.models.count == 2)
    #expect(golden.models.allSatisfy { $0.cases.count >= 30 })
  }

  @Test func inputsMatchTheTaskLibrary() throws {
    let golden = try Self.golden.get()
    for model in golden.models {
      let answerer = try Self.answerer(model)
      for c in model.cases {
        guard let context = try Self.context(of: c) else { continue }  // needs ../shared
        if c.expected_error != nil {
          #expect(throws: QuestionAnsweringError.self, "\(model.name)/\(c.id)") {
            try answerer.taskLibraryInput(question: c.question, context: context)
          }
          continue
        }
        let input = try answerer.taskLibraryInput(question: c.question, context: context)
        #expect(input.ids == c.ids, "\(model.name)/\(c.id): ids")
        #expect(input.mask == c.mask, "\(model.name)/\(c.id): mask")
        #expect(input.segmentIDs == c.segment_ids, "\(model.name)/\(c.id): segment_ids")
        #expect(input.positionWord.map { $0 ?? -1 } == c.position_to_word, "\(model.name)/\(c.id): positions")
      }
    }
  }

  /// Post-processing alone, from the reference's own logits: must be identical.
  @Test func postprocessingMatchesOnReferenceLogits() throws {
    let golden = try Self.golden.get()
    for model in golden.models {
      let answerer = try Self.answerer(model)
      for c in model.cases {
        guard let context = try Self.context(of: c), c.expected_error == nil else { continue }
        let input = try answerer.taskLibraryInput(question: c.question, context: context)
        let spans = QuestionAnswerer.taskLibraryAnswers(startLogits: c.start_logits, endLogits: c.end_logits, input: input, limit: 5)
        #expect(spans.map(\.text) == c.answers.map(\.text), "\(model.name)/\(c.id)")
        #expect(spans.map(\.startPosition) == c.answers.map(\.start), "\(model.name)/\(c.id)")
        #expect(spans.map(\.endPosition) == c.answers.map(\.end), "\(model.name)/\(c.id)")
        #expect(spans.map(\.firstWord) == c.answers.map(\.word_start), "\(model.name)/\(c.id)")
        #expect(spans.map(\.logit) == c.answers.map(\.logit), "\(model.name)/\(c.id)")
      }
    }
  }

  /// End to end through Glean's interpreter. Logits agree with LiteRT within 1e-5 of their scale (the
  /// interpreter's float tolerance), and the answers are identical: every case's decision margin (the gap
  /// between the logits that decide the ranking) is recorded by the generator and exceeds that error.
  @Test func answersMatchEndToEnd() async throws {
    let golden = try Self.golden.get()
    for model in golden.models {
      let answerer = try Self.answerer(model)
      for c in model.cases {
        guard let context = try Self.context(of: c), c.expected_error == nil else { continue }
        let input = try answerer.taskLibraryInput(question: c.question, context: context)
        let logits = try answerer.run(ids: input.ids, mask: input.mask, segments: input.segmentIDs)
        #expect(Tolerance.maxScaledError(logits.start, c.start_logits) <= 1e-5, "\(model.name)/\(c.id)")
        #expect(Tolerance.maxScaledError(logits.end, c.end_logits) <= 1e-5, "\(model.name)/\(c.id)")
        let answers = try await answerer.answer(c.question, in: try QADocument(text: context), limit: 5)
        #expect(answers.map(\.text) == c.answers.map(\.text), "\(model.name)/\(c.id)")
        for (a, g) in zip(answers, c.answers) {
          #expect(Tolerance.isClose(Float(a.score), g.logit, rtol: 1e-5, atol: 1e-5), "\(model.name)/\(c.id)")
        }
      }
    }
  }
}

/// A model with Task Library metadata needs nothing else: tensors are bound by their metadata names and the
/// vocabulary comes from the packed zip.
@Suite struct PackedVocabularyTests {
  @Test func loadsVocabularyFromMetadata() async throws {
    let withMetadata = try QuestionAnswerer(modelAt: TestPaths.models("test/qa/qa_bert_s128_float_with_metadata.tflite"))
    let plain = try QuestionAnswerer(model: try Model(contentsOf: TestPaths.models("test/qa/qa_bert_s128_float.tflite")),
                                     vocabulary: try Vocabulary(contentsOf: TestPaths.models("test/qa/vocab-1000.txt")))
    #expect(withMetadata.tokenizer.vocabulary.tokens == plain.tokenizer.vocabulary.tokens)
    #expect(withMetadata.binding == plain.binding)
    let context = "The lighthouse on Corran Point was built in 1871 by the engineer Mara Vell."
    let a = try await withMetadata.answer("Who built the lighthouse?", in: context)
    let b = try await plain.answer("Who built the lighthouse?", in: context)
    #expect(a == b)
  }

  @Test func modelWithoutVocabularyIsAClearError() throws {
    #expect {
      try QuestionAnswerer(modelAt: TestPaths.models("test/qa/qa_bert_s128_float.tflite"))
    } throws: { error in
      "\(error)".contains("carries no vocabulary") && "\(error)".contains("--vocab")
    }
  }
}
