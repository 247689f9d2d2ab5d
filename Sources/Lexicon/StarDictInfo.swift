/// A StarDict `.ifo` file: `StarDict's dict ifo file` then `key=value` lines.
///
/// Fields used here: `version` (2.4.2 or 3.0.0), `bookname`, `wordcount`, `idxfilesize`,
/// `idxoffsetbits` (32 or 64; 64 only with version 3.0.0), `synwordcount`, `sametypesequence`,
/// plus `description`, `author`, `website`, `date` for display.
///
/// ```swift
/// let info = try StarDictInfo.parse(text, path: "glean-fra-eng.ifo")
/// info.bookName          // "Glean French-English"
/// info.offsetBits        // 32
/// ```
public struct StarDictInfo: Sendable, Equatable {
  /// All fields as written.
  public let fields: [String: String]
  /// `version`.
  public let version: String
  /// `bookname`.
  public let bookName: String
  /// `wordcount`: entries in the `.idx`.
  public let wordCount: Int
  /// `synwordcount`: entries in the `.syn` (0 when absent).
  public let synonymCount: Int
  /// `idxfilesize`: size of the uncompressed `.idx`.
  public let indexFileSize: UInt64
  /// `idxoffsetbits`: 32 or 64.
  public let offsetBits: Int
  /// `sametypesequence`, when every entry has the same field types.
  public let sameTypeSequence: String?

  /// Parses the text of an `.ifo` file.
  ///
  /// - Throws: `LexiconError.malformed` without the magic first line, or `.inconsistentInfo` for a missing
  ///   or invalid `bookname`, `wordcount`, `idxfilesize` or `idxoffsetbits`.
  public static func parse(_ text: String, path: String) throws(LexiconError) -> StarDictInfo {
    var lines = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
    guard let first = lines.first, first.trimmingCharacters() == "StarDict's dict ifo file" else {
      throw .malformed(path: path, reason: "the first line is not \"StarDict's dict ifo file\"")
    }
    lines.removeFirst()
    var fields: [String: String] = [:]
    for line in lines {
      guard let equals = line.firstIndex(of: "=") else { continue }
      fields[String(line[..<equals]).trimmingCharacters()] = String(line[line.index(after: equals)...]).trimmingCharacters()
    }
    func integer(_ key: String, default value: Int? = nil) throws(LexiconError) -> Int {
      guard let text = fields[key] else {
        if let value { return value }
        throw .inconsistentInfo(path: path, reason: "the required field \(key) is missing")
      }
      guard let number = Int(text), number >= 0 else {
        throw .inconsistentInfo(path: path, reason: "\(key)=\(text) is not a count")
      }
      return number
    }
    guard let bookName = fields["bookname"], !bookName.isEmpty else {
      throw .inconsistentInfo(path: path, reason: "the required field bookname is missing")
    }
    let version = fields["version"] ?? "2.4.2"
    let bits = try integer("idxoffsetbits", default: 32)
    guard bits == 32 || bits == 64 else {
      throw .inconsistentInfo(path: path, reason: "idxoffsetbits=\(bits) (only 32 and 64 exist)")
    }
    let sequence = fields["sametypesequence"].flatMap { $0.isEmpty ? nil : $0 }
    return StarDictInfo(
      fields: fields, version: version, bookName: bookName, wordCount: try integer("wordcount"),
      synonymCount: try integer("synwordcount", default: 0), indexFileSize: UInt64(try integer("idxfilesize")),
      offsetBits: bits, sameTypeSequence: sequence)
  }
}

extension StringProtocol {
  /// The string without leading and trailing white space (ASCII and Unicode).
  func trimmingCharacters() -> String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
          let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
    return String(String.UnicodeScalarView(scalars[first...last]))
  }
}
