import Foundation
import Testing
@testable import Lexicon

/// The cached lookup index: written atomically, reused while the source is unchanged, rebuilt when the
/// source changes or the cache is damaged, and verified before use.
@Suite struct LookupCacheTests {
  let folder = Fixtures.temporaryFolder("cache")
  var cache: String { folder + "/cache" }

  func source() throws -> DictionarySource {
    _ = try Fixtures.copy(try #require(Fixtures.dictd("glean-fra-eng")), to: folder)
    return try #require(Fixtures.dictd("glean-fra-eng", in: folder))
  }

  func cacheFiles() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: cache).sorted()
  }

  @Test func writtenOnceThenReused() throws {
    let source = try source()
    try "broken line\n".appendLine(to: source.indexPath)
    let first = try OfflineDictionary.open(source, cacheDirectory: cache)
    #expect(first.warnings.count == 1)  // built now: the warning is known
    let files = try cacheFiles()
    #expect(files.count == 1 && files[0].hasSuffix(".glx"))  // no temporary file left behind
    let second = try OfflineDictionary.open(source, cacheDirectory: cache)
    #expect(second.warnings.isEmpty)  // read from the cache ...
    #expect(second.skippedEntryCount == 1)  // ... which remembers how many entries were skipped
    #expect(try second.lookup("maison").count == 1)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: cache + "/" + files[0]))
    #expect(Array(bytes.prefix(8)) == Array("GLEANLEX".utf8))
  }

  @Test func rebuiltWhenTheSourceChanges() throws {
    let source = try source()
    _ = try OfflineDictionary.open(source, cacheDirectory: cache)
    // A new headword pointing at "maison"'s definition.
    let line = try #require(try String(contentsOfFile: source.indexPath, encoding: .utf8).split(separator: "\n").first { $0.hasPrefix("maison\t") })
    try line.replacingOccurrences(of: "maison\t", with: "demeure\t").appendLine(to: source.indexPath)
    let reopened = try OfflineDictionary.open(source, cacheDirectory: cache)
    #expect(try reopened.lookup("demeure").map(\.definition) == ["maison <n, fem>\nhouse, home\n"])
  }

  @Test(arguments: ["flip", "truncate", "magic", "empty"])
  func damagedCacheIsRebuilt(damage: String) throws {
    let source = try source()
    try "broken line\n".appendLine(to: source.indexPath)
    _ = try OfflineDictionary.open(source, cacheDirectory: cache)
    let path = cache + "/" + (try cacheFiles())[0]
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    switch damage {
    case "flip": bytes[bytes.count / 2] ^= 0x40
    case "truncate": bytes.removeLast(100)
    case "magic": bytes[0] = UInt8(ascii: "X")
    default: bytes = []
    }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(throws: LexiconError.self) { try LookupIndex(path: path) }
    let reopened = try OfflineDictionary.open(source, cacheDirectory: cache)
    #expect(reopened.warnings.count == 1)  // rebuilt, not trusted
    #expect(try reopened.lookup("maison").count == 1)
    _ = try LookupIndex(path: path)  // and the cache is whole again
  }

  @Test func recordPointingOutsideIsRefusedEvenWithAGoodChecksum() throws {
    let source = try source()
    _ = try OfflineDictionary.open(source, cacheDirectory: cache)
    let path = cache + "/" + (try cacheFiles())[0]
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    // Record 0's folded-key offset → far outside the string area; then fix both checksums.
    let header = LookupIndex.headerSize
    bytes[header + 3] = 0x7F
    let body = bytes.withUnsafeBytes { Checksum.of(UnsafeRawBufferPointer(rebasing: $0[header...])) }
    withUnsafeBytes(of: body.littleEndian) { bytes.replaceSubrange(96..<104, with: $0) }
    let head = bytes.withUnsafeBytes { Checksum.of(UnsafeRawBufferPointer(rebasing: $0[0..<104])) }
    withUnsafeBytes(of: head.littleEndian) { bytes.replaceSubrange(104..<112, with: $0) }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(throws: LexiconError.self) { try LookupIndex(path: path) }
    #expect(try OfflineDictionary.open(source, cacheDirectory: cache).lookup("maison").count == 1)
  }

  @Test func unwritableCacheFallsBackToMemory() throws {
    let source = try source()
    let blocker = folder + "/not-a-folder"
    try "x".write(toFile: blocker, atomically: true, encoding: .utf8)
    let dictionary = try OfflineDictionary.open(source, cacheDirectory: blocker + "/cache")
    #expect(try dictionary.lookup("maison").count == 1)
  }

  @Test func concurrentOpensSeeAWholeCache() async throws {
    let source = try source()
    let cache = self.cache
    try await withThrowingTaskGroup(of: Int.self) { group in
      for _ in 0..<8 {
        group.addTask { try OfflineDictionary.open(source, cacheDirectory: cache).lookup("maison").count }
      }
      for try await count in group { #expect(count == 1) }
    }
    #expect(try cacheFiles().count == 1)
  }
}

extension StringProtocol {
  func appendLine(to path: String) throws {
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data((String(self).hasSuffix("\n") ? String(self) : self + "\n").utf8))
    handle.closeFile()
  }
}
