import Foundation
import Testing
@testable import WordPiece

/// The scalar table is built a block at a time, when a text first holds a scalar of the block. These
/// tests check that a block gives each of its scalars what `ScalarRules` says, one scalar at a time with
/// ICU, whichever blocks were built before it and whichever threads asked for it.
@Suite struct ScalarTableTests {
  typealias Entry = (kind: ScalarRules.Kind, mapped: [UInt32], reorders: Bool)

  static let configurations: [BertTokenizerConfiguration] = [
    .huggingFace(lowercase: true), .huggingFace(lowercase: false), .googleBERT(lowercase: true),
    .googleBERT(lowercase: false), .tfliteTaskLibrary,
  ]

  /// Blocks (of 256 scalars, by first scalar / 256) with cases that cross a block: lower-casing before
  /// decomposing (Google's rules) from U+0130, U+1E9E, Georgian Mtavruli (U+1C90), the Kelvin, Ohm and
  /// Angstrom signs (U+212A, U+2126, U+212B: å decomposes in block 0); Greek, Cyrillic, Hangul, CJK
  /// (unified, extension B, compatibility supplement), fullwidth forms, Deseret, mathematical letters,
  /// and some blocks without anything special.
  static let blocks: [UInt32] = [0x00, 0x01, 0x03, 0x04, 0x1C, 0x1E, 0x20, 0x21, 0x30, 0x4E, 0xAC, 0xD8, 0xFF,
                                 0x104, 0x1D4, 0x1F6, 0x200, 0x2F8, 0x05, 0x0E, 0x13, 0xA6]

  /// What the table stores for `c`: its kind, the scalars of mapped kinds, the reorder flag.
  static func entry(_ table: ScalarTable.Snapshot, _ c: UInt32) -> Entry {
    let raw = table.entries[Int(c)]
    let value = raw & ScalarTable.payloadMask
    let kind = ScalarRules.Kind(rawValue: value & 7)!
    var mapped: [UInt32] = []
    switch kind {
    case .replacedWord: mapped = [value >> 3]
    case .mappedWord, .mappedIdeograph:
      let at = Int(value >> 3)
      mapped = Array(table.pool[(at + 1)..<(at + 1 + Int(table.pool[at]))])
    default: break
    }
    return (kind, mapped, raw & ScalarTable.reorderFlag != 0)
  }

  /// The rules' answer for `c`, each decomposition asked of ICU on its own.
  static func expected(_ rules: ScalarRules, _ c: UInt32) -> Entry {
    let decompose = { ScalarTable.canonicalDecomposition(of: $0) }
    let (kind, mapped) = rules.action(c, decompose: decompose)
    let reorders = rules.stripAccents && rules.keepsReorderableMark(c, decompose: decompose)
    switch kind {
    case .replacedWord, .mappedWord, .mappedIdeograph: return (kind, mapped, reorders)
    default: return (kind, [], reorders)
    }
  }

  static func mismatches(_ table: ScalarTable.Snapshot, _ rules: ScalarRules, blocks: [UInt32]) -> [String] {
    var wrong: [String] = []
    for block in blocks {
      for c in (block * ScalarTable.blockSize)..<((block + 1) * ScalarTable.blockSize) {
        let ours = entry(table, c), theirs = expected(rules, c)
        if ours.kind != theirs.kind || ours.mapped != theirs.mapped || ours.reorders != theirs.reorders {
          wrong.append(String(format: "U+%04X: %@, expected %@", c, "\(ours)", "\(theirs)"))
        }
      }
    }
    return wrong
  }

  @Test("blocks built on demand, in any order, give every scalar what the rules say", arguments: configurations)
  func blocksFollowTheRules(configuration: BertTokenizerConfiguration) {
    let rules = ScalarRules(configuration)
    let table = ScalarTable(rules: rules)
    var generator = SystemRandomNumberGenerator()
    for block in Self.blocks.shuffled(using: &generator) {
      _ = table.snapshot(building: block * ScalarTable.blockSize + UInt32.random(in: 0..<ScalarTable.blockSize))
    }
    let snapshot = table.snapshot()
    let wrong = Self.mismatches(snapshot, rules, blocks: Self.blocks)
    #expect(wrong.isEmpty, "\(wrong.count) scalars differ, first: \(wrong.prefix(5))")
    // Blocks nobody asked for are left unbuilt.
    #expect(snapshot.entries[Int(0x0600 + 5)] == ScalarTable.unbuilt)
    #expect(snapshot.entries[Int(0x2E000)] == ScalarTable.unbuilt)
  }

  @Test("threads asking for blocks at once each get them built, once")
  func concurrentBuilding() {
    let rules = ScalarRules(.googleBERT(lowercase: true))
    let table = ScalarTable(rules: rules)
    let threads = 8
    // Each thread asks for every block of the list, starting at its own place in it.
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      for i in 0..<Self.blocks.count {
        let block = Self.blocks[(i + t * 3) % Self.blocks.count]
        let s = table.snapshot(building: block * ScalarTable.blockSize + UInt32(t))
        precondition(s.entries[Int(block * ScalarTable.blockSize)] != ScalarTable.unbuilt)
      }
    }
    let snapshot = table.snapshot()
    let wrong = Self.mismatches(snapshot, rules, blocks: Self.blocks)
    #expect(wrong.isEmpty, "\(wrong.count) scalars differ, first: \(wrong.prefix(5))")
    // Built once: the pool holds each mapped scalar's list once.
    var mappedEntries = 0, poolLength = 0
    for block in Self.blocks {
      for c in (block * ScalarTable.blockSize)..<((block + 1) * ScalarTable.blockSize) {
        let e = Self.entry(snapshot, c)
        if e.kind == .mappedWord || e.kind == .mappedIdeograph {
          mappedEntries += 1
          poolLength += 1 + e.mapped.count
        }
      }
    }
    #expect(mappedEntries > 0)
    #expect(snapshot.pool.count == poolLength)
  }

  @Test("a tokenizer meeting scalars of blocks not built yet tokenizes them as the rules say")
  func tokenizerBuildsBlocks() throws {
    // The shared table: earlier tests may have built these blocks already; either way the tokens must be these.
    let vocabulary = try Vocabulary(tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "k", "a", "ω", "##a"])
    let tokenizer = try BertTokenizer(vocabulary: vocabulary, configuration: .googleBERT(lowercase: true))
    // Kelvin sign → k, Angstrom sign → å → a (lower-cased, then decomposed: block 0), Ohm sign → ω.
    // Ids 4, 5, 6, 5, 7: "k", "a", "ω", "a", "##a".
    #expect(tokenizer.tokenize("\u{212A} \u{212B} \u{2126} \u{212B}\u{212B}").map(\.id) == [4, 5, 6, 5, 7])
  }
}
