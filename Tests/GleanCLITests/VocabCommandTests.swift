import Foundation
@testable import GleanCLI
import TestSupport
import Testing
import WordPiece

@Suite struct VocabCommandTests {
  @Test func trainWritesAVocabularyThatLoads() async throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("glean-vocab-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("in.txt")
    try Data((String(repeating: "hug pug pun bun hugs\r\n", count: 5) + "Ünïcode\n").utf8).write(to: input)
    let output = dir.appendingPathComponent("vocab.txt")
    let command = try Vocab.Train.parse(["--vocab-size", "40", "--min-frequency", "2", "-o", output.path, input.path])
    try await command.run()
    let vocab = try Vocabulary(contentsOf: output)
    #expect(Array(vocab.tokens.prefix(5)) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    #expect(vocab.id(for: "hug") != nil)
    #expect(vocab.id(for: "unicode") != nil || vocab.id(for: "u") != nil)  // lower-cased, accents stripped
    #expect(vocab.id(for: "Ü") == nil)
    let check = try Vocab.Check.parse([output.path]).report()
    #expect(check.contains("[UNK]=1"))
  }

  @Test func badArguments() throws {
    #expect(throws: (any Error).self) { try Vocab.Train.parse(["-o", "x.txt"]) }
    #expect(throws: (any Error).self) { try Vocab.Train.parse(["--vocab-size", "0", "-o", "x.txt", "in.txt"]) }
    #expect(throws: (any Error).self) { try Vocab.Train.parse(["-o", "/tmp/x.txt", "/nonexistent/in.txt"]).train() }
    #expect(throws: (any Error).self) { try Vocab.Check.parse(["/nonexistent/vocab.txt"]).report() }
  }

  @Test func checkReportsDuplicatesWithLineNumbers() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("glean-dup-\(UUID().uuidString).txt")
    defer { try? FileManager.default.removeItem(at: url) }
    try Data("[PAD]\r\n[UNK]\r\nhello\r\nhello\r\n".utf8).write(to: url)
    #expect {
      try Vocab.Check.parse([url.path]).report()
    } throws: { error in
      "\(error)".contains("line 3 and again on line 4")
    }
  }
}

extension VocabCommandTests {
  @Test func casingFlags() throws {
    #expect(try Vocab.Train.parse(["-o", "v.txt", "in.txt"]).casing == .lowercase)
    #expect(try Vocab.Train.parse(["--cased", "-o", "v.txt", "in.txt"]).casing == .cased)
    #expect(try Vocab.Train.parse(["--lowercase", "-o", "v.txt", "in.txt"]).casing == .lowercase)
    #expect(throws: (any Error).self) { try Vocab.Train.parse(["--lowercase", "--cased", "-o", "v.txt", "in.txt"]) }
  }
}
