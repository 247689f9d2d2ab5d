/// Learns a WordPiece vocabulary from text, the way Hugging Face's `WordPieceTrainer` does.
///
/// The algorithm is HF's: words come from the tokenizer's normalisation and pre-tokenization and are
/// counted; special tokens get the first ids; the alphabet is every character, cut to the
/// `limitAlphabet` most frequent; characters after the first of a word become `##c`; then the most
/// frequent adjacent pair is merged (`a` + `##b` → `ab`, `##a` + `##b` → `##ab`) until the vocabulary
/// has `vocabularySize` tokens or no pair occurs `minimumFrequency` times.
///
/// HF's trainer breaks ties in hash-map order, so two HF runs can differ; this one breaks them
/// deterministically (alphabet ties by code point, new `##c` symbols in order of first occurrence,
/// equal pair counts by the smaller pair of ids), so the same input always gives the same vocabulary.
///
/// ```swift
/// var trainer = try WordPieceTrainer(vocabularySize: 8000, minimumFrequency: 2, configuration: .huggingFace(lowercase: true))
/// trainer.feed(lines)
/// let vocab = try trainer.train()
/// try vocab.write(to: URL(fileURLWithPath: "vocab.txt"))
/// ```
public struct WordPieceTrainer: Sendable {
  /// The largest vocabulary to produce, special tokens included.
  public var vocabularySize: Int
  /// A pair is merged only if it occurs at least this many times.
  public var minimumFrequency: Int
  /// Keep at most this many characters in the initial alphabet (the most frequent); nil keeps all.
  public var limitAlphabet: Int?
  /// Tokens that get the first ids, in this order.
  public var specialTokens: [String]
  /// The prefix of pieces that continue a word.
  public var continuingSubwordPrefix: String
  /// How text is normalised and split into words before counting.
  public let configuration: BertTokenizer.Configuration

  private let splitter: BertTokenizer
  /// Word counts, and each word's first-occurrence rank.
  private var counts: [[UInt8]: (count: Int, rank: Int)] = [:]

  /// A trainer; `feed` it text, then `train`.
  ///
  /// - Throws: `VocabularyError` when the configuration's special tokens are empty strings.
  public init(vocabularySize: Int = 30_000, minimumFrequency: Int = 2, limitAlphabet: Int? = 1000,
              specialTokens: [String] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"],
              continuingSubwordPrefix: String = "##",
              configuration: BertTokenizer.Configuration = .huggingFace(lowercase: true)) throws(VocabularyError) {
    self.vocabularySize = vocabularySize
    self.minimumFrequency = minimumFrequency
    self.limitAlphabet = limitAlphabet
    self.specialTokens = specialTokens
    self.continuingSubwordPrefix = continuingSubwordPrefix
    var config = configuration
    config.specialTokensInText = []
    self.configuration = config
    // A minimal vocabulary: the splitter only normalises and pre-tokenizes.
    let minimal = [config.unknownToken, config.classificationToken, config.separatorToken, config.paddingToken]
    var unique: [String] = []
    for token in minimal where !unique.contains(where: { Array($0.utf8) == Array(token.utf8) }) { unique.append(token) }
    self.splitter = try BertTokenizer(vocabulary: Vocabulary(tokens: unique), configuration: config)
  }

  /// Counts the words of each text (a line, a document).
  public mutating func feed<S: Sequence>(_ texts: S) where S.Element == String {
    for text in texts {
      for word in splitter.normalizedWords(text) {
        if let entry = counts[word] {
          counts[word] = (entry.count + 1, entry.rank)
        } else {
          counts[word] = (1, counts.count)
        }
      }
    }
  }

  /// The number of distinct words fed so far.
  public var distinctWords: Int { counts.count }

  /// Learns the vocabulary from the words fed so far.
  ///
  /// - Throws: `VocabularyError.duplicateToken` when `specialTokens` repeat a token, `.empty` when nothing
  ///   was fed and there are no special tokens.
  public func train() throws(VocabularyError) -> Vocabulary {
    var idToToken: [String] = []
    var tokenToID: [String: Int32] = [:]
    var byteKeys: [[UInt8]: Int32] = [:]  // exact bytes, so canonically equivalent tokens stay distinct
    func add(_ token: String) -> Int32 {
      let key = Array(token.utf8)
      if let id = byteKeys[key] { return id }
      let id = Int32(idToToken.count)
      idToToken.append(token)
      byteKeys[key] = id
      tokenToID[token] = id
      return id
    }
    for token in specialTokens {
      if byteKeys[Array(token.utf8)] != nil { throw .duplicateToken(token, firstLine: 0, line: 0) }
      _ = add(token)
    }

    // Words in first-occurrence order, as scalar arrays.
    let words = counts.sorted { $0.value.rank < $1.value.rank }.map {
      (scalars: Array(String(decoding: $0.key, as: UTF8.self).unicodeScalars), count: $0.value.count)
    }

    // Alphabet: the most frequent characters, ties by code point; ids in code-point order.
    var characterCounts: [Unicode.Scalar: Int] = [:]
    for w in words { for s in w.scalars { characterCounts[s, default: 0] += w.count } }
    var alphabet = characterCounts.sorted { ($0.value, $1.key.value) > ($1.value, $0.key.value) }.map(\.key)
    if let limit = limitAlphabet, alphabet.count > limit { alphabet = Array(alphabet.prefix(limit)) }
    for s in alphabet.sorted(by: { $0.value < $1.value }) { _ = add(String(s)) }
    let inAlphabet = Set(alphabet)

    // Words as symbol ids; characters outside the alphabet are skipped, as HF does.
    var symbols: [[Int32]] = []
    symbols.reserveCapacity(words.count)
    for w in words {
      var row: [Int32] = []
      for (i, s) in w.scalars.enumerated() where inAlphabet.contains(s) {
        row.append(add(i == 0 ? String(s) : continuingSubwordPrefix + String(s)))
      }
      symbols.append(row)
    }
    let wordCounts = words.map(\.count)

    // Pair statistics.
    struct Pair: Hashable, Comparable {
      let a: Int32
      let b: Int32
      static func < (l: Pair, r: Pair) -> Bool { (l.a, l.b) < (r.a, r.b) }
    }
    var pairCounts: [Pair: Int] = [:]
    var pairWords: [Pair: Set<Int>] = [:]
    for (w, row) in symbols.enumerated() where row.count > 1 {
      for i in 0..<(row.count - 1) {
        let p = Pair(a: row[i], b: row[i + 1])
        pairCounts[p, default: 0] += wordCounts[w]
        pairWords[p, default: []].insert(w)
      }
    }
    var heap = MaxHeap<(count: Int, pair: Pair)> { l, r in
      l.count != r.count ? l.count > r.count : l.pair < r.pair
    }
    for (p, c) in pairCounts where c > 0 { heap.push((c, p)) }

    let prefix = continuingSubwordPrefix
    while idToToken.count < vocabularySize, let top = heap.pop() {
      let current = pairCounts[top.pair] ?? 0
      if current != top.count {
        if current > 0 { heap.push((current, top.pair)) }
        continue
      }
      if current < minimumFrequency { break }
      let partA = idToToken[Int(top.pair.a)]
      var partB = idToToken[Int(top.pair.b)]
      // Byte-wise: with Characters, "##" followed by a combining mark would not start with "##".
      if !prefix.isEmpty, partB.utf8.starts(with: prefix.utf8) {
        partB = String(decoding: partB.utf8.dropFirst(prefix.utf8.count), as: UTF8.self)
      }
      let newID = add(partA + partB)
      var touched: [Pair: Int] = [:]
      for w in pairWords[top.pair] ?? [] {
        var row = symbols[w]
        var i = 0
        let count = wordCounts[w]
        while i < row.count - 1 {
          if row[i] == top.pair.a && row[i + 1] == top.pair.b {
            if i > 0 {
              let old = Pair(a: row[i - 1], b: row[i])
              pairCounts[old, default: 0] -= count
              let new = Pair(a: row[i - 1], b: newID)
              pairCounts[new, default: 0] += count
              pairWords[new, default: []].insert(w)
              touched[new] = pairCounts[new]
            }
            if i + 2 < row.count {
              let old = Pair(a: row[i + 1], b: row[i + 2])
              pairCounts[old, default: 0] -= count
              let new = Pair(a: newID, b: row[i + 2])
              pairCounts[new, default: 0] += count
              pairWords[new, default: []].insert(w)
              touched[new] = pairCounts[new]
            }
            row.replaceSubrange(i...(i + 1), with: [newID])
          }
          i += 1
        }
        symbols[w] = row
      }
      pairCounts[top.pair] = 0
      pairWords[top.pair] = nil
      for (p, _) in touched { if let c = pairCounts[p], c > 0 { heap.push((c, p)) } }
    }
    return try Vocabulary(tokens: idToToken)
  }
}

/// A binary max-heap ordered by `isHigher`.
struct MaxHeap<Element> {
  private var items: [Element] = []
  private let isHigher: (Element, Element) -> Bool

  init(isHigher: @escaping (Element, Element) -> Bool) { self.isHigher = isHigher }

  mutating func push(_ e: Element) {
    items.append(e)
    var i = items.count - 1
    while i > 0 {
      let parent = (i - 1) / 2
      if !isHigher(items[i], items[parent]) { break }
      items.swapAt(i, parent)
      i = parent
    }
  }

  mutating func pop() -> Element? {
    guard !items.isEmpty else { return nil }
    items.swapAt(0, items.count - 1)
    let top = items.removeLast()
    var i = 0
    while true {
      let l = 2 * i + 1
      let r = l + 1
      var best = i
      if l < items.count, isHigher(items[l], items[best]) { best = l }
      if r < items.count, isHigher(items[r], items[best]) { best = r }
      if best == i { break }
      items.swapAt(i, best)
      i = best
    }
    return top
  }
}
