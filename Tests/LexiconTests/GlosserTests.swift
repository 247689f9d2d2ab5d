import Foundation
import Testing
@testable import Lexicon

@Suite struct GlosserTests {
  let cache = Fixtures.temporaryFolder("gloss")

  @Test func interlinearFromTheOwnDictionary() throws {
    let dictionary = try OfflineDictionary.open(try #require(Fixtures.dictd("glean-fra-eng")), cacheDirectory: cache)
    let text = "Les enfants mangent des pommes dans le jardin de l'école, 3 fois."
    let words = try Glosser(dictionaries: [dictionary]).gloss(text)
    // Hand-checked against the word list: each word's first sense.
    #expect(words.map(\.text) == ["Les", "enfants", "mangent", "des", "pommes", "dans", "le", "jardin", "de", "l'école", "3", "fois"])
    #expect(words.map { $0.gloss ?? "?" } == ["the", "child", "eat", "some", "apple", "in", "the", "garden", "of", "school", "?", "?"])
    #expect(words.map { $0.match?.rawValue ?? "-" } == ["exact", "inflection", "inflection", "exact", "inflection", "exact", "exact",
                                                         "exact", "exact", "exact", "-", "-"])
    // Ranges are in Unicode scalars.
    let scalars = Array(text.unicodeScalars)
    for word in words {
      #expect(String(String.UnicodeScalarView(scalars[word.scalarRange])) == word.text)
    }
    #expect(words[9].scalarRange == 49..<56)  // counted by hand
  }

  @Test func severalLanguagesAndDictionaryOrder() throws {
    let french = try OfflineDictionary.open(try #require(Fixtures.starDict("glean-fra-eng")), cacheDirectory: cache)
    let german = try OfflineDictionary.open(try #require(Fixtures.starDict("glean-deu-eng")), cacheDirectory: cache)
    let words = try Glosser(dictionaries: [german, french]).gloss("Der Hund und le chat")
    #expect(words.map { $0.gloss ?? "?" } == ["the", "dog", "and", "the", "cat"])
    #expect(words.map { $0.dictionary ?? "" } == ["glean-deu-eng", "glean-deu-eng", "glean-deu-eng", "glean-fra-eng", "glean-fra-eng"])
  }
}

@Suite struct DiscoveryTests {
  @Test func findsBothFormatsAndSelectsByLanguage() throws {
    let library = DictionaryLibrary.discover(in: [Fixtures.dictdFolder, Fixtures.starDictFolder, "/nonexistent"])
    #expect(library.sources.map(\.name) == ["glean-deu-eng", "glean-fra-eng"])  // first of a name wins
    #expect(library.sources.allSatisfy { $0.format == .dictd })
    let starDict = DictionaryLibrary.discover(in: [Fixtures.starDictFolder])
    #expect(starDict.sources.map(\.format) == [.starDict, .starDict])
    #expect(starDict.sources.first?.synonymPath != nil)
    #expect(try library.select(from: "fr", to: "en").map(\.name) == ["glean-fra-eng"])
    #expect(try library.select(from: "deu").map(\.name) == ["glean-deu-eng"])
    #expect(try library.select(names: ["glean-fra-eng", "glean-deu-eng"]).map(\.name) == ["glean-fra-eng", "glean-deu-eng"])
    #expect(throws: LexiconError.self) { try library.select(from: "fr", to: "de") }
    #expect(throws: LexiconError.self) { try library.select(names: ["nope"]) }
    #expect(throws: LexiconError.self) { try library.select(from: "zz") }
  }

  @Test func freeDictNamesAndAliases() {
    let source = DictionarySource(name: "freedict-fra-eng", format: .dictd, indexPath: "/x.index", dataPath: "/x.dict.dz")
    #expect(source.isNamed("fra-eng") && source.isNamed("fd-fra-eng") && source.isNamed("freedict-fra-eng"))
    #expect(!source.isNamed("eng-fra"))
  }
}
