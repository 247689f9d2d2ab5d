/// Reads a dictd `.index` file: one entry per line,
/// `headword TAB offset TAB length [TAB display headword]`, offset and length in dictd's base 64
/// (`DictdBase64`). The lines are what `dictfmt` writes; see dictd(8) and dictfmt(1).
///
/// Lines that cannot be read (too few fields, bad base 64, invalid UTF-8, offsets past the end of the
/// data) are skipped with an `IndexWarning` rather than failing the whole dictionary.
enum DictdIndexParser {
  /// Parses `bytes`, the whole `.index` file at `path`, checking each entry against `dataSize`.
  static func parse(_ bytes: UnsafeRawBufferPointer, path: String, dataSize: UInt64) -> ParsedIndex {
    var result = ParsedIndex()
    result.entries.reserveCapacity(bytes.count / 24)
    var lineNumber = 0
    var lineStart = 0
    let count = bytes.count
    while lineStart < count {
      lineNumber += 1
      var lineEnd = lineStart
      while lineEnd < count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
      defer { lineStart = lineEnd + 1 }
      var end = lineEnd
      if end > lineStart, bytes[end - 1] == 0x0D { end -= 1 }
      if end == lineStart { continue }
      let line = UnsafeRawBufferPointer(rebasing: bytes[lineStart..<end])
      switch parseLine(line, dataSize: dataSize) {
      case .success(let entry): result.entries.append(entry)
      case .failure(let reason): result.warnings.append(IndexWarning(path: path, position: lineNumber, reason: reason.text))
      }
    }
    return result
  }

  struct Reason: Error { let text: String }

  /// One line, without its end of line.
  static func parseLine(_ line: UnsafeRawBufferPointer, dataSize: UInt64) -> Result<IndexEntry, Reason> {
    var tabs: [Int] = []
    for i in line.indices where line[i] == 0x09 {
      tabs.append(i)
      if tabs.count == 3 { break }
    }
    guard tabs.count >= 2 else {
      return .failure(Reason(text: "expected \"headword<TAB>offset<TAB>length\", found \(tabs.count + 1) field(s)"))
    }
    let offsetEnd = tabs[1]
    let lengthEnd = tabs.count > 2 ? tabs[2] : line.count
    guard let headword = String(validating: line[0..<tabs[0]], as: UTF8.self) else {
      return .failure(Reason(text: "the headword is not valid UTF-8"))
    }
    guard !headword.isEmpty else { return .failure(Reason(text: "empty headword")) }
    guard let offset = DictdBase64.decode(line[(tabs[0] + 1)..<offsetEnd]) else {
      return .failure(Reason(text: "bad base-64 offset for \"\(headword)\""))
    }
    guard let size = DictdBase64.decode(line[(offsetEnd + 1)..<lengthEnd]) else {
      return .failure(Reason(text: "bad base-64 length for \"\(headword)\""))
    }
    guard offset <= dataSize, size <= dataSize - offset else {
      return .failure(Reason(text: "\"\(headword)\" at offset \(offset) with length \(size) runs past the end of the data (\(dataSize) bytes)"))
    }
    return .success(IndexEntry(headword: headword, offset: offset, size: size))
  }
}
