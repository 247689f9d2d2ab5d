import Foundation
import Testing
import TestSupport
import TFLiteFormat
import TFLiteInterpreter
import WordPiece
@testable import TextTasks

/// The reader pipeline on a converter-built fixture (random weights, S = 32; Models/test/README.md).
/// Answers carry no meaning here; what is checked is how text, windows, spans and offsets fit together.
@Suite struct QuestionAnswererTests {
  /// A small vocabulary of our own: the special tokens, ASCII characters as words and pieces, and the test's words.
  static func vocabulary() throws -> Vocabulary {
    var tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    for c in "abcdefghijklmnopqrstuvwxyz0123456789.,;:!?'()-" {
      tokens.append(String(c))
      tokens.append("##\(c)")
    }
    tokens += ["nikola", "tesla", "was", "born", "on", "july", "in", "he", "moved", "to", "the", "united", "states",
               "when", "where", "who", "what", "paris", "weather", "école", "ecole", "##ing"]
    return try Vocabulary(tokens: tokens)
  }

  static func answerer(_ options: QuestionAnswerer.Options = QuestionAnswerer.Options()) throws -> QuestionAnswerer {
    let model = try Model(contentsOf: TestPaths.models("test/bert_tiny_float.tflite"))
    return try QuestionAnswerer(model: model, vocabulary: try vocabulary(), options: options)
  }

  @Test func bindsTheFixtureContract() throws {
    let answerer = try Self.answerer()
    #expect(answerer.sequenceLength == 32)
    #expect(answerer.binding.startLogits != answerer.binding.endLogits)
  }

  @Test func rejectsAModelWithoutTheContract() throws {
    let model = try Model(contentsOf: TestPaths.models("test/add_broadcast_both.tflite"))
    #expect {
      try QuestionAnswerer(model: model, vocabulary: try Self.vocabulary())
    } throws: { error in
      let text = "\(error)"
      return text.contains("expected inputs ids, mask, segment_ids") && text.contains("found inputs [x FLOAT32")
    }
  }

  @Test func answersAreExactSpansOfTheDocument() async throws {
    // Several paragraphs, multi-byte text, and a paragraph longer than one window (S = 32).
    let text = """
      Nikola Tesla was born on 10 July 1856 in Smiljan.
      He moved to the United States in 1884.

      L'école — in Paris — 🎉 the weather was mild; the weather in Paris was mild in spring, then it was cold, \
      then it was warm, and the weather moved on to the east of the United States in July.

      Who was born in Paris? Nobody in this text.
      """
    // One passage per paragraph, so answers from several passages are ranked together.
    let document = try QADocument(text: text, splitter: PassageSplitter(packsParagraphs: false))
    #expect(document.passages.count == 3)
    var options = QuestionAnswerer.Options()
    options.passages = nil
    options.stride = 8
    let answers = try await Self.answerer(options).answer("Where was Tesla born?", in: document, limit: 10)
    #expect(!answers.isEmpty)
    let scalars = Array(text.unicodeScalars)
    for a in answers {
      #expect(a.text == String(text[a.range]))
      #expect(a.text == String(String.UnicodeScalarView(scalars[a.scalarRange])))
      #expect(a.score > 0 && a.score <= 1)
      let before = scalars[..<a.scalarRange.lowerBound]
      let line = before.filter { $0 == "\n" }.count + 1
      let column = before.count - (before.lastIndex(of: "\n").map { $0 + 1 } ?? 0) + 1
      #expect(a.location == TextLocation(line: line, column: column))
    }
    #expect(answers.map(\.score) == answers.map(\.score).sorted(by: >))
    #expect(Set(answers.map(\.text)).count == answers.count)  // duplicates merged
    #expect(answers.map(\.score).reduce(0, +) <= 1 + 1e-9)
  }

  @Test func retrievalLimitsThePassagesRead() async throws {
    let paragraphs = (0..<20).map { "Paragraph \($0) talks about the weather in july." }
      + ["Nikola Tesla was born in Smiljan."]
    let document = try QADocument(text: paragraphs.joined(separator: "\n\n"), splitter: PassageSplitter(packsParagraphs: false))
    #expect(try document.passagesToRead(for: "Where was Tesla born?", limit: 2).first == 20)
    #expect(try document.passagesToRead(for: "Where was Tesla born?", limit: 2).count == 2)
    #expect(try document.passagesToRead(for: "Where was Tesla born?", limit: nil).count == 21)
    var options = QuestionAnswerer.Options()
    options.passages = 1
    let answers = try await Self.answerer(options).answer("Where was Tesla born?", in: document, limit: 5)
    let tesla = try #require(text(of: document, passage: 20))
    for a in answers { #expect(tesla.contains(a.text)) }
  }

  @Test func emptyQuestionIsAnError() async throws {
    let answerer = try Self.answerer()
    await #expect(throws: QuestionAnsweringError.self) {
      try await answerer.answer("   ", in: "Some text.")
    }
  }

  @Test func cancellationStopsBetweenWindows() async throws {
    let answerer = try Self.answerer()
    let document = try QADocument(text: String(repeating: "the weather in paris was mild. ", count: 200))
    let task = Task { try await answerer.answer("what weather?", in: document) }
    task.cancel()
    await #expect(throws: CancellationError.self) { try await task.value }
  }

  /// A model with the QA contract (S = 16) whose start logits are float(ids) + float(mask) and whose end
  /// logits are computed by `end` from float(ids) (tensor 3) and float(mask) (tensor 4) into tensor 5.
  static func contractModel(declaredOutput: [Int32] = [1, 16], end: [OperatorDescription], endCode: OperatorCode) -> Model {
    let s: Int32 = 16
    let tensors = [
      TensorDescription(name: "ids", type: .int32, shape: [1, s]),
      TensorDescription(name: "mask", type: .int32, shape: [1, s]),
      TensorDescription(name: "segment_ids", type: .int32, shape: [1, s]),
      TensorDescription(name: "ids_float", type: .float32, shape: [1, s]),
      TensorDescription(name: "mask_float", type: .float32, shape: [1, s]),
      TensorDescription(name: "end_logits", type: .float32, shape: declaredOutput),
      TensorDescription(name: "start_logits", type: .float32, shape: declaredOutput),
      TensorDescription(name: "axes", type: .int32, shape: [1], buffer: 1),
    ]
    let operators = [
      OperatorDescription(opcodeIndex: 0, inputs: [0], outputs: [3]),
      OperatorDescription(opcodeIndex: 0, inputs: [1], outputs: [4]),
      OperatorDescription(opcodeIndex: 1, inputs: [3, 4], outputs: [6], options: .add(ArithmeticOptions())),
    ] + end
    let graph = SubgraphDescription(name: "main", tensors: tensors, inputs: [0, 1, 2], outputs: [5, 6], operators: operators)
    return Model(operatorCodes: [OperatorCode(builtin: .cast), OperatorCode(builtin: .add), endCode], subgraphs: [graph],
                 bytes: InMemoryBytes(buffers: [[], [Int32(1)].withUnsafeBytes { Array($0) }]))
  }

  @Test func logitsShorterThanTheSequenceAreAContractError() async throws {
    // MEAN over the sequence: end_logits declared [1, 16], computed [1, 1].
    let mean = OperatorDescription(opcodeIndex: 2, inputs: [3, 7], outputs: [5], options: .reducer(ReducerOptions(keepDims: true)))
    let model = Self.contractModel(end: [mean], endCode: OperatorCode(builtin: .mean))
    for mode in [QuestionAnswerer.Mode.standard, .tfliteCompatible] {
      var options = QuestionAnswerer.Options()
      options.mode = mode
      let answerer = try QuestionAnswerer(model: model, vocabulary: try Self.vocabulary(), options: options)
      await #expect {
        try await answerer.answer("who was born?", in: "Tesla was born in July.")
      } throws: { error in
        "\(error)".contains("expected end_logits holding 16 values; found 1 after running the model")
      }
    }
  }

  @Test func nonFiniteLogitsAreAnError() async throws {
    // RSQRT(mask): +inf at the padding; DIV(mask, mask): NaN there.
    let cases: [(OperatorDescription, OperatorCode)] = [
      (OperatorDescription(opcodeIndex: 2, inputs: [4], outputs: [5]), OperatorCode(builtin: .rsqrt)),
      (OperatorDescription(opcodeIndex: 2, inputs: [4, 4], outputs: [5], options: .div(.none)), OperatorCode(builtin: .div)),
    ]
    for (op, code) in cases {
      let answerer = try QuestionAnswerer(model: Self.contractModel(end: [op], endCode: code), vocabulary: try Self.vocabulary())
      await #expect {
        try await answerer.answer("who was born?", in: "Tesla was born in July.")
      } throws: { error in
        guard case QuestionAnsweringError.nonFiniteLogits(let output, let position, _) = error else { return false }
        return output == "end_logits" && position > 0
      }
    }
  }

  @Test func negativeInfinityMasksPositions() async throws {
    // LOG(mask): end logits 0 on the real tokens and -inf at the padding, a way models mask positions.
    let log = OperatorDescription(opcodeIndex: 2, inputs: [4], outputs: [5])
    let answerer = try QuestionAnswerer(model: Self.contractModel(end: [log], endCode: OperatorCode(builtin: .log)),
                                        vocabulary: try Self.vocabulary())
    let answers = try await answerer.answer("who was born?", in: "Tesla was born in July.")
    #expect(!answers.isEmpty)
    #expect(answers.allSatisfy { $0.score.isFinite && $0.score > 0 })
  }

  @Test func outputShapesTooLargeToMultiplyAreAContractError() throws {
    // 65536 × 65536 × 16 overflows Int32.
    let mean = OperatorDescription(opcodeIndex: 2, inputs: [3, 7], outputs: [5], options: .reducer(ReducerOptions(keepDims: true)))
    let model = Self.contractModel(declaredOutput: [65536, 65536, 16], end: [mean], endCode: OperatorCode(builtin: .mean))
    #expect(throws: QuestionAnsweringError.self) { try QuestionAnswerer(model: model, vocabulary: try Self.vocabulary()) }
  }

  func text(of document: QADocument, passage: Int) -> String? {
    document.passages.indices.contains(passage) ? String(document.text[document.passages[passage].range]) : nil
  }
}
