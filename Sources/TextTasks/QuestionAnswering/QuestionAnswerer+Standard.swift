import WordPiece

extension QuestionAnswerer {
  /// The standard mode: every chosen passage is read in overlapping windows of
  /// `[CLS] question [SEP] context [SEP]`, spans are decoded per window with the maximum-context
  /// rule, each span's logit is taken relative to its window's [CLS] ("no answer") logit, and all
  /// candidates are ranked together with a softmax.
  func answerStandard(_ question: String, in document: QADocument, limit: Int,
                      progress: (@Sendable (Int, Int) -> Void)?) throws -> [Answer] {
    let questionTokens = Array(tokenizer.tokenize(question).prefix(max(1, options.maxQuestionTokens)))
    guard !questionTokens.isEmpty else { throw QuestionAnsweringError.emptyQuestion }
    let length = binding.sequenceLength
    let room = length - questionTokens.count - 3
    guard room >= 1 else { throw QuestionAnsweringError.sequenceTooShort(sequenceLength: length, questionTokens: questionTokens.count) }
    // Consecutive windows share `stride` tokens, but at most half a window, so that a model with a short
    // sequence does not read a passage in hundreds of windows one token apart.
    let step = room - min(max(0, options.stride), room / 2)
    let special = try specialIDs(tokenizer)
    let decoder = SpanDecoder(nBest: options.nBest, maxAnswerTokens: options.maxAnswerTokens)

    // Tokenize the chosen passages and cut their windows first, so progress knows the total.
    struct PassageWork {
      var tokens: [Token]
      var base: Int  // index of the passage's first token among all read tokens
      var windows: [Range<Int>]
    }
    var tokenRanges: [Range<Int>] = []  // every read token's scalar range in the document
    var work: [PassageWork] = []
    for p in try document.passagesToRead(for: question, limit: options.passages) {
      try Task.checkCancellation()
      let tokens = tokenizer.tokenize(String(document.text[document.passages[p].range]))
      if tokens.isEmpty { continue }
      let scalarBase = document.passageScalarStarts[p]
      let base = tokenRanges.count
      for t in tokens { tokenRanges.append((t.scalarOffsets.lowerBound + scalarBase)..<(t.scalarOffsets.upperBound + scalarBase)) }
      var windows: [Range<Int>] = []
      var start = 0
      while true {
        let end = min(start + room, tokens.count)
        windows.append(start..<end)
        if end == tokens.count { break }
        start += step
      }
      work.append(PassageWork(tokens: tokens, base: base, windows: windows))
    }

    let total = work.reduce(0) { $0 + $1.windows.count }
    var done = 0
    var candidates: [SpanCandidate] = []
    var ids = [Int32](repeating: 0, count: length)
    var mask = [Int32](repeating: 0, count: length)
    var segments = [Int32](repeating: 0, count: length)
    var positionTokens = [Int?](repeating: nil, count: length)
    for passage in work {
      let documentWindows = DocumentWindows(passage.windows)
      for (w, window) in passage.windows.enumerated() {
        try Task.checkCancellation()
        for i in 0..<length {
          ids[i] = special.padding
          mask[i] = 0
          segments[i] = 0
          positionTokens[i] = nil
        }
        var position = 0
        func put(_ id: Int32, segment: Int32, token: Int? = nil) {
          ids[position] = id
          mask[position] = 1
          segments[position] = segment
          positionTokens[position] = token
          position += 1
        }
        put(special.classification, segment: 0)
        for t in questionTokens { put(Int32(t.id), segment: 0) }
        put(special.separator, segment: 0)
        for t in window { put(Int32(passage.tokens[t].id), segment: 1, token: t) }
        put(special.separator, segment: 1)

        let logits = try run(ids: ids, mask: mask, segments: segments)
        // Spans are scored against this window's "no answer" score (the [CLS] start + end logits), as SQuAD 2.0
        // readers do: a window that holds no answer makes the reader point at [CLS], so its spans fall back,
        // and windows of different passages become comparable. Held-out SQuAD, whole articles: F1 +7.
        let noAnswerLogit = logits.start[0] + logits.end[0]
        for var c in decoder.candidates(startLogits: logits.start, endLogits: logits.end, window: w,
                                        positionTokens: positionTokens, windows: documentWindows) {
          c.firstToken += passage.base
          c.lastToken += passage.base
          c.logit -= noAnswerLogit
          candidates.append(c)
        }
        done += 1
        progress?(done, total)
      }
    }
    let ranked = AnswerRanking.rank(candidates, tokenRanges: tokenRanges, text: { String(document.quote($0)) }, limit: limit)
    return ranked.map { span in
      let lower = document.index(ofScalarOffset: span.scalarRange.lowerBound)
      let upper = document.text.unicodeScalars.index(lower, offsetBy: span.scalarRange.count, limitedBy: document.text.endIndex) ?? document.text.endIndex
      return Answer(text: String(document.text[lower..<upper]), score: span.probability, scalarRange: span.scalarRange,
                    range: lower..<upper, location: document.location(ofScalarOffset: span.scalarRange.lowerBound))
    }
  }

  /// The ids of [CLS], [SEP] and [PAD] in the tokenizer's vocabulary.
  func specialIDs(_ tokenizer: BertTokenizer) throws(QuestionAnsweringError) -> (classification: Int32, separator: Int32, padding: Int32) {
    let c = tokenizer.configuration
    guard let cls = tokenizer.vocabulary.id(for: c.classificationToken),
          let sep = tokenizer.vocabulary.id(for: c.separatorToken),
          let pad = tokenizer.vocabulary.id(for: c.paddingToken)
    else { throw .vocabulary(.missingSpecialToken(c.classificationToken)) }
    return (Int32(cls), Int32(sep), Int32(pad))
  }
}
