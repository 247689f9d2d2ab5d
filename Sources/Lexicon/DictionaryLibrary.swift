import Foundation

/// The dictionaries installed on this machine, found by scanning folders, and how to pick among them.
///
/// Default folders, in order: `$XDG_DATA_HOME/glean/dictionaries` (default `~/.local/share/...`),
/// `/usr/share/dictd`, `/usr/share/stardict/dic`. Folders are scanned two levels deep (StarDict keeps
/// each dictionary in its own sub-folder). A dictd dictionary is an `.index` with a `.dict.dz` or `.dict`
/// beside it; a StarDict one is an `.ifo` with its `.idx`/`.idx.gz` and `.dict.dz`/`.dict`.
///
/// ```swift
/// let library = DictionaryLibrary.discover(in: ["Corpora/dictionary/dictd"] + DictionaryLibrary.defaultDirectories)
/// let chosen = try library.select(names: [], from: "fr", to: "en")     // fra→eng dictionaries
/// let dictionaries = try chosen.map { try OfflineDictionary.open($0) }
/// let entries = try DictionaryLibrary.define("école", in: dictionaries)
/// ```
public struct DictionaryLibrary: Sendable {
  /// Every dictionary found, in folder order then file-name order; the first of a name wins.
  public let sources: [DictionarySource]

  /// A library of exactly these dictionaries, in this order.
  public init(sources: [DictionarySource]) { self.sources = sources }

  /// The default folders (see the type's documentation).
  public static var defaultDirectories: [String] {
    let environment = ProcessInfo.processInfo.environment
    let home = environment["HOME"] ?? NSHomeDirectory()
    let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.local/share"
    return [dataHome + "/glean/dictionaries", "/usr/share/dictd", "/usr/share/stardict/dic"]
  }

  /// Scans `directories` (missing ones are skipped).
  public static func discover(in directories: [String]) -> DictionaryLibrary {
    var found: [DictionarySource] = []
    var names: Set<String> = []
    for directory in directories {
      for path in files(in: directory, depth: 2) {
        let source = path.hasSuffix(".index") ? DictionarySource.dictd(index: path)
          : path.hasSuffix(".ifo") ? DictionarySource.starDict(info: path) : nil
        if let source, names.insert(source.name).inserted { found.append(source) }
      }
    }
    return DictionaryLibrary(sources: found)
  }

  private static func files(in directory: String, depth: Int) -> [String] {
    guard depth > 0, let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
    var result: [String] = []
    for name in names.sorted() {
      let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
      if isDirectory.boolValue {
        result += files(in: path, depth: depth - 1)
      } else {
        result.append(path)
      }
    }
    return result
  }

  /// The dictionaries to use: those named in `names` (in that order; see `DictionarySource.isNamed`),
  /// or all of them; then only those translating `from` → `to` when given (2- or 3-letter codes).
  ///
  /// - Throws: `LexiconError.noSuchDictionary` when a name matches nothing, a language code is unknown,
  ///   or nothing is left.
  public func select(names: [String] = [], from: String? = nil, to: String? = nil) throws(LexiconError) -> [DictionarySource] {
    var chosen: [DictionarySource] = []
    if names.isEmpty {
      chosen = sources
    } else {
      for name in names {
        guard let source = sources.first(where: { $0.isNamed(name) }) else {
          throw .noSuchDictionary("the name \"\(name)\"")
        }
        if !chosen.contains(source) { chosen.append(source) }
      }
    }
    var codes: (String?, String?) = (nil, nil)
    if let from {
      guard let code = LanguageCode.normalize(from) else { throw .noSuchDictionary("the language code \"\(from)\"") }
      codes.0 = code
    }
    if let to {
      guard let code = LanguageCode.normalize(to) else { throw .noSuchDictionary("the language code \"\(to)\"") }
      codes.1 = code
    }
    if codes.0 != nil || codes.1 != nil {
      chosen = chosen.filter { source in
        guard let pair = source.languages else { return false }
        return (codes.0 == nil || codes.0 == pair.source) && (codes.1 == nil || codes.1 == pair.target)
      }
    }
    guard !chosen.isEmpty else {
      let what = [from.map { "--from \($0)" }, to.map { "--to \($0)" }].compactMap { $0 }.joined(separator: " ")
      throw .noSuchDictionary(what.isEmpty ? "(no dictionaries are installed)" : what)
    }
    return chosen
  }

  /// Looks `word` up in several dictionaries in order, each with `lookupWithFallbacks`, keeping the best
  /// kind of match found across them: if any dictionary has an exact match, only exact matches are
  /// returned (from every dictionary that has one), and so on down to fuzzy.
  ///
  /// - Throws: `LexiconError` when a definition cannot be read.
  public static func define(_ word: String, in dictionaries: [OfflineDictionary], fuzzy: Bool = true) throws(LexiconError) -> [DictionaryEntry] {
    var all: [DictionaryEntry] = []
    for dictionary in dictionaries {
      all += try dictionary.lookupWithFallbacks(word, fuzzy: false)
    }
    if let best = all.map(\.match).min() { return all.filter { $0.match == best } }
    guard fuzzy else { return [] }
    for dictionary in dictionaries {
      all += try dictionary.lookup(word, mode: .fuzzy(maxEdits: 2), limit: 1)
    }
    guard let closest = all.map(\.distance).min() else { return [] }
    return all.filter { $0.distance == closest }
  }
}
