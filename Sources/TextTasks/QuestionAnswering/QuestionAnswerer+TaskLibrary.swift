import WordPiece

extension QuestionAnswerer {
  /// The TFLite Task Library's BertQuestionAnswerer, step for step
  /// (tensorflow/tflite-support, `cc/task/text/bert_question_answerer.cc`):
  ///
  /// - the context is split into words on the space character only, and the words and the question
  ///   are ASCII-lower-cased; each word is WordPiece-tokenized on its own (Task Library rules);
  /// - the question keeps at most 64 tokens, the context what fits in the sequence after
  ///   `[CLS] question [SEP]` and before the final `[SEP]`; ids are padded with 0;
  /// - the 5 highest start and 5 highest end logits over the whole sequence are paired; pairs whose
  ///   positions are both context tokens, in order, and at most 32 tokens long are kept, sorted by
  ///   start + end logit, and the first 5 returned;
  /// - an answer's text is its original words joined by single spaces.
  func answerCompatible(_ question: String, context: String, document: QADocument, limit: Int) throws -> [Answer] {
    let maxQueryTokens = 64, predictions = 5, maxAnswerTokens = 32
    let words = Self.spaceSeparatedWords(context)
    var queryIDs = compatTokenizer.tokenize(Self.asciiLowercased(question)).map(\.id)
    if queryIDs.count > maxQueryTokens { queryIDs.removeLast(queryIDs.count - maxQueryTokens) }
    var docIDs: [Int] = []
    var tokenWord: [Int] = []
    for (i, word) in words.enumerated() {
      for token in compatTokenizer.tokenize(Self.asciiLowercased(String(context.unicodeScalars[word.range]))) {
        docIDs.append(token.id)
        tokenWord.append(i)
      }
    }
    let length = binding.sequenceLength
    let maxContext = length - queryIDs.count - 3
    guard maxContext >= 0 else { throw QuestionAnsweringError.sequenceTooShort(sequenceLength: length, questionTokens: queryIDs.count) }
    if docIDs.count > maxContext {
      docIDs.removeLast(docIDs.count - maxContext)
      tokenWord.removeLast(tokenWord.count - maxContext)
    }
    let special = try specialIDs(compatTokenizer)
    var ids: [Int32] = [special.classification] + queryIDs.map(Int32.init) + [special.separator]
    var segments = [Int32](repeating: 0, count: ids.count)
    let contextStart = ids.count
    ids += docIDs.map(Int32.init) + [special.separator]
    segments += [Int32](repeating: 1, count: docIDs.count + 1)
    var mask = [Int32](repeating: 1, count: ids.count)
    let padding = length - ids.count
    ids += [Int32](repeating: 0, count: padding)
    mask += [Int32](repeating: 0, count: padding)
    segments += [Int32](repeating: 0, count: padding)

    let logits = try run(ids: ids, mask: mask, segments: segments)
    func word(atPosition p: Int) -> Int? {
      let i = p - contextStart
      return tokenWord.indices.contains(i) ? tokenWord[i] : nil
    }
    let starts = SpanDecoder.topIndices(logits.start, count: predictions, limit: length)
    let ends = SpanDecoder.topIndices(logits.end, count: predictions, limit: length)
    var spans: [(start: Int, end: Int, logit: Float)] = []
    for s in starts {
      for e in ends where word(atPosition: s) != nil && word(atPosition: e) != nil && e >= s && e - s + 1 <= maxAnswerTokens {
        spans.append((s, e, logits.start[s] + logits.end[e]))
      }
    }
    // Stable: equal logits keep the order of the loops above.
    let ordered = spans.enumerated().sorted { $0.element.logit != $1.element.logit ? $0.element.logit > $1.element.logit : $0.offset < $1.offset }
    return ordered.prefix(min(predictions, max(0, limit))).compactMap { entry -> Answer? in
      guard let first = word(atPosition: entry.element.start), let last = word(atPosition: entry.element.end) else { return nil }
      let scalarRange = words[first].scalars.lowerBound..<words[last].scalars.upperBound
      let text = words[first...last].map { String(context.unicodeScalars[$0.range]) }.joined(separator: " ")
      return Answer(text: text, score: Double(entry.element.logit), scalarRange: scalarRange,
                    range: words[first].range.lowerBound..<words[last].range.upperBound,
                    location: document.location(ofScalarOffset: scalarRange.lowerBound))
    }
  }

  /// The words of `text` between U+0020 spaces (empty words skipped), with their ranges
  /// (as `absl::StrSplit(text, ' ', SkipEmpty())`: tabs and newlines stay inside words).
  static func spaceSeparatedWords(_ text: String) -> [(range: Range<String.Index>, scalars: Range<Int>)] {
    var words: [(range: Range<String.Index>, scalars: Range<Int>)] = []
    let scalars = text.unicodeScalars
    var start: String.Index? = nil
    var startOffset = 0
    var offset = 0
    var index = scalars.startIndex
    while index < scalars.endIndex {
      if scalars[index] == " " {
        if let s = start { words.append((s..<index, startOffset..<offset)) }
        start = nil
      } else if start == nil {
        start = index
        startOffset = offset
      }
      index = scalars.index(after: index)
      offset += 1
    }
    if let s = start { words.append((s..<scalars.endIndex, startOffset..<offset)) }
    return words
  }

  /// `absl::AsciiStrToLower`: only A–Z change.
  static func asciiLowercased(_ text: String) -> String {
    var scalars = String.UnicodeScalarView()
    for s in text.unicodeScalars {
      scalars.append((0x41...0x5A).contains(s.value) ? Unicode.Scalar(UInt8(s.value + 32)) : s)
    }
    return String(scalars)
  }
}
