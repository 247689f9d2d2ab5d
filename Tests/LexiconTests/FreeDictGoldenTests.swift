import Foundation
import Testing
import TestSupport
@testable import Lexicon

/// Glean against the reference dictd server on real FreeDict dictionaries: for a seeded sample of
/// headwords, the definitions (their SHA-256, plus a few full texts) recorded from `dictd` by
/// Tools/dictionary/make_goldens.py must equal what Glean's exact lookup reads.
@Suite struct FreeDictGoldenTests {
  struct Golden: Decodable {
    struct Query: Decodable {
      let word: String
      let definitions: [String]
    }
    let dictionary: String
    let indexSize: Int
    let dataSize: Int
    let queries: [Query]
    let fullTexts: [Query]
  }

  static let goldenNames = ["freedict-deu-eng", "freedict-eng-fra", "freedict-eng-spa", "freedict-fra-eng", "freedict-spa-eng"]

  /// The text as dictd sends it: trailing new lines dropped.
  static func normalized(_ text: String) -> String {
    var text = text
    while text.hasSuffix("\n") { text.removeLast() }
    return text
  }

  @Test(arguments: goldenNames)
  func definitionsEqualDictd(name: String) throws {
    guard let source = Fixtures.freeDict(name) else {
      print("skipped: \(name) is not installed in /usr/share/dictd (apt-get install dict-\(name))")
      return
    }
    let url = TestPaths.corpora("dictionary/goldens/\(name).json")
    let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    guard FileStamp.of(source.indexPath)?.size == UInt64(golden.indexSize),
          FileStamp.of(source.dataPath)?.size == UInt64(golden.dataSize) else {
      print("skipped: the installed \(name) is not the version the goldens were recorded from; rerun Tools/dictionary/make_goldens.py")
      return
    }
    let dictionary = try OfflineDictionary.open(source, cacheDirectory: Fixtures.sharedCache)
    var mismatches: [String] = []
    for query in golden.queries {
      let found = try dictionary.lookup(query.word, mode: .exact, limit: 1000)
      let digests = found.map { String(SHA256.hex(Array(Self.normalized($0.definition).utf8)).prefix(16)) }
      if digests != query.definitions {
        mismatches.append("\(query.word): dictd \(query.definitions.count) definition(s), Glean \(digests.count)")
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count) of \(golden.queries.count) differ: \(mismatches.prefix(5))")
    #expect(golden.queries.count >= 800)
    for full in golden.fullTexts {
      let found = try dictionary.lookup(full.word, mode: .exact, limit: 1000).map { Self.normalized($0.definition) }
      #expect(found == full.definitions, "\(full.word)")
    }
  }

  @Test(.enabled(if: Fixtures.freeDictInstalled("freedict-fra-eng"), "needs dict-freedict-fra-eng"))
  func foldedAndInflectedLookupOnFreeDict() throws {
    let dictionary = try OfflineDictionary.open(try #require(Fixtures.freeDict("freedict-fra-eng")), cacheDirectory: Fixtures.sharedCache)
    #expect(try dictionary.lookup("ecole", mode: .folded).map(\.headword) == ["école"])
    #expect(try dictionary.lookup("mangeons", mode: .inflection).first?.headword == "manger")
    #expect(FirstSense.of(try dictionary.lookup("aller").first?.definition ?? "") == "fare")
  }

  @Test(.enabled(if: Fixtures.freeDictInstalled("freedict-deu-eng"), "needs dict-freedict-deu-eng"))
  func germanUmlautPluralFoldsToItsSingular() throws {
    let dictionary = try OfflineDictionary.open(try #require(Fixtures.freeDict("freedict-deu-eng")), cacheDirectory: Fixtures.sharedCache)
    #expect(dictionary.entryCount > 500_000)
    #expect(try dictionary.lookup("strasse", mode: .folded).contains { $0.headword == "straße" })
    let glosser = Glosser(dictionaries: [dictionary])
    #expect(try glosser.gloss("Haus").first?.gloss == "house")
  }
}
