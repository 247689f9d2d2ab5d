import Foundation
import Testing
import TestSupport
@testable import GleanCLI

/// `glean define` on Glean's own dictionaries (Corpora/dictionary), so it runs without FreeDict.
@Suite struct DefineCommandTests {
  static let dictd = TestPaths.corpora("dictionary/dictd").path
  static let starDict = TestPaths.corpora("dictionary/stardict").path
  let cache = FileManager.default.temporaryDirectory.appendingPathComponent("glean-cli-define-\(UUID().uuidString)").path

  func define(_ arguments: [String]) throws -> CommandOutput {
    try Define.parse(arguments + ["--dict-dir", Self.dictd, "--cache-dir", cache]).execute()
  }

  @Test func readableDefinition() throws {
    let output = try define(["école", "--dict", "glean-fra-eng"])
    #expect(output.exitCode == 0)
    #expect(output.standardOutput == "From glean-fra-eng (Glean French-English word list):\n\n  école <n, fem>\n  school\n")
  }

  @Test func jsonLikeSdcvWithMatchKinds() throws {
    let output = try define(["ecole", "mangeons", "chapaeu", "--dict", "glean-fra-eng", "--json"])
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [[String: String]])
    #expect(parsed.map { $0["word"] } == ["école", "manger", "chapeau"])
    #expect(parsed.map { $0["match"] } == ["folded", "inflection", "fuzzy"])
    #expect(parsed.map { $0["dict"] } == ["glean-fra-eng", "glean-fra-eng", "glean-fra-eng"])
    #expect(parsed[0]["definition"] == "école <n, fem>\nschool\n")
    #expect(output.standardOutput.hasPrefix("[{\"dict\": "))  // key order as sdcv -j: dict, word, definition
  }

  @Test func unknownWordExitsWithOne() throws {
    let output = try define(["xyzzyq", "--dict", "glean-fra-eng"])
    #expect(output.exitCode == 1)
    #expect(output.standardError == ["No definitions found for \"xyzzyq\""])
    #expect(output.standardOutput.isEmpty)
  }

  @Test func languagesPickTheDictionary() throws {
    // Of the two named dictionaries, only the German-English one is kept.
    let output = try define(["Haus", "--from", "de", "--to", "en", "--json", "--dict-dir", Self.starDict,
                             "--dict", "glean-fra-eng", "--dict", "glean-deu-eng"])
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [[String: String]])
    #expect(parsed.map { $0["dict"] } == ["glean-deu-eng"])
    #expect(parsed.first?["definition"] == "Haus <n, neut>\n1. house\n2. home\n")
  }

  @Test func unknownDictionaryIsAClearError() throws {
    #expect(throws: (any Error).self) { try define(["école", "--dict", "no-such-dictionary"]) }
  }
}
