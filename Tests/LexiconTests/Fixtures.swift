import Foundation
import Lexicon
import TestSupport

/// Paths and helpers shared by the Lexicon tests.
enum Fixtures {
  /// Glean's own dictionaries (Corpora/dictionary), written by Tools/dictionary/make_dictionaries.py.
  static let dictdFolder = TestPaths.corpora("dictionary/dictd").path
  static let starDictFolder = TestPaths.corpora("dictionary/stardict").path
  static let starDict64Folder = TestPaths.corpora("dictionary/fixtures/stardict64").path
  static let wordListFolder = TestPaths.repositoryRoot.appendingPathComponent("Tools/dictionary").path

  /// A fresh, empty folder under the system temporary folder.
  static func temporaryFolder(_ label: String = #function) -> String {
    let safe = label.filter { $0.isLetter || $0.isNumber }
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("glean-lexicon-\(safe)-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  /// A lookup cache folder reused across runs (the cache is validated on every open, so reuse is safe and
  /// spares rebuilding FreeDict deu-eng's index in debug builds). One per checkout, so that checkouts with
  /// different cache format versions do not keep rebuilding each other's files.
  static let sharedCache: String = {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in TestPaths.repositoryRoot.path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    return FileManager.default.temporaryDirectory.appendingPathComponent("glean-lexicon-test-cache-\(String(hash, radix: 16))").path
  }()

  static func dictd(_ name: String, in folder: String = dictdFolder) -> DictionarySource? {
    DictionarySource.dictd(index: "\(folder)/\(name).index")
  }

  static func starDict(_ name: String) -> DictionarySource? {
    DictionarySource.starDict(info: "\(starDictFolder)/\(name)/\(name).ifo")
  }

  /// The installed FreeDict dictionary `name` (e.g. "freedict-fra-eng"), or nil.
  static func freeDict(_ name: String) -> DictionarySource? {
    DictionarySource.dictd(index: "/usr/share/dictd/\(name).index")
  }

  static func freeDictInstalled(_ name: String) -> Bool { freeDict(name) != nil }

  /// A word list as (headword, part of speech, senses).
  static func wordList(_ file: String) throws -> [(headword: String, pos: String, senses: [String])] {
    let text = try String(contentsOfFile: "\(wordListFolder)/\(file)", encoding: .utf8)
    return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
      let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      return (fields[0], fields[1], fields[2].split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
    }
  }

  /// The definition text the generator writes for a word-list line.
  static func expectedDefinition(_ line: (headword: String, pos: String, senses: [String])) -> String {
    let body = line.senses.count == 1 ? line.senses[0] + "\n"
      : line.senses.enumerated().map { "\($0.offset + 1). \($0.element)\n" }.joined()
    return "\(line.headword) <\(line.pos)>\n" + body
  }

  /// Copies a dictionary's files into `folder` so a test may damage them.
  static func copy(_ source: DictionarySource, to folder: String) throws -> [String] {
    var copies: [String] = []
    for path in [source.indexPath, source.dataPath, source.infoPath, source.synonymPath].compactMap({ $0 }) {
      let target = folder + "/" + (path as NSString).lastPathComponent
      try FileManager.default.copyItem(atPath: path, toPath: target)
      copies.append(target)
    }
    return copies
  }
}
