import Foundation
import Testing
@testable import Lexicon

/// Glean's own dictionaries, in both formats: every entry of the word lists must come back exactly as
/// the generator wrote it (the word lists are the reference), from dictd and from StarDict alike.
@Suite struct OwnDictionaryTests {
  let cache = Fixtures.temporaryFolder("own")

  @Test(arguments: [("glean-fra-eng", "wordlist_fra_eng.txt"), ("glean-deu-eng", "wordlist_deu_eng.txt")])
  func everyEntryReadsBackInBothFormats(name: String, wordList: String) throws {
    let lines = try Fixtures.wordList(wordList)
    let dictd = try OfflineDictionary.open(try #require(Fixtures.dictd(name)), cacheDirectory: cache)
    let starDict = try OfflineDictionary.open(try #require(Fixtures.starDict(name)), cacheDirectory: cache)
    #expect(dictd.warnings.isEmpty && starDict.warnings.isEmpty)
    #expect(dictd.entryCount == lines.count)
    #expect(starDict.entryCount == lines.count + (starDict.starDictInfo?.synonymCount ?? 0))
    for line in lines {
      let expected = Fixtures.expectedDefinition(line)
      let fromDictd = try dictd.lookup(line.headword, mode: .exact)
      let fromStarDict = try starDict.lookup(line.headword, mode: .exact)
      #expect(fromDictd.map(\.definition) == [expected], "dictd: \(line.headword)")
      #expect(fromStarDict.map(\.definition) == [expected], "StarDict: \(line.headword)")
    }
  }

  @Test func dictdSpecialEntriesGiveTheTitle() throws {
    let dictionary = try OfflineDictionary.open(try #require(Fixtures.dictd("glean-fra-eng")), cacheDirectory: cache)
    #expect(dictionary.title() == "Glean French-English word list")
    #expect(dictionary.special("00-database-url") == "https://example.invalid/glean")
    #expect(dictionary.source.languages?.source == "fra" && dictionary.source.languages?.target == "eng")
  }

  @Test func sixtyFourBitOffsetsAndGzippedIndex() throws {
    let source = try #require(DictionarySource.starDict(info: Fixtures.starDict64Folder + "/glean-deu-eng-64.ifo"))
    #expect(source.indexPath.hasSuffix(".idx.gz"))
    let dictionary = try OfflineDictionary.open(source, cacheDirectory: cache)
    #expect(dictionary.starDictInfo?.offsetBits == 64)
    #expect(try dictionary.lookup("Haus").map(\.definition) == ["Haus <n, neut>\n1. house\n2. home\n"])
    #expect(try dictionary.lookup("Zug").map(\.definition) == ["Zug <n, masc>\ntrain\n"])
  }

  @Test func plainGzipDictWithoutChunkTable() throws {
    let folder = Fixtures.starDict64Folder.replacingOccurrences(of: "stardict64", with: "dictd-gzip")
    let source = try #require(DictionarySource.dictd(index: folder + "/glean-deu-eng-gz.index"))
    #expect(source.dataPath.hasSuffix(".dict.gz"))
    let dictionary = try OfflineDictionary.open(source, cacheDirectory: cache)
    #expect(try dictionary.lookup("Haus").map(\.definition) == ["Haus <n, neut>\n1. house\n2. home\n"])
  }

  @Test func synonymsPointToTheirEntry() throws {
    let dictionary = try OfflineDictionary.open(try #require(Fixtures.starDict("glean-fra-eng")), cacheDirectory: cache)
    #expect(try dictionary.lookup("clef").map(\.definition) == ["clé <n, fem>\nkey\n"])
    #expect(try dictionary.lookup("oeil").map(\.definition) == ["œil <n, masc>\neye\n"])
  }

  @Test func dictzipHasSeveralChunks() throws {
    let file = try MappedFile(path: Fixtures.dictdFolder + "/glean-fra-eng.dict.dz")
    let dictzip = try #require(try DictzipData(file: file))
    #expect(dictzip.chunkOffsets.count - 1 >= 5)
    #expect(dictzip.chunkLength == 1024)
    try dictzip.verifyChecksum()
    // A read that spans a chunk boundary.
    let bytes = try dictzip.bytes(offset: 1000, size: 100)
    #expect(bytes.count == 100)
  }
}

/// The lookup modes, on the own French-English and German-English dictionaries (hand-checked answers).
@Suite struct LookupModeTests {
  let cache = Fixtures.temporaryFolder("modes")

  func french() throws -> OfflineDictionary {
    try OfflineDictionary.open(try #require(Fixtures.dictd("glean-fra-eng")), cacheDirectory: cache)
  }

  func german() throws -> OfflineDictionary {
    try OfflineDictionary.open(try #require(Fixtures.starDict("glean-deu-eng")), cacheDirectory: cache)
  }

  @Test func exactFollowsDictdNormalisation() throws {
    let dictionary = try french()
    #expect(try dictionary.lookup("école").map(\.headword) == ["école"])
    #expect(try dictionary.lookup("École").map(\.headword) == ["école"])  // dictd lower-cases
    #expect(try dictionary.lookup("ecole").isEmpty)  // but keeps accents
  }

  @Test func foldedIgnoresCaseAndAccents() throws {
    #expect(try french().lookup("ecole", mode: .folded).map(\.headword) == ["école"])
    #expect(try french().lookup("FORET", mode: .folded).map(\.headword) == ["forêt"])
    #expect(try german().lookup("Grussen", mode: .folded).map(\.headword) == ["grüßen"])
    #expect(try german().lookup("strasse", mode: .folded).map(\.headword).contains("Straße"))
  }

  @Test func prefixAndGlob() throws {
    let dictionary = try french()
    #expect(try dictionary.lookup("cha", mode: .prefix).map(\.headword) == ["chaise", "chambre", "chanson", "chanter", "chapeau", "chat", "château", "chaud"])
    #expect(try dictionary.lookup("ch?t*", mode: .glob).map(\.headword) == ["chat", "château"])
    #expect(try dictionary.lookup("*eau", mode: .glob).map(\.headword) == ["beau", "chapeau", "château", "eau", "gâteau", "nouveau", "oiseau", "peau"])
    // dictd's special entries never show up in prefix or glob searches.
    #expect(try dictionary.lookup("00", mode: .prefix).isEmpty)
  }

  @Test func fuzzyRanksByDistance() throws {
    let dictionary = try french()
    let transposed = try dictionary.lookup("ecoel", mode: .fuzzy(maxEdits: 2))
    #expect(transposed.first?.headword == "école")
    #expect(transposed.first?.distance == 1)  // accent folded away, then one transposition: "ecole"/"ecoel"
    // "main" (one deletion) and "maison" (one insertion) tie; ties go alphabetically.
    let suggestions = dictionary.suggestions(for: "maisn")
    #expect(suggestions.prefix(2).map(\.headword) == ["main", "maison"])
    #expect(suggestions.prefix(2).map(\.distance) == [1, 1])
    #expect(dictionary.suggestions(for: "chta", limit: 10).count <= 10)
    #expect(dictionary.suggestions(for: "xyzzyq").isEmpty)
  }

  @Test func inflectionKeepsOnlyHeadwords() throws {
    let dictionary = try french()
    let cases: [(String, String)] = [("mangeons", "manger"), ("parlait", "parler"), ("finissons", "finir"), ("vendu", "vendre"),
                                     ("chevaux", "cheval"), ("oiseaux", "oiseau"), ("heureuse", "heureux"), ("pommes", "pomme"),
                                     ("vertes", "vert"), ("sommes", "être")]
    for (form, lemma) in cases {
      #expect(try dictionary.lookup(form, mode: .inflection).first?.headword == lemma, "\(form)")
    }
    #expect(try german().lookup("Häuser", mode: .inflection).first?.headword == "Haus")
    #expect(try german().lookup("Kinder", mode: .inflection).first?.headword == "Kind")
    #expect(try german().lookup("gesagt", mode: .inflection).first?.headword == "sagen")
    #expect(try german().lookup("spielte", mode: .inflection).first?.headword == "spielen")
  }

  @Test func fallbacksTakeTheFirstThatFinds() throws {
    let dictionary = try french()
    #expect(try dictionary.lookupWithFallbacks("école").first?.match == .exact)
    #expect(try dictionary.lookupWithFallbacks("ECOLE").first?.match == .folded)
    #expect(try dictionary.lookupWithFallbacks("chantons").first?.match == .inflection)
    #expect(try dictionary.lookupWithFallbacks("chapaeu").first?.match == .fuzzy)
    #expect(try dictionary.lookupWithFallbacks("xyzzyq").isEmpty)
  }

  @Test func severalDictionariesInOrder() throws {
    let both = [try french(), try german()]
    let entries = try DictionaryLibrary.define("Hand", in: both)
    #expect(entries.map(\.dictionary) == ["glean-deu-eng"])
    #expect(entries.first?.match == .exact || entries.first?.match == .folded)
  }
}

/// Inflection rules for languages without a Glean dictionary: the lemma must be among the candidates
/// (hand-checked forms).
@Suite struct InflectionTests {
  @Test(arguments: [
    ("eng", "children", "child"), ("eng", "stopped", "stop"), ("eng", "cities", "city"), ("eng", "making", "make"),
    ("eng", "went", "go"), ("eng", "boxes", "box"), ("spa", "hablamos", "hablar"), ("spa", "comiendo", "comer"),
    ("spa", "luces", "luz"), ("spa", "buena", "bueno"), ("spa", "vivieron", "vivir"), ("ita", "parliamo", "parlare"),
    ("ita", "amiche", "amica"), ("ita", "libri", "libro"), ("ita", "finito", "finire"), ("por", "falamos", "falar"),
    ("por", "animais", "animal"), ("por", "canções", "cancao"), ("por", "homens", "homem"), ("nld", "katten", "kat"),
    ("nld", "bomen", "boom"), ("nld", "huizen", "huis"), ("nld", "gewerkt", "werken"), ("nld", "grote", "groot"),
    ("deu", "Häuser", "haus"), ("deu", "gemacht", "machen"), ("deu", "kleinen", "klein"), ("fra", "allons", "aller"),
  ])
  func lemmaIsACandidate(language: String, form: String, lemma: String) {
    #expect(Inflection.candidates(for: form, language: language).contains(lemma), "\(language) \(form) → \(lemma)")
  }

  @Test func unknownLanguageTriesAll() {
    let candidates = Inflection.candidates(for: "mangeons", language: nil)
    #expect(candidates.contains("manger"))
    #expect(!candidates.contains("mangeons"))
  }
}
