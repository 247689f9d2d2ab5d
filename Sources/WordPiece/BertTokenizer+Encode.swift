extension BertTokenizer {
  /// Encodes a text, or a pair of texts, into model inputs: `[CLS] text [SEP] pair [SEP]`.
  ///
  /// Truncation, overflowing windows and padding follow Hugging Face `tokenizers` exactly (its
  /// `encode` with `enable_truncation(max_length, stride, strategy)` and `enable_padding(length)`):
  /// windows that did not fit are in `overflowing`, each with its own special tokens.
  ///
  /// ```swift
  /// let e = try tokenizer.encode("What is it?", pair: context,
  ///                              options: EncodingOptions(maxLength: 384, truncation: .onlySecond, stride: 128))
  /// e.ids.count            // at most 384
  /// e.overflowing.count    // further windows of the context
  /// ```
  ///
  /// - Throws: `EncodingError` when `maxLength` leaves no room for text, when the stride is negative or
  ///   not smaller than the room for the truncated text, or when the strategy cannot remove enough tokens.
  public func encode(_ text: String, pair: String? = nil, options: EncodingOptions = EncodingOptions()) throws(EncodingError) -> Encoding {
    var first = sequence(rawTokens(text), index: 0)
    var second = pair.map { sequence(rawTokens($0), index: 1) }
    if let maxLength = options.maxLength {
      let added = options.addSpecialTokens ? (pair == nil ? 2 : 3) : 0
      guard maxLength >= added else { throw .maxLengthTooSmall(maxLength: maxLength, specialTokens: added) }
      try Self.truncate(&first, &second, maxLength: maxLength - added, stride: options.stride, strategy: options.truncation)
    }
    if options.addSpecialTokens {
      first = addSpecialTokens(to: first, isPair: false)
      second = second.map { addSpecialTokens(to: $0, isPair: true) }
    }
    var result = second.map { Self.merge(first, $0) } ?? first
    switch options.padding {
    case .none: break
    case .toMaxLength: if let m = options.maxLength { pad(&result, to: m) }
    case .toLength(let m): pad(&result, to: m)
    }
    return result
  }

  /// Encodes a question with a long context as overlapping windows, for extractive QA.
  ///
  /// Each window is `[CLS] question [SEP] part of context [SEP]`, padded to `maxLength` when
  /// `pad` is true; consecutive windows share `stride` context tokens. This is Hugging Face's
  /// `encode(question, context)` with only-second truncation, `stride` and
  /// `return_overflowing_tokens`, the main encoding first. Offsets of context tokens point into `context`.
  ///
  /// ```swift
  /// let windows = try tokenizer.encodeWindows(question: "Who wrote it?", context: article, maxLength: 384, stride: 128)
  /// for w in windows { /* run the model on w.ids, w.typeIDs, w.attentionMask */ }
  /// ```
  ///
  /// - Throws: `EncodingError` when the question leaves no room for context in `maxLength`, or the
  ///   stride is not smaller than that room.
  public func encodeWindows(question: String, context: String, maxLength: Int, stride: Int,
                            pad: Bool = true) throws(EncodingError) -> [Encoding] {
    let options = EncodingOptions(maxLength: maxLength, truncation: .onlySecond, stride: stride,
                                  padding: pad ? .toMaxLength : .none)
    var main: Encoding
    do {
      main = try encode(question, pair: context, options: options)
    } catch .sequenceTooShort {
      // The question alone fills the window: nothing of the context fits.
      let questionLength = rawTokens(question).count
      throw .maxLengthTooSmall(maxLength: maxLength, specialTokens: 3 + questionLength)
    }
    let rest = main.overflowing
    main.overflowing = []
    return [main] + rest.map { var w = $0; w.overflowing = []; return w }
  }

  /// A sequence's tokens as an encoding without special tokens.
  func sequence(_ tokens: [RawToken], index: Int) -> Encoding {
    var e = Encoding()
    e.ids.reserveCapacity(tokens.count)
    for t in tokens {
      e.append(id: t.id, token: vocabulary.tokens[t.id], typeID: index, offsets: t.scalarOffsets,
               utf8Offsets: t.utf8Offsets, sequence: index)
    }
    return e
  }

  /// `[CLS] e [SEP]` (type 0) for the first sequence, `e [SEP]` (type 1) for the pair; the same for each overflowing window.
  func addSpecialTokens(to e: Encoding, isPair: Bool) -> Encoding {
    var out = Encoding()
    let type = isPair ? 1 : 0
    if !isPair {
      out.append(id: classificationID, token: configuration.classificationToken, typeID: 0, offsets: 0..<0,
                 utf8Offsets: 0..<0, sequence: nil)
    }
    out.append(contentsOf: e)
    out.append(id: separatorID, token: configuration.separatorToken, typeID: type, offsets: 0..<0,
               utf8Offsets: 0..<0, sequence: nil)
    out.overflowing = e.overflowing.map { addSpecialTokens(to: $0, isPair: isPair) }
    return out
  }

  /// Hugging Face's `Encoding::merge_with`: the pair appended, and overflowing windows combined as
  /// (each first-sequence window with the pair, then with each pair window), then the first sequence
  /// with each pair window.
  static func merge(_ first: Encoding, _ second: Encoding) -> Encoding {
    var overflowing: [Encoding] = []
    for f in first.overflowing {
      var a = f
      a.append(contentsOf: second)
      overflowing.append(a)
      for s in second.overflowing {
        var b = f
        b.append(contentsOf: s)
        overflowing.append(b)
      }
    }
    for s in second.overflowing {
      var c = first
      c.overflowing = []
      c.append(contentsOf: s)
      overflowing.append(c)
    }
    var merged = first
    merged.append(contentsOf: second)
    merged.overflowing = overflowing
    return merged
  }

  /// Hugging Face's `truncate_encodings` with `maxLength` already net of special tokens.
  static func truncate(_ first: inout Encoding, _ second: inout Encoding?, maxLength: Int, stride: Int,
                       strategy: EncodingOptions.Truncation) throws(EncodingError) {
    // A negative stride would start each window past the end of the one before, silently skipping tokens.
    guard stride >= 0 else { throw .negativeStride(stride) }
    if maxLength == 0 {
      try truncate(&first, to: 0, stride: stride)
      if second != nil { try truncate(&second!, to: 0, stride: stride) }
      return
    }
    let total = first.count + (second?.count ?? 0)
    guard total > maxLength else { return }
    let toRemove = total - maxLength
    switch strategy {
    case .longestFirst:
      if var pair = second {
        var n1 = first.count
        var n2 = pair.count
        let swapped = n1 > n2
        if swapped { swap(&n1, &n2) }
        n2 = n1 > maxLength ? n1 : max(n1, maxLength - n1)
        if n1 + n2 > maxLength {
          n1 = maxLength / 2
          n2 = n1 + maxLength % 2
        }
        if swapped { swap(&n1, &n2) }
        try truncate(&first, to: n1, stride: stride)
        try truncate(&pair, to: n2, stride: stride)
        second = pair
      } else {
        try truncate(&first, to: total - toRemove, stride: stride)
      }
    case .onlyFirst:
      guard first.count > toRemove else { throw .sequenceTooShort(length: first.count, toRemove: toRemove) }
      try truncate(&first, to: first.count - toRemove, stride: stride)
    case .onlySecond:
      guard var pair = second else { throw .secondSequenceMissing }
      guard pair.count > toRemove else { throw .sequenceTooShort(length: pair.count, toRemove: toRemove) }
      try truncate(&pair, to: pair.count - toRemove, stride: stride)
      second = pair
    }
  }

  /// Hugging Face's `Encoding::truncate` (right side): the first `maxLength` tokens stay, the rest
  /// become overflowing windows of `maxLength` tokens starting every `maxLength - stride` tokens.
  static func truncate(_ e: inout Encoding, to maxLength: Int, stride: Int) throws(EncodingError) {
    let count = e.count
    guard maxLength < count else { return }
    if maxLength == 0 {
      var whole = e
      whole.overflowing = []
      e = Encoding()
      e.overflowing = [whole]
      return
    }
    guard stride < maxLength else { throw .strideTooLarge(stride: stride, room: maxLength) }
    let step = maxLength - stride
    var parts: [Range<Int>] = []
    var start = 0
    while true {
      let stop = min(start + maxLength, count)
      parts.append(start..<stop)
      if stop == count { break }
      start += step
    }
    var main = e.slice(parts[0])
    main.overflowing = parts.dropFirst().map { e.slice($0) }
    e = main
  }

  /// Pads `e` and every overflowing window to `length` with the padding token (type 0, mask 0).
  func pad(_ e: inout Encoding, to length: Int) {
    while e.count < length {
      e.append(id: paddingID, token: configuration.paddingToken, typeID: 0, offsets: 0..<0, utf8Offsets: 0..<0, sequence: nil)
      e.attentionMask[e.count - 1] = 0
    }
    for i in e.overflowing.indices { pad(&e.overflowing[i], to: length) }
  }
}
