import Foundation
import Testing
import CZlib
@testable import Lexicon

@Suite struct DictdBase64Tests {
  @Test func decodesDictdNumbers() {
    // Hand-checked: digits are A=0 … Z=25, a=26 … z=51, 0=52 … 9=61, +=62, /=63, most significant first.
    #expect(DictdBase64.decode(Array("A".utf8)) == 0)
    #expect(DictdBase64.decode(Array("B".utf8)) == 1)
    #expect(DictdBase64.decode(Array("BA".utf8)) == 64)
    #expect(DictdBase64.decode(Array("8m".utf8)) == 60 * 64 + 38)
    #expect(DictdBase64.decode(Array("//".utf8)) == 4095)
    #expect(DictdBase64.decode(Array("".utf8)) == nil)
    #expect(DictdBase64.decode(Array("A=".utf8)) == nil)
    #expect(DictdBase64.decode(Array("AAAAAAAAAAA".utf8)) == nil)  // 11 digits: more than any file
    for value: UInt64 in [0, 1, 63, 64, 4095, 123_456_789] {
      #expect(DictdBase64.decode(Array(DictdBase64.encode(value).utf8)) == value)
    }
  }
}

@Suite struct LookupKeyTests {
  @Test func folding() {
    #expect(LookupKey.folded("École") == "ecole")
    #expect(LookupKey.folded("grüßen") == "grussen")
    #expect(LookupKey.folded("abat-jour") == "abatjour")
    #expect(LookupKey.folded("Haus…") == "haus")
    #expect(LookupKey.folded("  frei   Haus ") == "frei haus")
    #expect(LookupKey.folded("ΟΔΟΣ") == "οδοσ")
    #expect(LookupKey.folded("…") == "…")  // only punctuation: kept rather than empty
  }

  @Test func dictdNormalisation() {
    #expect(LookupKey.dictd("Abat-jour") == "abatjour")
    #expect(LookupKey.dictd(" ago") == " ago")  // dictd keeps spaces as they are
    #expect(LookupKey.dictd("Abat-jour", allChars: true) == "abat-jour")
    #expect(LookupKey.dictd("Abat-jour", allChars: true, caseSensitive: true) == "Abat-jour")
  }
}

@Suite struct EditDistanceTests {
  func distance(_ a: String, _ b: String, bound: Int = 2) -> Int? {
    var d = EditDistance(maximumLength: 64)
    return d.between(a.unicodeScalars.map(\.value), b.unicodeScalars.map(\.value), bound: bound)
  }

  @Test func damerauLevenshtein() {
    #expect(distance("ecole", "ecole") == 0)
    #expect(distance("ecoel", "ecole") == 1)  // one transposition
    #expect(distance("maisn", "maison") == 1)
    #expect(distance("chta", "chat") == 1)
    #expect(distance("kitten", "sitting", bound: 3) == 3)
    #expect(distance("kitten", "sitting") == nil)  // over the bound
    #expect(distance("", "ab") == 2)
  }
}

@Suite struct LanguageCodeTests {
  @Test func codes() {
    #expect(LanguageCode.normalize("fr") == "fra")
    #expect(LanguageCode.normalize("FRA") == "fra")
    #expect(LanguageCode.normalize("ger") == "deu")
    #expect(LanguageCode.normalize("de") == "deu")
    #expect(LanguageCode.normalize("xx") == nil)
    #expect(LanguageCode.normalize("français") == nil)
    #expect(LanguageCode.pair(inName: "freedict-deu-eng")! == ("deu", "eng"))
    #expect(LanguageCode.pair(inName: "fd-fra-eng")! == ("fra", "eng"))
    #expect(LanguageCode.pair(inName: "glean-fra-eng")! == ("fra", "eng"))
    #expect(LanguageCode.pair(inName: "wordnet") == nil)
  }
}

@Suite struct FirstSenseTests {
  // Entries copied from FreeDict's dictd text (the format this parses); the expected senses are hand-picked.
  @Test func freeDictEntries() {
    #expect(FirstSense.of("aller /ale/ <v>\n1. fare\n2. go, ride, travel\n") == "fare")
    #expect(FirstSense.of("école /ekɔl/ <n, fem>\nschool\n") == "school")
    #expect(FirstSense.of("Haus /hˈaʊs/ <neut, n, sg>\nhouse <n>\n      \"ein Haus bauen\"  - build a house\n see: {Häuser}\n") == "house")
    #expect(FirstSense.of("Haus /hˈaʊs/ <neut, n, sg>\n [adm.] establishment <n>, institution <n>\n   Synonyms: {Einrichtung}\n") == "establishment")
    #expect(FirstSense.labelCount(of: "Haus /hˈaʊs/ <neut, n, sg>\n [adm.] establishment <n>\n") == 1)
    #expect(FirstSense.of("Haus\n   Synonyms: {Einrichtung}\n") == nil)
    #expect(FirstSense.isAffixEntry("nach… /nˈaːx/ <prefix>\npost…\n"))
    #expect(!FirstSense.isAffixEntry("nach /nˈaːx/ <prp>\nafter\n"))
  }
}

@Suite struct StarDictContentTests {
  @Test func typedFields() {
    let bytes = Array("ha-ooss\0<b>house</b><br>home".utf8)
    #expect(StarDictContent.render(bytes, sameTypeSequence: "th") == "/ha-ooss/\nhouse\nhome")
    // Without sametypesequence each field carries its type; upper-case types are binary and skipped.
    var typed = Array("mhouse\0".utf8)
    typed += Array("W".utf8) + [0, 0, 0, 3, 1, 2, 3]
    #expect(StarDictContent.render(typed, sameTypeSequence: nil) == "house\n[binary field 'W' of 3 bytes skipped]")
    #expect(StarDictContent.render([0xFF, 0xFE], sameTypeSequence: "m") == nil)
  }
}

@Suite struct GlobPatternTests {
  @Test func matching() {
    let pattern = GlobPattern("éc*e")
    #expect(pattern.literalPrefix == "ec")
    #expect(pattern.matches("ecole"))
    #expect(!pattern.matches("ecoles"))
    #expect(GlobPattern("?a*").matches("chat") == false)
    #expect(GlobPattern("?hat").matches("chat"))
    #expect(GlobPattern("*").matches(""))
  }
}

@Suite struct InflateLimitTests {
  /// `bytes` as one gzip member, compressed by zlib.
  static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    var stream = z_stream()
    try #require(deflateInit2_(&stream, 9, Z_DEFLATED, Inflate.gzipWindowBits, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                               Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    defer { deflateEnd(&stream) }
    var input = bytes
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
    let status = input.withUnsafeMutableBufferPointer { i in
      output.withUnsafeMutableBufferPointer { o in
        stream.next_in = i.baseAddress
        stream.avail_in = uInt(i.count)
        stream.next_out = o.baseAddress
        stream.avail_out = uInt(o.count)
        return deflate(&stream, Z_FINISH)
      }
    }
    try #require(status == Z_STREAM_END)
    return Array(output.prefix(Int(stream.total_out)))
  }

  @Test func inflatingPastTheLimitIsAnError() throws {
    // 4 MiB of zeros compress to about 4 KB: a small file must not grow without bound in memory.
    let compressed = try Self.gzip([UInt8](repeating: 0, count: 4 << 20))
    #expect(compressed.count < 10_000)
    #expect(throws: LexiconError.malformed(path: "bomb.dict.gz", reason: "it inflates to more than 1048576 bytes, Glean's limit for a compressed dictionary file")) {
      _ = try compressed.withUnsafeBytes { try Inflate.gzipToMemory($0, path: "bomb.dict.gz", limit: 1 << 20) }
    }
    // At the limit exactly, and under the default one, it inflates.
    #expect(try compressed.withUnsafeBytes { try Inflate.gzipToMemory($0, path: "ok.dict.gz", limit: 4 << 20) }.count == 4 << 20)
    #expect(try compressed.withUnsafeBytes { try Inflate.gzipToMemory($0, path: "ok.dict.gz") }.count == 4 << 20)
    #expect(Inflate.maximumInflatedSize == 1 << 30)
  }
}
