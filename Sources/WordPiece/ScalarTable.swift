import Foundation
import UnicodeText

/// `ScalarRules` computed ahead for every scalar below `ScalarTable.limit`, one `UInt32` each.
///
/// An entry is `kind | payload << 3`: for `.replacedWord` the payload is the new scalar, for the
/// mapped kinds it is an index into `pool`, where a count is followed by that many scalars.
/// Scalars at or above the limit (planes 3 to 16: rare) are computed on each use.
/// Tables are built once per set of rules and shared by every tokenizer in the process.
struct ScalarTable: Sendable {
  typealias Kind = ScalarRules.Kind
  static let limit: UInt32 = 0x30000
  /// Set on scalars whose decomposition keeps a mark of non-zero combining class (see `renormalizeWord`).
  static let reorderFlag: UInt32 = 1 << 31
  static let payloadMask: UInt32 = ~reorderFlag

  let rules: ScalarRules
  let entries: [UInt32]
  let pool: [UInt32]

  /// Tables already built, by rules. (A lock rather than `Mutex`, which needs macOS 15.)
  private final class Cache: @unchecked Sendable {
    private let lock = NSLock()
    private var tables: [ScalarRules: ScalarTable] = [:]

    func table(for rules: ScalarRules) -> ScalarTable {
      lock.lock()
      defer { lock.unlock() }
      if let table = tables[rules] { return table }
      let table = ScalarTable(rules: rules)
      tables[rules] = table
      return table
    }
  }

  private static let cache = Cache()

  /// The shared table for `rules`, built on first use (once, even when threads race for it).
  static func shared(for rules: ScalarRules) -> ScalarTable { cache.table(for: rules) }

  private init(rules: ScalarRules) {
    self.rules = rules
    let decompositions = rules.stripAccents ? ScalarTable.canonicalDecompositions(below: ScalarTable.limit) : [:]
    var entries = [UInt32](repeating: 0, count: Int(ScalarTable.limit))
    var pool: [UInt32] = []
    for c in 0..<ScalarTable.limit {
      // CJK unified ideographs: no decomposition, no case; a word of their own or part of one.
      if (0x4E00...0x9FFF).contains(c) || (0x20000...0x2A6DF).contains(c) {
        entries[Int(c)] = rules.splitCJK ? Kind.ideograph.rawValue : Kind.word.rawValue
        continue
      }
      let (kind, mapped) = rules.action(c) { decompositions[$0] ?? [$0] }
      switch kind {
      case .replacedWord:
        entries[Int(c)] = kind.rawValue | mapped[0] << 3
      case .mappedWord, .mappedIdeograph:
        entries[Int(c)] = kind.rawValue | UInt32(pool.count) << 3
        pool.append(UInt32(mapped.count))
        pool.append(contentsOf: mapped)
      default:
        entries[Int(c)] = kind.rawValue
      }
      if rules.stripAccents, rules.keepsReorderableMark(c, decompose: { decompositions[$0] ?? [$0] }) {
        entries[Int(c)] |= ScalarTable.reorderFlag
      }
    }
    self.entries = entries
    self.pool = pool
  }

  /// What `c` becomes, for scalars at or above the limit.
  ///
  /// No scalar at or above U+30000 has a canonical decomposition (the last one is U+2FA1D, in the
  /// CJK compatibility supplement), so none needs ICU here.
  func slowAction(_ c: UInt32) -> (ScalarRules.Kind, [UInt32]) {
    rules.action(c) { [$0] }
  }

  /// Canonical decompositions (NFD) of the scalars below `limit` that have one, in one ICU call:
  /// every scalar is followed by U+0001, a starter that keeps canonical reordering from crossing it.
  /// Hangul syllables are decomposed arithmetically (UAX #15) and the CJK unified ideograph
  /// blocks, which never decompose, are skipped, to keep start-up short.
  static func canonicalDecompositions(below limit: UInt32) -> [UInt32: [UInt32]] {
    var result: [UInt32: [UInt32]] = [:]
    var text = String.UnicodeScalarView()
    var order: [UInt32] = []
    var c: UInt32 = 0x80
    while c < limit {
      if (0x3400...0x4DBF).contains(c) || (0x4E00...0x9FFF).contains(c) || (0x20000...0x2A6DF).contains(c)
        || (0x2A700...0x2EBEF).contains(c) {
        c += 1
        continue
      }
      if (0xAC00...0xD7A3).contains(c) {
        let index = c - 0xAC00
        let lead: UInt32 = 0x1100 + index / 588
        let vowel: UInt32 = 0x1161 + (index % 588) / 28
        let trail = index % 28
        result[c] = trail == 0 ? [lead, vowel] : [lead, vowel, 0x11A7 + trail]
        c += 1
        continue
      }
      if let s = Unicode.Scalar(c) {
        text.append(s)
        text.append("\u{1}")
        order.append(c)
      }
      c += 1
    }
    guard let nfd = try? NormalizationForm.nfd.apply(to: String(text)) else { return result }
    var current: [UInt32] = []
    var k = 0
    for s in nfd.unicodeScalars {
      if s.value == 1 {
        if k < order.count, current != [order[k]] { result[order[k]] = current }
        current.removeAll(keepingCapacity: true)
        k += 1
      } else {
        current.append(s.value)
      }
    }
    return result
  }
}
