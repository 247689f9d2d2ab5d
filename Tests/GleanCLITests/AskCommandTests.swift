import Foundation
import Testing
import TestSupport
import TextTasks
@testable import GleanCLI

/// `glean ask` in-process on a converter-built fixture (random weights, so only the form of the output is checked).
@Suite struct AskCommandTests {
  static func vocabularyFile() throws -> String {
    var tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "when", "was", "tesla", "born", "in", "the", "he"]
    for c in "abcdefghijklmnopqrstuvwxyz0123456789.,;:'-" { tokens += [String(c), "##\(c)"] }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("glean-ask-vocab-\(UUID().uuidString).txt")
    try tokens.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  static func command(_ arguments: [String]) throws -> Ask {
    try Ask.parse(["--model", TestPaths.models("test/bert_tiny_float.tflite").path, "--vocab", try vocabularyFile()] + arguments)
  }

  @Test func jsonAnswersQuoteTheFileByCodePointOffsets() async throws {
    let file = TestPaths.corpora("samples/tesla.txt").path
    let ask = try Self.command(["--json", "--top", "3", "--passages", "2", file, "When was Tesla born?"])
    let text = try String(contentsOfFile: file, encoding: .utf8)
    let answerer = try ask.modelOptions.makeAnswerer { $0.passages = ask.passages }
    let answers = try await answerer.answer("When was Tesla born?", in: try QADocument(text: text), limit: 3)
    let output = try ask.render(answers, question: "When was Tesla born?", mode: .standard)
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]])
    #expect(parsed.count == 3)
    let scalars = Array(text.unicodeScalars)
    for object in parsed {
      #expect(Set(object.keys) == ["text", "score", "start", "end", "line", "column"])
      let start = try #require(object["start"] as? Int), end = try #require(object["end"] as? Int)
      #expect(object["text"] as? String == String(String.UnicodeScalarView(scalars[start..<end])))
    }
  }

  @Test func humanOutputNamesScoreAndPlace() throws {
    let ask = try Self.command(["notes.txt", "q1", "q2"])
    let text = "ab\ncd"
    let answer = QuestionAnswerer.Answer(text: "cd", score: 0.5, scalarRange: 3..<5,
                                         range: text.index(text.startIndex, offsetBy: 3)..<text.endIndex,
                                         location: TextLocation(line: 2, column: 1))
    #expect(try ask.render([answer], question: "q1", mode: .standard) == "Q: q1\ncd\n  score 0.500 · line 2, column 1 · characters 3–5")
    #expect(try ask.render([], question: "q2", mode: .standard) == "Q: q2\n(no answer found)")
  }

  @Test func rejectsBadArguments() {
    #expect(throws: (any Error).self) { try Ask.parse(["-"]) }  // questions must be given with stdin input
    #expect(throws: (any Error).self) { try Ask.parse(["f.txt", "q", "--top", "0"]) }
    #expect(throws: (any Error).self) { try Ask.parse(["f.txt", "q", "--compat", "litert"]) }
  }
}
