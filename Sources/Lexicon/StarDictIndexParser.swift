/// Reads a StarDict `.idx` (`word NUL offset size`, offset 32- or 64-bit big-endian, size 32-bit
/// big-endian) and `.syn` (`word NUL index`, index 32-bit big-endian into the `.idx`) files.
/// See StarDict's `doc/StarDictFileFormat`.
///
/// Entries that cannot be read are skipped with an `IndexWarning`; a count that disagrees with the
/// `.ifo` is a warning too (the files, not the `.ifo`, are believed).
enum StarDictIndexParser {
  /// StarDict limits a word to 256 bytes before its NUL.
  static let maximumWordLength = 256

  /// Parses an `.idx`; `dataSize` bounds the offsets.
  static func parseIndex(_ bytes: UnsafeRawBufferPointer, path: String, offsetBits: Int, dataSize: UInt64,
                         expectedCount: Int) -> ParsedIndex {
    var result = ParsedIndex()
    var position = 0
    var number = 0
    let offsetWidth = offsetBits / 8
    while position < bytes.count {
      number += 1
      guard let nul = findNul(bytes, from: position) else {
        result.warnings.append(IndexWarning(path: path, position: number, reason: "the last word is not terminated (truncated file?)"))
        break
      }
      let fieldsEnd = nul + 1 + offsetWidth + 4
      guard fieldsEnd <= bytes.count else {
        result.warnings.append(IndexWarning(path: path, position: number, reason: "the offset and size are cut off (truncated file?)"))
        break
      }
      let offset = bigEndian(bytes, at: nul + 1, width: offsetWidth)
      let size = bigEndian(bytes, at: nul + 1 + offsetWidth, width: 4)
      defer { position = fieldsEnd }
      result.positional.append(nil)
      guard nul - position <= maximumWordLength else {
        result.warnings.append(IndexWarning(path: path, position: number, reason: "a word is longer than \(maximumWordLength) bytes"))
        continue
      }
      guard let word = String(validating: bytes[position..<nul], as: UTF8.self), !word.isEmpty else {
        result.warnings.append(IndexWarning(path: path, position: number, reason: "the word is empty or not valid UTF-8"))
        continue
      }
      guard offset <= dataSize, size <= dataSize - offset else {
        result.warnings.append(IndexWarning(path: path, position: number, reason: "\"\(word)\" at offset \(offset) with size \(size) runs past the end of the data (\(dataSize) bytes)"))
        continue
      }
      let entry = IndexEntry(headword: word, offset: offset, size: size)
      result.entries.append(entry)
      result.positional[result.positional.count - 1] = entry
    }
    let read = result.positional.count
    if read != expectedCount {
      result.warnings.append(IndexWarning(path: path, position: nil, reason: "the .ifo says wordcount=\(expectedCount), the file holds \(read) entries"))
    }
    return result
  }

  /// Parses a `.syn`, turning each synonym into an entry with its target's offset and size.
  static func parseSynonyms(_ bytes: UnsafeRawBufferPointer, path: String, targets: [IndexEntry?],
                            expectedCount: Int) -> ParsedIndex {
    var result = ParsedIndex()
    var position = 0
    var number = 0
    while position < bytes.count {
      number += 1
      guard let nul = findNul(bytes, from: position), nul + 5 <= bytes.count else {
        result.warnings.append(IndexWarning(path: path, position: number, reason: "the last synonym is cut off (truncated file?)"))
        break
      }
      let target = Int(bigEndian(bytes, at: nul + 1, width: 4))
      defer { position = nul + 5 }
      guard let word = String(validating: bytes[position..<nul], as: UTF8.self), !word.isEmpty else {
        result.warnings.append(IndexWarning(path: path, position: number, reason: "the synonym is empty or not valid UTF-8"))
        continue
      }
      guard target < targets.count, let entry = targets[target] else {
        result.warnings.append(IndexWarning(path: path, position: number, reason: "\"\(word)\" points to entry \(target), which the .idx does not hold"))
        continue
      }
      result.entries.append(IndexEntry(headword: word, offset: entry.offset, size: entry.size))
    }
    if number != expectedCount {
      result.warnings.append(IndexWarning(path: path, position: nil, reason: "the .ifo says synwordcount=\(expectedCount), the file holds \(number) entries"))
    }
    return result
  }

  private static func findNul(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
    var i = start
    let limit = min(bytes.count, start + maximumWordLength * 4 + 1)
    while i < limit {
      if bytes[i] == 0 { return i }
      i += 1
    }
    return nil
  }

  private static func bigEndian(_ bytes: UnsafeRawBufferPointer, at offset: Int, width: Int) -> UInt64 {
    var value: UInt64 = 0
    for i in 0..<width { value = value << 8 | UInt64(bytes[offset + i]) }
    return value
  }
}
