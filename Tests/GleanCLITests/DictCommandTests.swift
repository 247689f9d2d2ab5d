import Foundation
import Testing
import TestSupport
@testable import GleanCLI

@Suite struct DictCommandTests {
  static let starDict = TestPaths.corpora("dictionary/stardict").path
  let cache = FileManager.default.temporaryDirectory.appendingPathComponent("glean-cli-dict-\(UUID().uuidString)").path

  @Test func benchNeedsAPass() throws {
    #expect(throws: (any Error).self) { try DictBench.parse(["--words", "w.txt", "--passes", "0"]) }
    #expect(throws: (any Error).self) { try DictBench.parse(["--words", "w.txt", "--passes=-1"]) }
    #expect(try DictBench.parse(["--words", "w.txt", "--passes", "1"]).passes == 1)
  }

  @Test func listAsJSON() throws {
    let output = try DictList.parse(["--dict-dir", Self.starDict, "--cache-dir", cache, "--json", "--dict", "glean-fra-eng",
                                     "--dict", "glean-deu-eng"]).execute()
    let parsed = try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [[String: Any]])
    #expect(parsed.map { $0["name"] as? String } == ["glean-fra-eng", "glean-deu-eng"])
    #expect(parsed.map { $0["format"] as? String } == ["stardict", "stardict"])
    #expect(parsed.map { $0["from"] as? String } == ["fra", "deu"])
    #expect(parsed.map { $0["to"] as? String } == ["eng", "eng"])
    #expect(parsed.map { $0["entries"] as? Int } == [275, 109])  // word list entries plus .syn synonyms
    #expect(parsed.map { $0["title"] as? String } == ["Glean French-English word list", "Glean German-English word list"])
  }

  @Test func listAsTable() throws {
    let output = try DictList.parse(["--dict-dir", Self.starDict, "--cache-dir", cache, "--from", "fr"]).execute()
    let lines = output.standardOutput.split(separator: "\n")
    #expect(lines.first?.hasPrefix("NAME") == true)
    let row = try #require(lines.first { $0.hasPrefix("glean-fra-eng ") })
    #expect(row.split(separator: " ").prefix(5) == ["glean-fra-eng", "stardict", "fra-eng", "275", "7.0"])
  }
}
