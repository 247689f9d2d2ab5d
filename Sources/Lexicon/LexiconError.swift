/// Everything that can go wrong while opening or reading an offline dictionary.
///
/// Each case names the file involved and says what to do next in its `description`.
///
/// ```swift
/// do { _ = try OfflineDictionary.open(source) }
/// catch let error as LexiconError { print(error) }   // "… is not a dictzip file …"
/// ```
public enum LexiconError: Error, Sendable, Equatable, CustomStringConvertible {
  /// A file could not be opened, mapped or read.
  case unreadable(path: String, reason: String)
  /// A file is not in the format its name promises (bad magic, bad header).
  case malformed(path: String, reason: String)
  /// Compressed data did not inflate (bad deflate stream, bad CRC, a chunk table that lies, truncation).
  case corruptCompressedData(path: String, reason: String)
  /// An entry points outside its data file.
  case offsetOutOfRange(path: String, offset: UInt64, size: UInt64, dataSize: UInt64)
  /// A StarDict `.ifo` disagrees with its files (idxfilesize, idxoffsetbits, missing fields).
  case inconsistentInfo(path: String, reason: String)
  /// A definition is not valid UTF-8.
  case invalidUTF8(path: String, headword: String)
  /// No dictionary has the requested name or languages.
  case noSuchDictionary(String)
  /// The lookup cache could not be written (the dictionary still works from memory).
  case cacheUnwritable(path: String, reason: String)

  /// One line for the user, with a hint where one helps.
  public var description: String {
    switch self {
    case .unreadable(let path, let reason):
      return "cannot read \(path): \(reason)"
    case .malformed(let path, let reason):
      return "\(path) is malformed: \(reason). Hint: reinstall the dictionary or check that the file is complete."
    case .corruptCompressedData(let path, let reason):
      return "\(path) has corrupt compressed data: \(reason). Hint: check it with `dictzip -t` or `gzip -t`, then reinstall it."
    case .offsetOutOfRange(let path, let offset, let size, let dataSize):
      return "\(path): entry at offset \(offset) with size \(size) runs past the end of the data (\(dataSize) bytes). Hint: the index does not belong to this data file."
    case .inconsistentInfo(let path, let reason):
      return "\(path) disagrees with its files: \(reason). Hint: regenerate the StarDict .ifo or reinstall the dictionary."
    case .invalidUTF8(let path, let headword):
      return "\(path): the definition of \"\(headword)\" is not valid UTF-8"
    case .noSuchDictionary(let what):
      return "no dictionary matches \(what). Hint: `glean dict list` shows the installed ones; add --dict-dir DIR for others."
    case .cacheUnwritable(let path, let reason):
      return "cannot write the lookup cache \(path): \(reason)"
    }
  }
}

/// A problem found while reading an index that did not stop the dictionary from opening:
/// the entry was skipped.
public struct IndexWarning: Sendable, Equatable, CustomStringConvertible {
  /// The file the problem is in.
  public let path: String
  /// The 1-based line (dictd) or entry number (StarDict), when known.
  public let position: Int?
  /// What was wrong.
  public let reason: String

  /// A warning about `path` at `position` (nil when it concerns the whole file).
  public init(path: String, position: Int?, reason: String) {
    self.path = path
    self.position = position
    self.reason = reason
  }

  /// `path:position: reason; entry skipped`.
  public var description: String {
    if let position { return "\(path):\(position): \(reason); entry skipped" }
    return "\(path): \(reason)"
  }
}
