/// One opened dictionary (dictd or StarDict), searched through its cached, memory-mapped lookup index.
///
/// Opening maps the cached index when it is still valid for the dictionary's files, and otherwise builds
/// it (reading the whole `.index`/`.idx`, checking the dictzip CRC) and caches it. Lookups never read the
/// source index again; definitions are read by random access from the `.dict`/`.dict.dz`.
///
/// ```swift
/// let source = DictionarySource.dictd(index: "/usr/share/dictd/freedict-fra-eng.index")!
/// let dictionary = try OfflineDictionary.open(source)
/// for entry in try dictionary.lookup("ecole", mode: .folded) {
///   print(entry.headword, entry.definition)   // école …school
/// }
/// try dictionary.lookup("mangeons", mode: .inflection).first?.headword   // "manger"
/// ```
///
/// Safe to share between tasks: all state is immutable except a small lock-protected chunk cache.
public final class OfflineDictionary: Sendable {
  /// The files it was opened from.
  public let source: DictionarySource
  /// Entries skipped while the lookup index was built (only filled when it was built by this `open`).
  public let warnings: [IndexWarning]
  /// Number of index entries skipped when the lookup index was built (kept in the cache).
  public let skippedEntryCount: Int
  /// The StarDict `.ifo`, for StarDict dictionaries.
  public let starDictInfo: StarDictInfo?
  let index: LookupIndex
  let data: any DefinitionData

  /// The folded prefix of dictd's special entries (`00-database-info`, `00databasealphabet` …).
  static let specialPrefix = Array("00database".utf8)

  private init(source: DictionarySource, warnings: [IndexWarning], starDictInfo: StarDictInfo?, index: LookupIndex,
               data: any DefinitionData) {
    self.source = source
    self.warnings = warnings
    self.skippedEntryCount = index.skippedCount
    self.starDictInfo = starDictInfo
    self.index = index
    self.data = data
  }

  // MARK: Opening

  /// Opens `source`, using or (re)building its lookup index in `cacheDirectory`.
  ///
  /// - Parameters:
  ///   - cacheDirectory: where lookup indexes are cached (`LookupCache.defaultDirectory` by default);
  ///     nil keeps the index in memory only. An unwritable cache directory is not an error.
  ///   - cachedChunks: how many inflated dictzip chunks to keep (about 58 KiB each for dictd files);
  ///     raise it when looking up many words, as a gloss of a long text does.
  /// - Throws: `LexiconError` when a file is missing or unreadable, the dictzip header or checksum is bad,
  ///   or a StarDict `.ifo` disagrees with its `.idx` size.
  public static func open(_ source: DictionarySource, cacheDirectory: String? = LookupCache.defaultDirectory,
                          cachedChunks: Int = 32) throws(LexiconError) -> OfflineDictionary {
    let data = try openDefinitionData(path: source.dataPath, cachedChunks: cachedChunks)
    var info: StarDictInfo?
    if source.format == .starDict {
      guard let infoPath = source.infoPath else { throw .unreadable(path: source.indexPath, reason: "a StarDict dictionary needs its .ifo") }
      let bytes = try readWholeFile(infoPath)
      guard let text = String(validating: bytes, as: UTF8.self) else { throw .malformed(path: infoPath, reason: "not UTF-8 text") }
      info = try StarDictInfo.parse(text, path: infoPath)
    }
    guard let indexStamp = FileStamp.of(source.indexPath) else { throw .unreadable(path: source.indexPath, reason: "no such file") }
    guard let dataStamp = FileStamp.of(source.dataPath) else { throw .unreadable(path: source.dataPath, reason: "no such file") }
    let stamps = LookupIndex.SourceStamps(index: indexStamp, data: dataStamp, synonyms: source.synonymPath.flatMap(FileStamp.of))
    let cachePath = cacheDirectory.map { LookupCache.path(forIndex: source.indexPath, name: source.name, in: $0) }
    if let cachePath, FileStamp.of(cachePath) != nil,
       let cached = try? LookupIndex(path: cachePath),
       cached.stamps == stamps, cached.dataSize == data.uncompressedSize {
      return OfflineDictionary(source: source, warnings: [], starDictInfo: info, index: cached, data: data)
    }
    let (bytes, warnings) = try buildIndex(source, info: info, data: data, stamps: stamps)
    if let cachePath, (try? LookupCache.writeAtomically(bytes, to: cachePath)) != nil, let written = try? LookupIndex(path: cachePath) {
      return OfflineDictionary(source: source, warnings: warnings, starDictInfo: info, index: written, data: data)
    }
    return OfflineDictionary(source: source, warnings: warnings, starDictInfo: info,
                             index: try LookupIndex(bytes: bytes, path: source.indexPath), data: data)
  }

  /// Reads the source index and lays out the lookup index.
  private static func buildIndex(_ source: DictionarySource, info: StarDictInfo?, data: any DefinitionData,
                                 stamps: LookupIndex.SourceStamps) throws(LexiconError) -> (bytes: [UInt8], warnings: [IndexWarning]) {
    if let dictzip = data as? DictzipData { try dictzip.verifyChecksum() }
    var parsed: ParsedIndex
    var flags: LookupIndex.Flags
    switch source.format {
    case .dictd:
      let file = try MappedFile(path: source.indexPath)
      parsed = DictdIndexParser.parse(file.buffer, path: source.indexPath, dataSize: data.uncompressedSize)
      flags = [.dictd]
      let headwords = Set(parsed.entries.lazy.filter { $0.headword.hasPrefix("00") }.map(\.headword))
      if headwords.contains("00-database-allchars") || headwords.contains("00databaseallchars") { flags.insert(.allChars) }
      if headwords.contains("00-database-case-sensitive") || headwords.contains("00databasecasesensitive") { flags.insert(.caseSensitive) }
    case .starDict:
      guard let info else { throw .unreadable(path: source.indexPath, reason: "a StarDict dictionary needs its .ifo") }
      let file = try MappedFile(path: source.indexPath)
      let inflated: [UInt8]? = source.indexPath.hasSuffix(".gz") ? try Inflate.gzipToMemory(file.buffer, path: source.indexPath) : nil
      let indexSize = UInt64(inflated?.count ?? file.count)
      guard indexSize == info.indexFileSize else {
        throw .inconsistentInfo(path: source.infoPath ?? source.indexPath,
                                reason: "idxfilesize=\(info.indexFileSize) but the index holds \(indexSize) bytes")
      }
      guard info.offsetBits == 32 || info.version.hasPrefix("3") else {
        throw .inconsistentInfo(path: source.infoPath ?? source.indexPath, reason: "idxoffsetbits=64 needs version=3.0.0")
      }
      let parse = { (buffer: UnsafeRawBufferPointer) in
        StarDictIndexParser.parseIndex(buffer, path: source.indexPath, offsetBits: info.offsetBits,
                                       dataSize: data.uncompressedSize, expectedCount: info.wordCount)
      }
      parsed = inflated.map { $0.withUnsafeBytes(parse) } ?? parse(file.buffer)
      if let synonymPath = source.synonymPath {
        let synonyms = try MappedFile(path: synonymPath)
        let found = StarDictIndexParser.parseSynonyms(synonyms.buffer, path: synonymPath, targets: parsed.positional,
                                                      expectedCount: info.synonymCount)
        parsed.entries += found.entries
        parsed.warnings += found.warnings
      }
      flags = [.starDict]
    }
    let skipped = parsed.warnings.filter { $0.position != nil }.count
    let (bytes, duplicates) = try LookupIndex.build(entries: parsed.entries, flags: flags, stamps: stamps,
                                                    dataSize: data.uncompressedSize, skipped: skipped, path: source.indexPath)
    return (bytes, parsed.warnings + duplicates)
  }

  // MARK: Facts

  /// The dictionary's name (`freedict-fra-eng`).
  public var name: String { source.name }

  /// Number of headword entries (a headword with several entries counts each; dictd's special
  /// `00-database-…` entries are not counted; StarDict synonyms are).
  public var entryCount: Int { index.count - index.prefixRange(Self.specialPrefix).count }

  /// A one-line title: dictd's `00-database-short`, or StarDict's `bookname`.
  public func title() -> String {
    if let info = starDictInfo { return info.bookName }
    return special("00-database-short").map { $0.split(separator: "\n").joined(separator: " ") } ?? name
  }

  /// The text of a dictd special entry (`00-database-info`, `00-database-url` …) without its headword line,
  /// or nil when the dictionary has none.
  public func special(_ headword: String) -> String? {
    let range = index.equalRange(Array(LookupKey.folded(headword).utf8))
    guard let first = range.first, let text = try? definition(ofRecord: first) else { return nil }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    if let head = lines.first, LookupKey.folded(String(head)) == LookupKey.folded(headword) { lines.removeFirst() }
    let body = lines.map { $0.trimmingCharacters() }.filter { !$0.isEmpty }.joined(separator: "\n")
    return body.isEmpty ? nil : body
  }

  // MARK: Lookup

  /// Entries for `word` under `mode`, in index order (fuzzy: best first), at most `limit` of them
  /// (for `.fuzzy`, at most `limit` distinct headwords, each with all its entries). A negative limit counts as 0.
  ///
  /// ```swift
  /// try dictionary.lookup("Grussen", mode: .folded)   // grüßen
  /// try dictionary.lookup("ab?*", mode: .glob, limit: 20)
  /// try dictionary.lookup("ecoel", mode: .fuzzy(maxEdits: 2))   // école (1 transposition)
  /// ```
  /// - Throws: `LexiconError` when a definition cannot be read (corrupt chunk, invalid UTF-8).
  public func lookup(_ word: String, mode: LookupMode = .exact, limit: Int = 100) throws(LexiconError) -> [DictionaryEntry] {
    let limit = max(0, limit)
    switch mode {
    case .exact:
      let exact = exactKey(word)
      let records = index.equalRange(Array(LookupKey.folded(word).utf8)).filter { isExact(index.headword($0), exact) }
      return try entries(records.prefix(limit), match: .exact)
    case .folded:
      return try entries(index.equalRange(Array(LookupKey.folded(word).utf8)).prefix(limit), match: .folded)
    case .prefix:
      let range = index.prefixRange(Array(LookupKey.folded(word).utf8))
      return try entries(range.lazy.filter { !self.isSpecial($0) }.prefix(limit), match: .prefix)
    case .glob:
      return try entries(globRecords(word, limit: limit), match: .glob)
    case .fuzzy(let maxEdits):
      var result: [DictionaryEntry] = []
      for (records, distance) in fuzzyRecords(word, maxEdits: maxEdits, limit: min(limit, 10)) {
        result += try entries(records, match: .fuzzy, distance: distance)
      }
      return result
    case .inflection:
      var result: [DictionaryEntry] = []
      for candidate in Inflection.candidates(for: word, language: source.languages?.source) {
        let range = index.equalRange(Array(candidate.utf8))
        result += try entries(range.prefix(limit - result.count), match: .inflection)
        if result.count >= limit { break }
      }
      return result
    }
  }

  /// The usual way to look a word up: exact, then folded, then inflection, then (when `fuzzy`) fuzzy
  /// within 2 edits, returning the first of these that finds anything.
  ///
  /// - Throws: `LexiconError` when a definition cannot be read.
  public func lookupWithFallbacks(_ word: String, fuzzy: Bool = true) throws(LexiconError) -> [DictionaryEntry] {
    var modes: [LookupMode] = [.exact, .folded, .inflection]
    if fuzzy { modes.append(.fuzzy(maxEdits: 2)) }
    for mode in modes {
      let found = try lookup(word, mode: mode)
      if !found.isEmpty { return found }
    }
    return []
  }

  /// How many entries have `word`'s folded key: a lookup that reads no definition text.
  ///
  /// ```swift
  /// dictionary.entryCount(for: "Haus")   // 7 in FreeDict deu-eng
  /// ```
  public func entryCount(for word: String) -> Int {
    index.equalRange(Array(LookupKey.folded(word).utf8)).count
  }

  /// Headwords (as written in the index) whose folded key starts with `prefix`, without definitions;
  /// at most `limit` (a negative limit counts as 0).
  public func headwords(withPrefix prefix: String, limit: Int = 100) -> [String] {
    var seen: Set<String> = []
    var result: [String] = []
    for record in index.prefixRange(Array(LookupKey.folded(prefix).utf8)) where !isSpecial(record) {
      if result.count >= limit { break }
      let headword = index.headword(record)
      if seen.insert(headword).inserted { result.append(headword) }
    }
    return result
  }

  /// Up to `limit` headwords within `maxEdits` edits of `word`, best first, with their distances
  /// (a negative limit counts as 0).
  public func suggestions(for word: String, maxEdits: Int = 2, limit: Int = 10) -> [(headword: String, distance: Int)] {
    fuzzyRecords(word, maxEdits: maxEdits, limit: max(0, limit)).compactMap { records, distance in
      records.first.map { (index.headword($0), distance) }
    }
  }

  // MARK: Internals

  /// What the exact mode compares index headwords with.
  private func exactKey(_ word: String) -> String {
    guard index.flags.contains(.dictd) else { return word }
    return LookupKey.dictd(word, allChars: index.flags.contains(.allChars), caseSensitive: index.flags.contains(.caseSensitive))
  }

  private func isExact(_ headword: String, _ key: String) -> Bool {
    if headword == key { return true }
    if index.flags.contains(.dictd) {
      // dictd compares its normalised forms, so an index headword written with capitals or
      // punctuation still matches.
      return exactKey(headword) == key
    }
    // StarDict orders and finds words ASCII-case-insensitively first (g_ascii_strcasecmp).
    return headword.utf8.count == key.utf8.count && headword.lowercasedASCII() == key.lowercasedASCII()
  }

  private func isSpecial(_ record: Int) -> Bool {
    index.withFoldedKey(record) { key in
      key.count >= Self.specialPrefix.count && zip(key, Self.specialPrefix).allSatisfy { $0 == $1 }
    }
  }

  /// The definition text of record `i`.
  func definition(ofRecord i: Int) throws(LexiconError) -> String {
    let record = index.record(i)
    let bytes = try data.bytes(offset: record.definitionOffset, size: UInt64(record.definitionSize))
    if source.format == .starDict {
      guard let text = StarDictContent.render(bytes, sameTypeSequence: starDictInfo?.sameTypeSequence) else {
        throw .invalidUTF8(path: source.dataPath, headword: index.headword(i))
      }
      return text
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw .invalidUTF8(path: source.dataPath, headword: index.headword(i))
    }
    return text
  }

  private func entries<S: Sequence>(_ records: S, match: MatchKind, distance: Int = 0) throws(LexiconError) -> [DictionaryEntry]
  where S.Element == Int {
    var result: [DictionaryEntry] = []
    for record in records {
      result.append(DictionaryEntry(dictionary: name, headword: index.headword(record), definition: try definition(ofRecord: record),
                                    match: match, distance: distance))
    }
    return result
  }

  private func globRecords(_ pattern: String, limit: Int) -> [Int] {
    let glob = GlobPattern(pattern)
    let range = index.prefixRange(Array(glob.literalPrefix.utf8))
    var result: [Int] = []
    for record in range where !isSpecial(record) && glob.matches(index.foldedKey(record)) {
      if result.count >= limit { break }
      result.append(record)
    }
    return result
  }

  /// Distinct folded keys within `maxEdits` of the folded `word`: each as its records and distance,
  /// ranked by distance, then by length difference, then by a shared first letter, then alphabetically.
  private func fuzzyRecords(_ word: String, maxEdits: Int, limit: Int) -> [(records: Range<Int>, distance: Int)] {
    let bound = max(0, min(maxEdits, 2))
    let query = LookupKey.folded(word).unicodeScalars.map(\.value)
    guard !query.isEmpty, query.count <= 64 else { return [] }
    var distance = EditDistance(maximumLength: 72)
    var found: [(start: Int, distance: Int, key: [UInt32])] = []
    var scalars: [UInt32] = []
    scalars.reserveCapacity(80)
    var i = 0
    while i < index.count {
      // The run of records sharing this folded key.
      var end = i + 1
      index.withFoldedKey(i) { key in
        while end < index.count, index.withFoldedKey(end, { compareBytes($0, 0, $0.count, key, 0, key.count) == 0 }) { end += 1 }
        scalars.removeAll(keepingCapacity: true)
        guard key.count <= 4 * (query.count + bound), key.count + bound >= query.count else { return }
        if key.allSatisfy({ $0 < 0x80 }) {
          for byte in key { scalars.append(UInt32(byte)) }
        } else {
          for scalar in String(decoding: key, as: UTF8.self).unicodeScalars { scalars.append(scalar.value) }
        }
      }
      if !scalars.isEmpty, !isSpecial(i), let d = distance.between(query, scalars, bound: bound) {
        found.append((i, d, scalars))
      }
      i = end
    }
    let first = query.first
    found.sort { a, b in
      if a.distance != b.distance { return a.distance < b.distance }
      let la = abs(a.key.count - query.count), lb = abs(b.key.count - query.count)
      if la != lb { return la < lb }
      let fa = a.key.first == first, fb = b.key.first == first
      if fa != fb { return fa }
      return a.key.lexicographicallyPrecedes(b.key)
    }
    return found.prefix(limit).map { hit in
      var end = hit.start + 1
      while end < index.count, index.foldedKey(end) == index.foldedKey(hit.start) { end += 1 }
      return (hit.start..<end, hit.distance)
    }
  }
}

extension String {
  /// ASCII letters lower-cased, everything else kept.
  func lowercasedASCII() -> String {
    String(decoding: utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
  }
}
