import Foundation
import Testing
import TestSupport
@testable import GleanCLI

@Suite struct GlossCommandTests {
  static let dictd = TestPaths.corpora("dictionary/dictd").path
  let cache = FileManager.default.temporaryDirectory.appendingPathComponent("glean-cli-gloss-\(UUID().uuidString)").path

  func gloss(_ arguments: [String]) throws -> CommandOutput {
    try Gloss.parse(arguments + ["--dict-dir", Self.dictd, "--cache-dir", cache, "--dict", "glean-fra-eng"]).execute()
  }

  @Test func interlinear() throws {
    let output = try gloss(["Le chat mange la souris bleue."])
    #expect(output.standardOutput == """
      Le   chat  mange  la   souris  bleue
      the  cat   eat    the  mouse   blue

      """)
  }

  @Test func unknownWordsAreMarkedAndLinesWrap() throws {
    let output = try gloss(["--width", "20", "Le zorglub mange"])
    #expect(output.standardOutput == "Le   zorglub\nthe  ?\n\nmange\neat\n")
  }

  @Test func jsonWithScalarRanges() throws {
    let output = try gloss(["--json", "Où est l'école ?"])
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [[String: Any]])
    #expect(parsed.map { $0["word"] as? String } == ["Où", "est", "l'école"])
    #expect(parsed.map { $0["range"] as? [Int] } == [[0, 2], [3, 6], [7, 14]])
    #expect(parsed[0]["gloss"] as? String == "or")  // folded "ou": the word list has "ou" (or), not "où" (where)
    #expect(parsed[1]["match"] as? String == "inflection")  // "est" → être (irregular)
    #expect(parsed[2]["gloss"] as? String == "school")
  }

  @Test func readsAFile() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("glean-gloss-\(UUID().uuidString).txt").path
    try "un chien\n".write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try gloss([path]).standardOutput == "un  chien\na   dog\n")
  }
}
