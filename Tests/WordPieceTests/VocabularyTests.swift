import Foundation
import TestSupport
import Testing
import WordPiece

@Suite struct VocabularyTests {
  static let small = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "the", "!", "a", "##b"]

  @Test func idsAreLineNumbersAndLFOrCRLFBothWork() throws {
    let lf = try Vocabulary(data: Data((Self.small.joined(separator: "\n") + "\n").utf8))
    let crlf = try Vocabulary(data: Data((Self.small.joined(separator: "\r\n") + "\r\n").utf8))
    let noFinalNewline = try Vocabulary(data: Data(Self.small.joined(separator: "\r\n").utf8))
    #expect(lf.tokens == Self.small)
    #expect(crlf.tokens == Self.small)
    #expect(noFinalNewline.tokens == Self.small)
    #expect(crlf.id(for: "##aff") == 6)
    #expect(crlf.id(for: "##aff\r") == nil)
    #expect(lf.token(for: 8) == "the")
    #expect(lf.token(for: 99) == nil)
    #expect(lf.id(for: "missing") == nil)
  }

  @Test func badFilesGiveTypedErrors() {
    #expect(throws: VocabularyError.empty) { try Vocabulary(data: Data()) }
    #expect(throws: VocabularyError.empty) { try Vocabulary(data: Data("\n".utf8)) }
    #expect(throws: VocabularyError.binary(line: 2)) { try Vocabulary(data: Data("a\nb\u{0}c\n".utf8)) }
    #expect(throws: VocabularyError.invalidUTF8(line: 2)) { try Vocabulary(data: Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A])) }
    #expect(throws: VocabularyError.duplicateToken("a", firstLine: 1, line: 3)) { try Vocabulary(data: Data("a\nb\na\n".utf8)) }
    #expect(throws: VocabularyError.emptyToken(line: 2)) { try Vocabulary(data: Data("a\n\nb\n".utf8)) }
    // Both faults: the earlier line's is reported; a repeat is reported with the first of its copies.
    #expect(throws: VocabularyError.emptyToken(line: 2)) { try Vocabulary(data: Data("a\n\na\n".utf8)) }
    #expect(throws: VocabularyError.duplicateToken("a", firstLine: 1, line: 2)) { try Vocabulary(data: Data("a\na\n\nb\n".utf8)) }
    #expect(throws: VocabularyError.duplicateToken("b", firstLine: 2, line: 4)) { try Vocabulary(data: Data("a\nb\nc\nb\na\n".utf8)) }
    #expect(throws: VocabularyError.self) { try Vocabulary(contentsOf: URL(fileURLWithPath: "/nonexistent/vocab.txt")) }
  }

  @Test func canonicallyEquivalentTokensAreDistinct() throws {
    // U+037E GREEK QUESTION MARK is canonically equivalent to ";" but a different token.
    let vocab = try Vocabulary(tokens: [";", "\u{37E}"])
    #expect(vocab.id(for: ";") == 0)
    #expect(vocab.id(for: "\u{37E}") == 1)
  }

  @Test func missingSpecialTokensAreReported() throws {
    let vocab = try Vocabulary(tokens: ["[PAD]", "[CLS]", "[SEP]", "hello"])
    #expect(throws: VocabularyError.missingSpecialToken("[UNK]")) {
      try BertTokenizer(vocabulary: vocab, configuration: .huggingFace(lowercase: true))
    }
  }

  @Test func wordIndexFormat() throws {
    let vocab = try Vocabulary(data: Data("<PAD> 0\r\n<START> 1\r\nthe 4\r\nl'été 7\n".utf8), format: .wordIndex)
    #expect(vocab.count == 8)
    #expect(vocab.id(for: "the") == 4)
    #expect(vocab.id(for: "l'été") == 7)
    #expect(vocab.token(for: 2) == "")
    #expect(throws: VocabularyError.malformedLine(line: 2, text: "oops")) {
      try Vocabulary(data: Data("a 0\noops\n".utf8), format: .wordIndex)
    }
    #expect(throws: VocabularyError.duplicateID(0, line: 2)) {
      try Vocabulary(data: Data("a 0\nb 0\n".utf8), format: .wordIndex)
    }
  }

  @Test(.enabled(if: TestPaths.shared("real-models/text_classification_v1_vocab.txt") != nil,
                 "needs ../shared/real-models/text_classification_v1_vocab.txt (third-party data)"))
  func realWordIndexVocabulary() throws {
    let url = try #require(TestPaths.shared("real-models/text_classification_v1_vocab.txt"))
    let vocab = try Vocabulary(contentsOf: url, format: .wordIndex)
    // The file's first lines: "<PAD> 0", "<START> 1", "<UNKNOWN> 2", "<UNUSED> 3", "the 4".
    #expect(vocab.id(for: "<PAD>") == 0)
    #expect(vocab.id(for: "<UNKNOWN>") == 2)
    #expect(vocab.id(for: "the") == 4)
    #expect(vocab.count >= 10_000)
  }

  @Test func writesWhatItReads() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("glean-vocab-\(UUID().uuidString).txt")
    defer { try? FileManager.default.removeItem(at: url) }
    let vocab = try Vocabulary(tokens: Self.small)
    try vocab.write(to: url)
    #expect(try Vocabulary(contentsOf: url).tokens == Self.small)
  }
}
