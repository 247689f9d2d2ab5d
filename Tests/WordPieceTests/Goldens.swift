import Foundation
import TestSupport
import Testing
import WordPiece

/// The parity corpus and its goldens (Corpora/tokenizer/, written by Tools/tokenizer/make_goldens.py).
enum Goldens {
  /// One expected token: id and [start, end) in Unicode scalars of the line.
  struct Expected: Equatable, CustomStringConvertible {
    let id: Int
    let start: Int
    let end: Int
    var description: String { "\(id)@\(start)..<\(end)" }
  }

  /// The corpus lines (split on LF only, as the generator does).
  static let corpusLines: [String] = {
    guard let data = try? Data(contentsOf: TestPaths.corpora("tokenizer/corpus.txt")) else { return [] }
    var lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    if lines.last == "" { lines.removeLast() }
    return lines
  }()

  enum ReadError: Error { case truncated, badMagic, missingBase }

  /// Reads a `.golden` file: "GLEANTOK\u{1}", varint line count, varint has-base flag, then per line
  /// a varint (0: same as the base golden's line; else token count + 1) and per token varints
  /// id, zigzag(start - previous end), end - start.
  static func read(_ name: String, base: [[Expected]]? = nil) throws -> [[Expected]] {
    let bytes = [UInt8](try Data(contentsOf: TestPaths.corpora("tokenizer/\(name)")))
    guard bytes.count >= 9, Array(bytes[0..<9]) == Array("GLEANTOK\u{1}".utf8) else { throw ReadError.badMagic }
    var at = 9
    func varint() throws -> Int {
      var value = 0
      var shift = 0
      while true {
        guard at < bytes.count else { throw ReadError.truncated }
        let b = bytes[at]
        at += 1
        value |= Int(b & 0x7F) << shift
        if b & 0x80 == 0 { return value }
        shift += 7
      }
    }
    let lineCount = try varint()
    let hasBase = try varint() == 1
    if hasBase && base == nil { throw ReadError.missingBase }
    var rows: [[Expected]] = []
    rows.reserveCapacity(lineCount)
    for line in 0..<lineCount {
      let count = try varint()
      if count == 0 && hasBase {
        rows.append(base![line])
        continue
      }
      var row: [Expected] = []
      var previousEnd = 0
      for _ in 0..<(count - 1) {
        let id = try varint()
        let z = try varint()
        let delta = z & 1 == 0 ? z >> 1 : -((z + 1) >> 1)
        let length = try varint()
        let start = previousEnd + delta
        row.append(Expected(id: id, start: start, end: start + length))
        previousEnd = start + length
      }
      rows.append(row)
    }
    return rows
  }

  /// Whether `line` holds a scalar assigned in Unicode 15.0: the Google-rules goldens come from
  /// Python 3.11's `unicodedata` (Unicode 14.0), where such scalars are unassigned, while Glean
  /// reads Unicode 15.0 from ICU 72; on these lines the two may rightly differ. (Later scalars are
  /// unassigned for both.)
  static func hasScalarsNewerThanUnicode14(_ line: String) -> Bool {
    line.unicodeScalars.contains { s in
      guard let age = s.properties.age else { return false }
      return age.major == 15 && age.minor == 0
    }
  }

  /// Tokenizes every corpus line and lists the lines that differ from `expected` (at most `limit`).
  static func mismatches(_ tokenizer: BertTokenizer, _ expected: [[Expected]], limit: Int = 8,
                         skipping skip: (String) -> Bool = { _ in false }) -> (count: Int, report: String) {
    var count = 0
    var report = ""
    for (k, line) in corpusLines.enumerated() where !skip(line) {
      let got = tokenizer.tokenize(line).map { Expected(id: $0.id, start: $0.scalarOffsets.lowerBound, end: $0.scalarOffsets.upperBound) }
      if got != expected[k] {
        count += 1
        if count <= limit {
          let firstDiff = (0..<min(got.count, expected[k].count)).first { got[$0] != expected[k][$0] } ?? min(got.count, expected[k].count)
          let context = { (row: [Expected]) in
            row[max(0, firstDiff - 2)..<min(row.count, firstDiff + 3)].map {
              "\(tokenizer.vocabulary.token(for: $0.id) ?? "?")=\($0)"
            }.joined(separator: " ")
          }
          let scalars = Array(line.unicodeScalars)
          let at = firstDiff < expected[k].count ? expected[k][firstDiff].start : (firstDiff < got.count ? got[firstDiff].start : 0)
          let near = scalars[max(0, min(at, scalars.count) - 3)..<min(scalars.count, at + 6)]
            .map { String(format: "U+%04X", $0.value) }.joined(separator: " ")
          report += "line \(k + 1) token \(firstDiff) near [\(near)]\n  got:      \(context(got))\n  expected: \(context(expected[k]))\n"
        }
      }
    }
    return (count, report)
  }
}
