import Foundation
import UnicodeText

/// `ScalarRules` computed ahead for the scalars below `ScalarTable.limit`, one `UInt32` each, built a
/// block of 256 scalars at a time, when a text first holds one of them.
///
/// An entry is `kind | payload << 3`: for `.replacedWord` the payload is the new scalar, for the
/// mapped kinds it is an index into `pool`, where a count is followed by that many scalars. An entry
/// of `unbuilt` marks a block not built yet. Scalars at or above the limit (planes 3 to 16: rare)
/// are computed on each use.
///
/// Tables are shared by every tokenizer in the process, one per set of rules. Building the whole
/// table took about 35 ms of a `glean ask` run of about 110 ms (the rules of 196,608 scalars, and
/// their decompositions by ICU), while an English text needs two or three blocks; a block takes
/// tens of microseconds.
///
/// Readers never see an entry change: a tokenize call reads a `Snapshot` (copies of the arrays, which
/// share storage), and when it meets `unbuilt` it asks for a new snapshot with that block built. Blocks
/// are built under the table's lock.
final class ScalarTable: @unchecked Sendable {
  typealias Kind = ScalarRules.Kind
  static let limit: UInt32 = 0x30000
  /// Scalars per block (a block is built whole, with one ICU call for its decompositions).
  static let blockSize: UInt32 = 256
  /// Set on scalars whose decomposition keeps a mark of non-zero combining class (see `renormalizeWord`).
  static let reorderFlag: UInt32 = 1 << 31
  static let payloadMask: UInt32 = ~reorderFlag
  /// The entry of a scalar whose block is not built yet. No built entry has every bit set: payloads are
  /// scalars (below 2²¹) or pool indices (far below 2²⁸).
  static let unbuilt: UInt32 = .max

  /// What one tokenize call reads: the entries and the pool they index, as built so far.
  struct Snapshot {
    var entries: [UInt32]
    var pool: [UInt32]
  }

  let rules: ScalarRules
  /// Guards `entries` and `pool`.
  private let lock = NSLock()
  private var entries: [UInt32]
  private var pool: [UInt32] = []

  /// Tables already made, by rules. (A lock rather than `Mutex`, which needs macOS 15.)
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

  /// The shared table for `rules`, made on first use (once, even when threads race for it).
  static func shared(for rules: ScalarRules) -> ScalarTable { cache.table(for: rules) }

  /// A table of its own, with only the first block (ASCII and Latin-1) built: `shared(for:)` is what
  /// tokenizers use; tests build private tables to compare orders of building.
  init(rules: ScalarRules) {
    self.rules = rules
    self.entries = [UInt32](repeating: ScalarTable.unbuilt, count: Int(ScalarTable.limit))
    buildBlock(0)
  }

  /// The entries and pool as built so far.
  func snapshot() -> Snapshot {
    lock.lock()
    defer { lock.unlock() }
    return Snapshot(entries: entries, pool: pool)
  }

  /// The entries and pool once the block of `c` (below `limit`) is built.
  ///
  /// The caller should let go of its own snapshot first: while another copy of the arrays is alive,
  /// adding a block copies them (786 KB) instead of writing in place.
  func snapshot(building c: UInt32) -> Snapshot {
    lock.lock()
    defer { lock.unlock() }
    if entries[Int(c)] == ScalarTable.unbuilt { buildBlock(c / ScalarTable.blockSize) }
    return Snapshot(entries: entries, pool: pool)
  }

  /// The kind of `c`, any scalar.
  func kind(of c: UInt32) -> Kind {
    guard c < ScalarTable.limit else { return slowAction(c).0 }
    let table = snapshot(building: c)
    return Kind(rawValue: table.entries[Int(c)] & 7)!
  }

  /// Every block built: what tests read to check every scalar below the limit.
  func snapshotOfEveryBlock() -> Snapshot {
    lock.lock()
    defer { lock.unlock() }
    for block in 0..<(ScalarTable.limit / ScalarTable.blockSize)
    where entries[Int(block * ScalarTable.blockSize)] == ScalarTable.unbuilt {
      buildBlock(block)
    }
    return Snapshot(entries: entries, pool: pool)
  }

  /// Computes the entries of block `block`. Called with the lock held (or from `init`).
  private func buildBlock(_ block: UInt32) {
    let first = block * ScalarTable.blockSize, end = first + ScalarTable.blockSize
    let local = rules.stripAccents ? ScalarTable.canonicalDecompositions(of: first..<end) : [:]
    // Lower-casing (Google's rules decompose after it) can lead outside the block: those scalars are
    // decomposed one by one.
    let decompose: (UInt32) -> [UInt32] = { x in
      (first..<end).contains(x) ? local[x] ?? [x] : ScalarTable.canonicalDecomposition(of: x)
    }
    for c in first..<end {
      let index = Int(c)
      // CJK unified ideographs: no decomposition, no case; a word of their own or part of one.
      if (0x4E00...0x9FFF).contains(c) || (0x20000...0x2A6DF).contains(c) {
        entries[index] = rules.splitCJK ? Kind.ideograph.rawValue : Kind.word.rawValue
        continue
      }
      let (kind, mapped) = rules.action(c, decompose: decompose)
      switch kind {
      case .replacedWord:
        entries[index] = kind.rawValue | mapped[0] << 3
      case .mappedWord, .mappedIdeograph:
        entries[index] = kind.rawValue | UInt32(pool.count) << 3
        pool.append(UInt32(mapped.count))
        pool.append(contentsOf: mapped)
      default:
        entries[index] = kind.rawValue
      }
      if rules.stripAccents, rules.keepsReorderableMark(c, decompose: decompose) {
        entries[index] |= ScalarTable.reorderFlag
      }
    }
  }

  /// What `c` becomes, for scalars at or above the limit.
  ///
  /// No scalar at or above U+30000 has a canonical decomposition (the last one is U+2FA1D, in the
  /// CJK compatibility supplement), so none needs ICU here.
  func slowAction(_ c: UInt32) -> (ScalarRules.Kind, [UInt32]) {
    rules.action(c) { [$0] }
  }

  /// The canonical decomposition (NFD) of one scalar: itself when it has none.
  static func canonicalDecomposition(of c: UInt32) -> [UInt32] {
    guard let s = Unicode.Scalar(c), c >= 0x80,
          let nfd = try? NormalizationForm.nfd.apply(to: String(Character(s))) else { return [c] }
    return nfd.unicodeScalars.map(\.value)
  }

  /// Canonical decompositions (NFD) of the scalars in `range` that have one, in one ICU call: every
  /// scalar is followed by U+0001, a starter that keeps canonical reordering from crossing it.
  /// Hangul syllables are decomposed arithmetically (UAX #15) and the CJK unified ideograph blocks,
  /// which never decompose, are skipped.
  static func canonicalDecompositions(of range: Range<UInt32>) -> [UInt32: [UInt32]] {
    var result: [UInt32: [UInt32]] = [:]
    var text = String.UnicodeScalarView()
    var order: [UInt32] = []
    for c in range where c >= 0x80 {
      if (0x3400...0x4DBF).contains(c) || (0x4E00...0x9FFF).contains(c) || (0x20000...0x2A6DF).contains(c)
        || (0x2A700...0x2EBEF).contains(c) {
        continue
      }
      if (0xAC00...0xD7A3).contains(c) {
        let index = c - 0xAC00
        let lead: UInt32 = 0x1100 + index / 588
        let vowel: UInt32 = 0x1161 + (index % 588) / 28
        let trail = index % 28
        result[c] = trail == 0 ? [lead, vowel] : [lead, vowel, 0x11A7 + trail]
        continue
      }
      if let s = Unicode.Scalar(c) {
        text.append(s)
        text.append("\u{1}")
        order.append(c)
      }
    }
    guard !order.isEmpty, let nfd = try? NormalizationForm.nfd.apply(to: String(text)) else { return result }
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
