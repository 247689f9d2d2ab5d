import Foundation
import TestSupport
import Testing
@testable import WordPiece

/// Every code point, alone, against what Hugging Face `tokenizers` 0.23.3 does to it
/// (Corpora/tokenizer/hf-codepoints.json, written by Tools/tokenizer/make_goldens.py).
@Suite struct HuggingFaceCodePointTests {
  struct Table: Decodable {
    struct Casing: Decodable {
      let removed: [[UInt32]]
      let whitespace: [[UInt32]]
      let mapped: [String: String]
    }
    let cjk: [[UInt32]]
    let punctuation: [[UInt32]]
    let uncased: Casing
    let cased: Casing
  }

  static func expand(_ ranges: [[UInt32]]) -> Set<UInt32> {
    var set = Set<UInt32>()
    for r in ranges { for c in r[0]...r[1] { set.insert(c) } }
    return set
  }

  static func hex(_ cs: some Collection<UInt32>) -> String {
    cs.sorted().prefix(60).map { String(format: "%X", $0) }.joined(separator: " ") + (cs.count > 60 ? " …(\(cs.count))" : "")
  }

  @Test(arguments: [true, false])
  func everyCodePoint(lowercase: Bool) throws {
    let data = try Data(contentsOf: TestPaths.corpora("tokenizer/hf-codepoints.json"))
    let table = try JSONDecoder().decode(Table.self, from: data)
    let casing = lowercase ? table.uncased : table.cased
    let removed = Self.expand(casing.removed)
    let whitespace = Self.expand(casing.whitespace).union([0x20])
    let cjk = Self.expand(table.cjk)
    let punctuation = Self.expand(table.punctuation)
    var mapped: [UInt32: [UInt32]] = [:]
    for (k, v) in casing.mapped { mapped[UInt32(k)!] = v.unicodeScalars.map(\.value) }

    let rules = ScalarRules(.huggingFace(lowercase: lowercase))
    let tableOfRules = ScalarTable.shared(for: rules)
    let built = tableOfRules.snapshotOfEveryBlock()
    var wrongRemoved: [UInt32] = [], wrongWhitespace: [UInt32] = [], wrongCJK: [UInt32] = []
    var wrongPunctuation: [UInt32] = [], wrongMapping: [String] = []
    for c in UInt32(0)..<0x110000 where !(0xD800...0xDFFF).contains(c) {
      let (kind, mappedScalars): (ScalarRules.Kind, [UInt32])
      if c < ScalarTable.limit {
        let entry = built.entries[Int(c)] & ScalarTable.payloadMask
        let k = ScalarRules.Kind(rawValue: entry & 7)!
        switch k {
        case .replacedWord: (kind, mappedScalars) = (k, [entry >> 3])
        case .mappedWord, .mappedIdeograph:
          let at = Int(entry >> 3)
          (kind, mappedScalars) = (k, Array(built.pool[(at + 1)..<(at + 1 + Int(built.pool[at]))]))
        default: (kind, mappedScalars) = (k, [])
        }
      } else {
        (kind, mappedScalars) = tableOfRules.slowAction(c)
      }
      if (kind == .removed) != removed.contains(c) { wrongRemoved.append(c) }
      if (kind == .whitespace) != whitespace.contains(c) { wrongWhitespace.append(c) }
      if (kind == .ideograph || kind == .mappedIdeograph) != cjk.contains(c) { wrongCJK.append(c) }
      if rules.isPunctuation(c) != punctuation.contains(c) { wrongPunctuation.append(c) }
      if kind != .removed && kind != .whitespace {
        let ours = mappedScalars.isEmpty ? [c] : mappedScalars.map { $0 & ~ScalarRules.punctuationFlag }
        let theirs = mapped[c] ?? [c]
        if ours != theirs {
          wrongMapping.append(String(format: "%X→", c) + theirs.map { String(format: "%X", $0) }.joined(separator: ",")
                                + "(ours " + ours.map { String(format: "%X", $0) }.joined(separator: ",") + ")")
        }
      }
    }
    #expect(wrongRemoved.isEmpty, "removed differs: \(Self.hex(wrongRemoved))")
    #expect(wrongWhitespace.isEmpty, "whitespace differs: \(Self.hex(wrongWhitespace))")
    #expect(wrongCJK.isEmpty, "CJK differs: \(Self.hex(wrongCJK))")
    #expect(wrongPunctuation.isEmpty, "punctuation differs: \(Self.hex(wrongPunctuation))")
    #expect(wrongMapping.isEmpty, "mapping differs (\(wrongMapping.count)): \(wrongMapping.prefix(80).joined(separator: " "))")
    if ProcessInfo.processInfo.environment["GLEAN_DUMP_HF_DIFFS"] != nil {
      let dump = "removed " + wrongRemoved.map { "\($0):\(removed.contains($0) ? 1 : 0)" }.joined(separator: " ")
        + "\npunct " + wrongPunctuation.map { "\($0):\(punctuation.contains($0) ? 1 : 0)" }.joined(separator: " ")
        + "\nmapping " + wrongMapping.joined(separator: " ") + "\n"
      try dump.write(toFile: "/tmp/hf-diffs-\(lowercase).txt", atomically: true, encoding: .utf8)
    }
  }
}
