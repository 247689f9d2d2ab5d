import Foundation
import Testing
@testable import Lexicon

/// Damaged dictionaries: every problem is a typed error or a skipped entry with a warning, never a crash.
/// The fixtures are Glean's own dictionaries, copied and damaged here.
@Suite struct MalformedInputTests {
  let folder = Fixtures.temporaryFolder("malformed")
  var cache: String { folder + "/cache" }

  func copyDictd(_ name: String = "glean-fra-eng") throws -> DictionarySource {
    _ = try Fixtures.copy(try #require(Fixtures.dictd(name)), to: folder)
    return try #require(Fixtures.dictd(name, in: folder))
  }

  func copyStarDict(_ name: String = "glean-fra-eng") throws -> DictionarySource {
    _ = try Fixtures.copy(try #require(Fixtures.starDict(name)), to: folder)
    return try #require(DictionarySource.starDict(info: "\(folder)/\(name).ifo"))
  }

  func append(_ bytes: [UInt8], to path: String) throws {
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data(bytes))
    handle.closeFile()
  }

  func mutate(_ path: String, _ change: (inout [UInt8]) -> Void) throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    change(&bytes)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
  }

  @Test func badIndexLinesAreSkippedWithWarnings() throws {
    let source = try copyDictd()
    let good = try String(contentsOfFile: source.indexPath, encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("maison\t") }
    var extra = Array("a line without tabs\nmot\tA=\tB\nloin\tBA\t////\n\tA\tB\n".utf8)
    extra += [0xFF, 0xFE, 0x09, 0x41, 0x09, 0x42, 0x0A]  // invalid UTF-8 headword
    extra += Array("\(try #require(good))\n".utf8)  // an exact duplicate
    try append(extra, to: source.indexPath)
    let dictionary = try OfflineDictionary.open(source, cacheDirectory: cache)
    let reasons = dictionary.warnings.map(\.reason)
    #expect(reasons.contains { $0.contains("found 1 field") })
    #expect(reasons.contains { $0.contains("bad base-64 offset") })
    #expect(reasons.contains { $0.contains("runs past the end") })
    #expect(reasons.contains { $0.contains("empty headword") })
    #expect(reasons.contains { $0.contains("not valid UTF-8") })
    #expect(reasons.contains { $0.contains("duplicate entry for \"maison\"") })
    #expect(dictionary.skippedEntryCount == 6)
    #expect(try dictionary.lookup("maison").count == 1)
    #expect(try dictionary.lookup("mot").map(\.definition) == ["mot <n, masc>\nword\n"])
    #expect(try dictionary.lookup("loin").map(\.definition) == ["loin <adv>\nfar\n"])
  }

  @Test func truncatedDictzipIsAnError() throws {
    let source = try copyDictd()
    try mutate(source.dataPath) { $0.removeLast($0.count / 2) }
    #expect(throws: LexiconError.self) { try OfflineDictionary.open(source, cacheDirectory: cache) }
  }

  @Test func badCRCIsAnError() throws {
    let source = try copyDictd()
    try mutate(source.dataPath) { $0[$0.count - 8] ^= 0xFF }
    do {
      _ = try OfflineDictionary.open(source, cacheDirectory: cache)
      Issue.record("a bad CRC was not noticed")
    } catch {
      guard case .corruptCompressedData = error else { Issue.record("unexpected \(error)"); return }
    }
  }

  @Test func chunkTableThatLiesAboutItsCountIsAnError() throws {
    let source = try copyDictd()
    // The RA subfield starts at byte 16: version, chunk length, chunk count (little-endian).
    try mutate(source.dataPath) { $0[20] &+= 3 }
    #expect(throws: LexiconError.self) { try OfflineDictionary.open(source, cacheDirectory: cache) }
  }

  @Test func chunkTableThatLiesAboutSizesFailsOnRead() throws {
    let source = try copyDictd()
    // Move one byte from chunk 0's size to chunk 1's: the totals agree, the chunks do not.
    try mutate(source.dataPath) { bytes in
      let size0 = Int(bytes[22]) | Int(bytes[23]) << 8
      let size1 = Int(bytes[24]) | Int(bytes[25]) << 8
      bytes[22] = UInt8((size0 - 1) & 0xFF); bytes[23] = UInt8((size0 - 1) >> 8)
      bytes[24] = UInt8((size1 + 1) & 0xFF); bytes[25] = UInt8((size1 + 1) >> 8)
    }
    // The whole-stream CRC still holds (the compressed bytes are unchanged), so opening works ...
    let dictionary = try OfflineDictionary.open(source, cacheDirectory: cache)
    // ... and reading the damaged chunks is a typed error for some words, a crash for none.
    var failures = 0
    for line in try Fixtures.wordList("wordlist_fra_eng.txt") {
      do { _ = try dictionary.lookup(line.headword) } catch {
        if case .corruptCompressedData = error { failures += 1 }
      }
    }
    #expect(failures > 0)
  }

  @Test func wrongIfoCounts() throws {
    let source = try copyStarDict()
    let infoPath = try #require(source.infoPath)
    let original = try String(contentsOfFile: infoPath, encoding: .utf8)
    // wordcount and synwordcount that disagree with the files: warnings; the files are believed.
    try original.replacingOccurrences(of: "wordcount=271", with: "wordcount=300")
      .replacingOccurrences(of: "synwordcount=4", with: "synwordcount=9").write(toFile: infoPath, atomically: true, encoding: .utf8)
    let dictionary = try OfflineDictionary.open(source, cacheDirectory: cache)
    #expect(dictionary.warnings.contains { $0.reason.contains("wordcount=300") })
    #expect(dictionary.warnings.contains { $0.reason.contains("synwordcount=9") })
    #expect(try dictionary.lookup("maison").count == 1)
    // idxfilesize that disagrees: a typed error.
    try original.replacingOccurrences(of: "idxfilesize=", with: "idxfilesize=1").write(toFile: infoPath, atomically: true, encoding: .utf8)
    #expect(throws: LexiconError.self) { try OfflineDictionary.open(source, cacheDirectory: nil) }
    // 64-bit offsets without version 3.0.0, and a missing bookname: typed errors.
    try (original + "idxoffsetbits=64\n").write(toFile: infoPath, atomically: true, encoding: .utf8)
    #expect(throws: LexiconError.self) { try OfflineDictionary.open(source, cacheDirectory: nil) }
    try original.replacingOccurrences(of: "bookname=", with: "title=").write(toFile: infoPath, atomically: true, encoding: .utf8)
    #expect(throws: LexiconError.self) { try OfflineDictionary.open(source, cacheDirectory: nil) }
    try "not an ifo\n".write(toFile: infoPath, atomically: true, encoding: .utf8)
    #expect(throws: LexiconError.self) { try OfflineDictionary.open(source, cacheDirectory: nil) }
  }

  @Test func truncatedIdxAndBadSynonym() throws {
    let source = try copyStarDict()
    try mutate(source.indexPath) { $0.removeLast(3) }
    try mutate(try #require(source.synonymPath)) { bytes in bytes[bytes.count - 1] = 0xFF }  // points past the .idx
    let infoPath = try #require(source.infoPath)
    let size = try #require(FileStamp.of(source.indexPath)?.size)
    let info = try String(contentsOfFile: infoPath, encoding: .utf8)
      .split(separator: "\n").map { $0.hasPrefix("idxfilesize=") ? "idxfilesize=\(size)" : String($0) }.joined(separator: "\n")
    try info.write(toFile: infoPath, atomically: true, encoding: .utf8)
    let dictionary = try OfflineDictionary.open(source, cacheDirectory: nil)
    #expect(dictionary.warnings.contains { $0.reason.contains("cut off") })
    #expect(dictionary.warnings.contains { $0.reason.contains("which the .idx does not hold") })
    #expect(try dictionary.lookup("école").count == 1)
  }

  @Test func invalidUTF8DefinitionIsATypedError() throws {
    // A hand-made StarDict: "bon" → valid text, "mal" → invalid UTF-8.
    let base = folder + "/tiny"
    let data: [UInt8] = Array("good".utf8) + [0x62, 0xFF, 0x61, 0x64]
    var idx: [UInt8] = []
    for (word, offset, size) in [("bon", 0, 4), ("mal", 4, 4)] {
      idx += Array(word.utf8) + [0] + [0, 0, 0, UInt8(offset)] + [0, 0, 0, UInt8(size)]
    }
    try Data(data).write(to: URL(fileURLWithPath: base + ".dict"))
    try Data(idx).write(to: URL(fileURLWithPath: base + ".idx"))
    try "StarDict's dict ifo file\nversion=2.4.2\nbookname=Tiny\nwordcount=2\nidxfilesize=\(idx.count)\nsametypesequence=m\n"
      .write(toFile: base + ".ifo", atomically: true, encoding: .utf8)
    let dictionary = try OfflineDictionary.open(try #require(DictionarySource.starDict(info: base + ".ifo")), cacheDirectory: nil)
    #expect(try dictionary.lookup("bon").map(\.definition) == ["good"])
    #expect(throws: LexiconError.invalidUTF8(path: base + ".dict", headword: "mal")) { try dictionary.lookup("mal") }
  }

  @Test func offsetsPastTheEndOfAPlainDict() throws {
    let base = folder + "/plain"
    try "hello".write(toFile: base + ".dict", atomically: true, encoding: .utf8)
    try "hi\tA\tF\nfar\tB\tBA\n".write(toFile: base + ".index", atomically: true, encoding: .utf8)
    let dictionary = try OfflineDictionary.open(try #require(DictionarySource.dictd(index: base + ".index")), cacheDirectory: nil)
    #expect(try dictionary.lookup("hi").map(\.definition) == ["hello"])
    #expect(try dictionary.lookup("far").isEmpty)
    #expect(dictionary.warnings.count == 1)
  }

  @Test func oneHeadwordRepeatedThroughoutTheIndexOpensQuickly() throws {
    // 20,000 entries for one headword at distinct offsets, and one exact duplicate: the duplicate check
    // compared each entry with all the others of its key (17 s in a debug build).
    let count = 20_000
    let base = folder + "/repeated"
    func base64(_ n: Int) -> String {
      let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
      var n = n, digits: [Character] = []
      repeat { digits.append(alphabet[n % 64]); n /= 64 } while n > 0
      return String(digits.reversed())
    }
    try String(repeating: "x", count: count).write(toFile: base + ".dict", atomically: true, encoding: .utf8)
    let lines = (0..<count).map { "word\t\(base64($0))\tB\n" } + ["word\tA\tB\n"]
    try lines.joined().write(toFile: base + ".index", atomically: true, encoding: .utf8)
    let started = ContinuousClock.now
    let dictionary = try OfflineDictionary.open(try #require(DictionarySource.dictd(index: base + ".index")), cacheDirectory: nil)
    #expect(ContinuousClock.now - started < .seconds(8))
    #expect(dictionary.entryCount(for: "word") == count)
    #expect(dictionary.warnings.map(\.reason) == ["duplicate entry for \"word\" (same definition twice); kept one"])
  }

  @Test func negativeLimitsCountAsZero() throws {
    let dictionary = try OfflineDictionary.open(try copyDictd(), cacheDirectory: nil)
    let modes: [LookupMode] = [.exact, .folded, .prefix, .glob, .fuzzy(maxEdits: 2), .inflection]
    for mode in modes {
      let word = mode == .glob ? "mais*" : mode == .inflection ? "maisons" : "maison"
      #expect(try dictionary.lookup(word, mode: mode, limit: -1).isEmpty, "\(mode)")
      #expect(try dictionary.lookup(word, mode: mode, limit: 0).isEmpty, "\(mode)")
      #expect(try dictionary.lookup(word, mode: mode, limit: 1).count >= 1, "\(mode)")
    }
    #expect(dictionary.headwords(withPrefix: "m", limit: -1).isEmpty)
    #expect(dictionary.headwords(withPrefix: "m", limit: 0).isEmpty)
    #expect(dictionary.headwords(withPrefix: "m", limit: 2).count == 2)
    #expect(dictionary.suggestions(for: "maisn", limit: -1).isEmpty)
  }

  @Test func notGzipAtAll() throws {
    let source = try copyDictd()
    try mutate(source.dataPath) { bytes in bytes[2] = 7 }  // compression method 7 is not deflate
    #expect(throws: LexiconError.self) { try OfflineDictionary.open(source, cacheDirectory: nil) }
  }
}
