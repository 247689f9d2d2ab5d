import Foundation
import TestSupport
import Testing
import WordPiece

/// Pairs, truncation strategies, strides, overflowing windows and padding against Hugging Face
/// `tokenizers` (Corpora/tokenizer/encodings.json, written by Tools/tokenizer/make_goldens.py).
@Suite struct EncodingParityTests {
  struct Case: Decodable {
    struct Expected: Decodable {
      let ids: [Int]
      let type_ids: [Int]
      let attention_mask: [Int]
      let tokens: [String]
      let offsets: [[Int]]
      let sequence_ids: [Int?]
    }
    let a: String
    let b: String?
    let max_length: Int?
    let strategy: String?
    let stride: Int
    let pad: Bool
    let error: String?
    let encodings: [Expected]?
  }

  static let vocabPath = "vocab/bert-base-uncased-vocab.txt"

  @Test(.enabled(if: TestPaths.shared(EncodingParityTests.vocabPath) != nil, "needs ../shared/vocab/bert-base-uncased-vocab.txt (third-party data)"))
  func everyCase() throws {
    let vocab = try Vocabulary(contentsOf: try #require(TestPaths.shared(Self.vocabPath)))
    let tokenizer = try BertTokenizer(vocabulary: vocab, configuration: .huggingFace(lowercase: true))
    let data = try Data(contentsOf: TestPaths.corpora("tokenizer/encodings.json"))
    let cases = try JSONDecoder().decode([Case].self, from: data)
    #expect(cases.count > 40)
    for (n, c) in cases.enumerated() {
      var options = EncodingOptions()
      options.maxLength = c.max_length
      options.stride = c.stride
      if let s = c.strategy { options.truncation = try #require(EncodingOptions.Truncation(rawValue: s)) }
      if c.strategy == nil { options.maxLength = nil }
      if c.pad { options.padding = .toMaxLength }
      let label = "case \(n): max \(c.max_length.map(String.init) ?? "-") \(c.strategy ?? "-") stride \(c.stride)"
      if c.error != nil {
        #expect(throws: EncodingError.self, "\(label): HF says \(c.error!)") { try tokenizer.encode(c.a, pair: c.b, options: options) }
        continue
      }
      let e = try tokenizer.encode(c.a, pair: c.b, options: options)
      let got = [e] + e.overflowing
      let expected = try #require(c.encodings)
      try #require(got.count == expected.count, "\(label): \(got.count) windows, HF has \(expected.count)")
      for (w, x) in zip(got, expected) {
        #expect(w.ids == x.ids, "\(label)")
        #expect(w.typeIDs == x.type_ids, "\(label)")
        #expect(w.attentionMask == x.attention_mask, "\(label)")
        #expect(w.tokens == x.tokens, "\(label)")
        #expect(w.offsets.map { [$0.lowerBound, $0.upperBound] } == x.offsets, "\(label)")
        #expect(w.sequenceIDs == x.sequence_ids, "\(label)")
      }
    }
  }

  @Test(.enabled(if: TestPaths.shared(EncodingParityTests.vocabPath) != nil, "needs ../shared/vocab/bert-base-uncased-vocab.txt (third-party data)"))
  func windowsKeepTheQuestionAndQuoteTheContextExactly() throws {
    let vocab = try Vocabulary(contentsOf: try #require(TestPaths.shared(Self.vocabPath)))
    let tokenizer = try BertTokenizer(vocabulary: vocab, configuration: .huggingFace(lowercase: true))
    let question = "Who wrote \u{201C}River Songs\u{201D}?"
    let context = String(repeating: "The Café de Flore sold 12,000 copies of Zoë’s book in Zürich. ", count: 40)
    let windows = try tokenizer.encodeWindows(question: question, context: context, maxLength: 64, stride: 16)
    #expect(windows.count > 5)
    let questionTokens = tokenizer.tokenize(question).count
    for w in windows {
      #expect(w.count == 64)
      #expect(Array(w.ids[1...questionTokens]) == tokenizer.ids(question))
      for i in w.ids.indices where w.sequenceIDs[i] == 1 {
        let range = try #require(w.range(ofToken: i, in: context))
        // The quoted text, lower-cased and accent-stripped, is what the token spells.
        let piece = w.tokens[i].hasPrefix("##") ? String(w.tokens[i].dropFirst(2)) : w.tokens[i]
        let quoted = String(context[range]).lowercased().applyingNoAccents
        #expect(quoted == piece || w.tokens[i] == "[UNK]", "token \(w.tokens[i]) quotes \(context[range])")
      }
    }
    // Consecutive windows share `stride` context tokens.
    let c0 = windows[0].ids.indices.filter { windows[0].sequenceIDs[$0] == 1 }.map { windows[0].offsets[$0] }
    let c1 = windows[1].ids.indices.filter { windows[1].sequenceIDs[$0] == 1 }.map { windows[1].offsets[$0] }
    #expect(Array(c0.suffix(16)) == Array(c1.prefix(16)))
    #expect(throws: EncodingError.self) { try tokenizer.encodeWindows(question: question, context: context, maxLength: 64, stride: 64) }
    #expect(throws: EncodingError.self) { try tokenizer.encodeWindows(question: context, context: context, maxLength: 64, stride: 8) }
  }
}

extension String {
  /// Decomposed with combining marks removed (a test helper for quoting checks).
  var applyingNoAccents: String {
    String(String.UnicodeScalarView(decomposedStringWithCanonicalMapping.unicodeScalars.filter {
      $0.properties.generalCategory != .nonspacingMark
    }))
  }
}
