import Foundation
@testable import GleanCLI
import TestSupport
import Testing
import WordPiece

/// `glean tokenize`, run in-process on the cased vocabulary of Corpora/tokenizer (no ../shared needed).
@Suite struct TokenizeCommandTests {
  static let casedVocab = TestPaths.corpora("tokenizer/cased-vocab.txt").path

  static func command(_ arguments: [String]) throws -> Tokenize {
    try Tokenize.parse(["--vocab", casedVocab, "--cased"] + arguments)
  }

  @Test func jsonLineHasTokensIdsAndScalarOffsets() throws {
    let cmd = try Self.command(["--json", "Hello, wörld!"])
    let tokenizer = try cmd.makeTokenizer()
    let line = try cmd.render("Ünïcode 中 ok", pair: nil, tokenizer: tokenizer)
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    let tokens = try #require(object?["tokens"] as? [String])
    let ids = try #require(object?["ids"] as? [Int])
    let offsets = try #require(object?["offsets"] as? [[Int]])
    #expect(tokens.count == ids.count && ids.count == offsets.count)
    #expect(tokens.contains("中"))
    // "中" is scalar 8 of the line (Ü n ï c o d e, space): offsets count scalars, not bytes or UTF-16.
    let k = try #require(tokens.firstIndex(of: "中"))
    #expect(offsets[k] == [8, 9])
    #expect(ids == tokenizer.ids("Ünïcode 中 ok"))
    #expect(!tokens.contains("[CLS]"))
  }

  @Test func specialTokensAndPairs() throws {
    let cmd = try Self.command(["--json", "--special", "--pair", "b", "a"])
    let line = try cmd.render("a", pair: "b", tokenizer: cmd.makeTokenizer())
    #expect(line.hasPrefix("{\"tokens\": [\"[CLS]\", \"a\", \"[SEP]\", \"b\", \"[SEP]\"]"))
    #expect(line.contains("\"type_ids\": [0, 0, 0, 1, 1]"))
    #expect(line.contains("\"offsets\": [[0, 0], [0, 1], [0, 0], [0, 1], [0, 0]]"))
  }

  @Test func fileLinesAndBadBytes() throws {
    // LF and CRLF lines, an empty line, invalid UTF-8, NUL, no final newline.
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("glean-tok-\(UUID().uuidString).txt")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data([0x61, 0x0D, 0x0A, 0xFF, 0x62, 0x0A, 0x0A, 0x00, 0x63]).write(to: url)
    let input = try TextInput.read(url.path, allowBinary: true)
    #expect(input.replacedSequences == 1)
    let lines = Tokenize.lines(of: input.text)
    #expect(lines == ["a", "\u{FFFD}b", "", "\u{0}c"])
    let cmd = try Self.command(["--json", "--file", url.path])
    let tokenizer = try cmd.makeTokenizer()
    let rendered = try lines.map { try cmd.render($0, pair: nil, tokenizer: tokenizer) }
    #expect(rendered[2] == "{\"tokens\": [], \"ids\": [], \"offsets\": []}\n")
    // U+FFFD and NUL are dropped by the HF rules; the offsets still count them.
    #expect(rendered[1].contains("\"offsets\": [[1, 2]]"))
    #expect(rendered[3].contains("\"offsets\": [[1, 2]]"))
  }

  @Test func humanOutputQuotesTheOriginalText() throws {
    let cmd = try Self.command(["x"])
    let text = try cmd.render("Zoë said \"hi\"", pair: nil, tokenizer: cmd.makeTokenizer())
    #expect(text.contains("\"\\\"\""))  // the quote character, JSON-escaped in the text column
    #expect(text.hasSuffix("tokens\n"))
  }

  @Test func statsCountTokens() throws {
    let cmd = try Self.command(["x"])
    let report = try Tokenize.measure(["a b", "c"], pair: nil, special: false, tokenizer: cmd.makeTokenizer())
    #expect(report.hasPrefix("2 lines, 4 bytes, 3 tokens in "))
  }

  @Test func badArgumentsAreRejected() {
    #expect(throws: (any Error).self) { try Tokenize.parse(["a", "--file", "b"]) }
    #expect(throws: (any Error).self) { try Tokenize.parse([]) }
    #expect(throws: (any Error).self) { try Tokenize.parse(["--mode", "tflite", "--cased", "x"]) }
    #expect(throws: (any Error).self) { try Tokenize.parse(["--vocab", "/nonexistent/vocab.txt", "x"]).makeTokenizer() }
  }

  @Test("with no --vocab and no vocab file of the user's, the vocabulary packed in the default model is bert-base-uncased's")
  func defaultVocabularyComesFromTheDefaultModel() throws {
    let packed = try #require(try BertVocabularyLocator.packedInDefaultModel(), "the default model packs a vocabulary")
    #expect(packed.count == 30_522)
    let path = "vocab/bert-base-uncased-vocab.txt"
    guard let shared = TestPaths.shared(path) else {
      print(TestPaths.sharedMissing(path))
      return
    }
    #expect(packed.tokens == (try Vocabulary(contentsOf: shared)).tokens)
  }

  @Test func jsonEscaping() {
    #expect(JSONText.string("a\"b\\c\u{0}\n\u{2028}é") == "\"a\\\"b\\\\c\\u0000\\n\\u2028é\"")
  }
}
