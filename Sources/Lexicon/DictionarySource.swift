/// The files of one installed dictionary, found by `DictionaryLibrary.discover(in:)` and not yet opened.
///
/// ```swift
/// let source = DictionarySource.dictd(index: "/usr/share/dictd/freedict-fra-eng.index")
/// source?.name        // "freedict-fra-eng"
/// source?.languages   // ("fra", "eng")
/// ```
public struct DictionarySource: Sendable, Equatable, Hashable {
  /// The two file formats Glean reads.
  public enum Format: String, Sendable, Codable {
    /// dictd: `.index` + `.dict` or `.dict.dz`.
    case dictd
    /// StarDict: `.ifo` + `.idx`/`.idx.gz` + `.dict`/`.dict.dz`, optional `.syn`.
    case starDict = "stardict"
  }

  /// The dictionary's name: the file name without extensions (`freedict-fra-eng`).
  public let name: String
  /// Its format.
  public let format: Format
  /// The `.index` (dictd) or `.idx`/`.idx.gz` (StarDict).
  public let indexPath: String
  /// The `.dict` or `.dict.dz`.
  public let dataPath: String
  /// StarDict only: the `.ifo`.
  public let infoPath: String?
  /// StarDict only: the `.syn`, when there is one.
  public let synonymPath: String?

  /// Creates a source from explicit paths.
  public init(name: String, format: Format, indexPath: String, dataPath: String, infoPath: String? = nil, synonymPath: String? = nil) {
    self.name = name
    self.format = format
    self.indexPath = indexPath
    self.dataPath = dataPath
    self.infoPath = infoPath
    self.synonymPath = synonymPath
  }

  /// The source and target languages (ISO 639-3) read from the name, when it has them (`fra-eng`).
  public var languages: (source: String, target: String)? { LanguageCode.pair(inName: name) }

  /// The total size in bytes of its files.
  public var sizeInBytes: UInt64 {
    [indexPath, dataPath, infoPath, synonymPath].compactMap { $0 }.reduce(0) { $0 + (FileStamp.of($1)?.size ?? 0) }
  }

  /// A dictd dictionary from its `.index`, with the `.dict.dz` or `.dict` beside it; nil when neither exists.
  public static func dictd(index: String) -> DictionarySource? {
    guard index.hasSuffix(".index") else { return nil }
    let stem = String(index.dropLast(".index".count))
    guard let data = [stem + ".dict.dz", stem + ".dict", stem + ".dict.gz"].first(where: { FileStamp.of($0) != nil }) else { return nil }
    return DictionarySource(name: baseName(stem), format: .dictd, indexPath: index, dataPath: data)
  }

  /// A StarDict dictionary from its `.ifo`, with the `.idx`/`.idx.gz` and `.dict.dz`/`.dict` beside it.
  public static func starDict(info: String) -> DictionarySource? {
    guard info.hasSuffix(".ifo") else { return nil }
    let stem = String(info.dropLast(".ifo".count))
    guard let index = [stem + ".idx", stem + ".idx.gz"].first(where: { FileStamp.of($0) != nil }),
          let data = [stem + ".dict.dz", stem + ".dict"].first(where: { FileStamp.of($0) != nil }) else { return nil }
    let synonyms = FileStamp.of(stem + ".syn") != nil ? stem + ".syn" : nil
    return DictionarySource(name: baseName(stem), format: .starDict, indexPath: index, dataPath: data, infoPath: info, synonymPath: synonyms)
  }

  /// Whether `query` names this dictionary: its name, or its name without a `freedict-`/`fd-` prefix.
  public func isNamed(_ query: String) -> Bool {
    let lower = query.lowercased(), own = name.lowercased()
    if lower == own { return true }
    for prefix in ["freedict-", "fd-"] where own.hasPrefix(prefix) {
      let bare = String(own.dropFirst(prefix.count))
      if lower == bare || lower == "fd-" + bare || lower == "freedict-" + bare { return true }
    }
    return false
  }

  /// Two sources are the same dictionary when they read the same files.
  public static func == (a: DictionarySource, b: DictionarySource) -> Bool {
    a.indexPath == b.indexPath && a.dataPath == b.dataPath
  }

  /// Hashes the files, consistently with `==`.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(indexPath)
    hasher.combine(dataPath)
  }

  private static func baseName(_ path: String) -> String {
    String(path.split(separator: "/").last ?? Substring(path))
  }
}
