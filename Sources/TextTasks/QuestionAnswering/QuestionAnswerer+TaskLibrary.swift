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
    let input = try taskLibraryInput(question: question, context: context)
    let logits = try run(ids: input.ids, mask: input.mask, segments: input.segmentIDs)
    return Self.taskLibraryAnswers(startLogits: logits.start, endLogits: logits.end, input: input, limit: limit).map { span in
      let first = input.words[span.firstWord], last = input.words[span.lastWord]
      let scalarRange = first.scalars.lowerBound..<last.scalars.upperBound
      return Answer(text: span.text, score: Double(span.logit), scalarRange: scalarRange,
                    range: first.range.lowerBound..<last.range.upperBound,
                    location: document.location(ofScalarOffset: scalarRange.lowerBound))
    }
  }

  /// The model inputs the Task Library builds for a question and a context.
  func taskLibraryInput(question: String, context: String) throws(QuestionAnsweringError) -> TaskLibraryQAInput {
    let words = Self.spaceSeparatedWords(context)
    var queryIDs = tokenizer.tokenize(Self.asciiLowercased(question)).map(\.id)
    if queryIDs.count > TaskLibraryQAInput.maxQueryTokens { queryIDs.removeLast(queryIDs.count - TaskLibraryQAInput.maxQueryTokens) }
    var docIDs: [Int] = []
    var tokenWord: [Int] = []
    for (i, word) in words.enumerated() {
      for token in tokenizer.tokenize(Self.asciiLowercased(String(context.unicodeScalars[word.range]))) {
        docIDs.append(token.id)
        tokenWord.append(i)
      }
    }
    let length = binding.sequenceLength
    let maxContext = length - queryIDs.count - 3
    guard maxContext >= 0 else { throw .sequenceTooShort(sequenceLength: length, questionTokens: queryIDs.count) }
    if docIDs.count > maxContext {
      docIDs.removeLast(docIDs.count - maxContext)
      tokenWord.removeLast(tokenWord.count - maxContext)
    }
    let special = try specialIDs(tokenizer)
    var ids: [Int32] = [special.classification] + queryIDs.map(Int32.init) + [special.separator]
    var segments = [Int32](repeating: 0, count: ids.count)
    var positionWord = [Int?](repeating: nil, count: ids.count)
    ids += docIDs.map(Int32.init) + [special.separator]
    segments += [Int32](repeating: 1, count: docIDs.count + 1)
    positionWord += tokenWord.map { Optional($0) } + [nil]
    var mask = [Int32](repeating: 1, count: ids.count)
    let padding = length - ids.count
    ids += [Int32](repeating: 0, count: padding)
    mask += [Int32](repeating: 0, count: padding)
    segments += [Int32](repeating: 0, count: padding)
    positionWord += [Int?](repeating: nil, count: padding)
    let originals = words.map { String(context.unicodeScalars[$0.range]) }
    return TaskLibraryQAInput(ids: ids, mask: mask, segmentIDs: segments, positionWord: positionWord,
                              words: words, wordTexts: originals)
  }

  /// The Task Library's post-processing of one window's logits.
  static func taskLibraryAnswers(startLogits: [Float], endLogits: [Float], input: TaskLibraryQAInput, limit: Int) -> [TaskLibrarySpan] {
    let predictions = TaskLibraryQAInput.predictions
    let length = min(startLogits.count, endLogits.count, input.positionWord.count)
    func word(_ p: Int) -> Int? { p < length ? input.positionWord[p] : nil }
    let starts = SpanDecoder.topIndices(startLogits, count: predictions, limit: length)
    let ends = SpanDecoder.topIndices(endLogits, count: predictions, limit: length)
    var spans: [TaskLibrarySpan] = []
    for s in starts {
      for e in ends {
        guard let first = word(s), let last = word(e), e >= s, e - s + 1 <= TaskLibraryQAInput.maxAnswerTokens else { continue }
        let text = input.wordTexts[first...last].joined(separator: " ")
        spans.append(TaskLibrarySpan(startPosition: s, endPosition: e, firstWord: first, lastWord: last, logit: startLogits[s] + endLogits[e], text: text))
      }
    }
    // Stable: equal logits keep the order of the loops above (C++ std::sort leaves it unspecified).
    let ordered = spans.enumerated().sorted { $0.element.logit != $1.element.logit ? $0.element.logit > $1.element.logit : $0.offset < $1.offset }
    return ordered.prefix(min(predictions, max(0, limit))).map(\.element)
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

/// The inputs of one Task Library window, and where each position's token came from.
struct TaskLibraryQAInput: Sendable {
  static let maxQueryTokens = 64
  static let predictions = 5
  static let maxAnswerTokens = 32

  var ids: [Int32]
  var mask: [Int32]
  var segmentIDs: [Int32]
  /// For each position, the context word its token came from (nil: question, special token, padding).
  var positionWord: [Int?]
  /// The context's space-separated words and their ranges.
  var words: [(range: Range<String.Index>, scalars: Range<Int>)]
  var wordTexts: [String]
}

/// One answer of the Task Library's post-processing.
struct TaskLibrarySpan: Sendable, Equatable {
  var startPosition: Int
  var endPosition: Int
  var firstWord: Int
  var lastWord: Int
  var logit: Float
  var text: String
}
