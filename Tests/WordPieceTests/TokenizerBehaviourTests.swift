import Foundation
import TestSupport
import Testing
import WordPiece

/// Hand-checked behaviour and bad input. Expected values come from the references' documented
/// examples (the BERT README's "unaffable") and from reading their rules, not from our output.
@Suite struct TokenizerBehaviourTests {
  static func tokenizer(_ config: BertTokenizer.Configuration = .huggingFace(lowercase: true)) throws -> BertTokenizer {
    try BertTokenizer(vocabulary: Vocabulary(tokens: VocabularyTests.small + ["hello", "world", ",", "\u{4E2D}"]),
                      configuration: config)
  }

  @Test func greedyLongestMatchWithOffsets() throws {
    let t = try Self.tokenizer()
    let tokens = t.tokenize("Unaffable!")
    #expect(tokens.map { t.vocabulary.tokens[$0.id] } == ["un", "##aff", "##able", "!"])
    #expect(tokens.map(\.scalarOffsets) == [0..<2, 2..<5, 5..<9, 9..<10])
    let text = "  héllo,\u{4E2D}wörld "
    let pieces = t.tokenize(text)
    #expect(pieces.map { t.vocabulary.tokens[$0.id] } == ["hello", ",", "\u{4E2D}", "world"])
    #expect(pieces.map { String(text[$0.range]) } == ["héllo", ",", "\u{4E2D}", "wörld"])
    #expect(pieces.map(\.scalarOffsets) == [2..<7, 7..<8, 8..<9, 9..<14])
    #expect(pieces.map(\.utf8Offsets) == [2..<8, 8..<9, 9..<12, 12..<18])
  }

  @Test func unknownWordsCoverTheWholeWord() throws {
    let t = try Self.tokenizer()
    let tokens = t.tokenize("hello zzz")
    #expect(tokens.map(\.id) == [t.vocabulary.id(for: "hello")!, 1])
    #expect(tokens[1].scalarOffsets == 6..<9)
  }

  @Test func emptyAndBlankInput() throws {
    for config in [BertTokenizer.Configuration.huggingFace(lowercase: true), .googleBERT(lowercase: false), .tfliteTaskLibrary] {
      let t = try Self.tokenizer(config)
      #expect(t.tokenize("").isEmpty)
      #expect(t.tokenize(" \t\n ").isEmpty)
      let e = try t.encode("")
      #expect(e.tokens == ["[CLS]", "[SEP]"])
      #expect(e.offsets == [0..<0, 0..<0])
    }
  }

  @Test func nulAndControlCharacters() throws {
    // HF and Google drop NUL, U+FFFD and controls without splitting the word.
    let t = try Self.tokenizer()
    let tokens = t.tokenize("hel\u{0}lo\u{FFFD} \u{1}world\u{200B}")
    #expect(tokens.map { t.vocabulary.tokens[$0.id] } == ["hello", "world"])
    #expect(tokens.map(\.scalarOffsets) == [0..<6, 9..<14])  // the dropped U+0001 is not part of "world"
    // TFLite keeps them: the word is unknown.
    let tflite = try Self.tokenizer(.tfliteTaskLibrary)
    #expect(tflite.tokenize("hel\u{0}lo").map(\.id) == [1])
  }

  @Test func oneMegabyteWordIsOneUnknownToken() throws {
    let word = String(repeating: "ab", count: 512 * 1024)
    for config in [BertTokenizer.Configuration.huggingFace(lowercase: true), .googleBERT(lowercase: true), .tfliteTaskLibrary] {
      let t = try Self.tokenizer(config)
      let tokens = t.tokenize("a " + word + " a")
      #expect(tokens.map(\.id) == [10, 1, 10])
      #expect(tokens[1].scalarOffsets == 2..<(2 + word.unicodeScalars.count))
    }
  }

  @Test func wordLengthLimits() throws {
    // HF: 100 scalars; Google: 200 scalars; TFLite: 100 UTF-8 bytes.
    let vocab = try Vocabulary(tokens: VocabularyTests.small + ["x", "##x", "\u{E9}", "##\u{E9}"])
    func count(_ c: BertTokenizer.Configuration, _ text: String) throws -> [Int] {
      try BertTokenizer(vocabulary: vocab, configuration: c).tokenize(text).map(\.id)
    }
    #expect(try count(.huggingFace(lowercase: false), String(repeating: "x", count: 100)).count == 100)
    #expect(try count(.huggingFace(lowercase: false), String(repeating: "x", count: 101)) == [1])
    #expect(try count(.googleBERT(lowercase: false), String(repeating: "x", count: 200)).count == 200)
    #expect(try count(.googleBERT(lowercase: false), String(repeating: "x", count: 201)) == [1])
    #expect(try count(.tfliteTaskLibrary, String(repeating: "\u{E9}", count: 50)).count == 50)
    #expect(try count(.tfliteTaskLibrary, String(repeating: "\u{E9}", count: 51)) == [1])
  }

  @Test func caseAndAccentRulesDifferByReference() throws {
    let vocab = try Vocabulary(tokens: VocabularyTests.small + ["cafe", "caf\u{E9}", "CAF\u{C9}", "caf", "##\u{C9}", "##\u{E9}"])
    func tokens(_ c: BertTokenizer.Configuration) throws -> [String] {
      let t = try BertTokenizer(vocabulary: vocab, configuration: c)
      return t.tokenize("CAF\u{C9}").map { vocab.tokens[$0.id] }
    }
    #expect(try tokens(.huggingFace(lowercase: true)) == ["cafe"])
    #expect(try tokens(.googleBERT(lowercase: true)) == ["cafe"])
    #expect(try tokens(.huggingFace(lowercase: false)) == ["CAF\u{C9}"])
    // TFLite lower-cases ASCII only and keeps accents: "CAFÉ" becomes "cafÉ".
    #expect(try tokens(.tfliteTaskLibrary) == ["caf", "##\u{C9}"])
  }

  @Test func specialTokensWrittenInTheText() throws {
    let hf = try Self.tokenizer()
    #expect(hf.tokenize("hello [SEP] [sep]").map { hf.vocabulary.tokens[$0.id] } == ["hello", "[SEP]", "[UNK]", "[UNK]", "[UNK]"])
    let google = try Self.tokenizer(.googleBERT(lowercase: true))
    #expect(google.tokenize("[SEP]").map { google.vocabulary.tokens[$0.id] }.first == "[UNK]")
  }

  @Test func encodingErrors() throws {
    let t = try Self.tokenizer()
    #expect(throws: EncodingError.maxLengthTooSmall(maxLength: 2, specialTokens: 3)) {
      try t.encode("hello", pair: "world", options: EncodingOptions(maxLength: 2))
    }
    #expect(throws: EncodingError.secondSequenceMissing) {
      try t.encode("hello hello hello", options: EncodingOptions(maxLength: 3, truncation: .onlySecond))
    }
    #expect(throws: EncodingError.strideTooLarge(stride: 5, room: 3)) {
      try t.encode("hello hello hello hello", options: EncodingOptions(maxLength: 5, stride: 5))
    }
    // A negative stride skipped tokens between windows; it is refused whether or not the text needs truncating.
    for text in ["hello hello hello hello hello hello", "hello"] {
      #expect(throws: EncodingError.negativeStride(-2)) {
        try t.encode(text, options: EncodingOptions(maxLength: 4, stride: -2))
      }
    }
    #expect(throws: EncodingError.negativeStride(-1)) {
      try t.encodeWindows(question: "hello", context: "hello hello hello hello hello", maxLength: 6, stride: -1)
    }
  }

  @Test func tokenizersAreSendable() async throws {
    let t = try Self.tokenizer()
    let counts = await withTaskGroup(of: Int.self) { group in
      for _ in 0..<4 { group.addTask { t.tokenize("hello, world! unaffable").count } }
      var all: [Int] = []
      for await c in group { all.append(c) }
      return all
    }
    #expect(counts == [7, 7, 7, 7])  // hello , world ! un ##aff ##able
  }
}

/// Random input never crashes and always yields offsets inside the text, in order.
@Suite struct RandomInputTests {

  @Test func randomBytesAndScalars() throws {
    var rng = SplitMix64(seed: 42)
    let marks: [UInt32] = [0x301, 0x302E, 0x1AB0, 0x345, 0x5B7, 0x1D165, 0x20DD]
    let configs: [BertTokenizer.Configuration] = [.huggingFace(lowercase: true), .huggingFace(lowercase: false),
                                                  .googleBERT(lowercase: true), .tfliteTaskLibrary]
    let tokenizers = try configs.map { try TokenizerBehaviourTests.tokenizer($0) }
    for round in 0..<300 {
      var text: String
      if round % 2 == 0 {
        let bytes = (0..<Int.random(in: 0..<200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        text = String(decoding: bytes, as: UTF8.self)
      } else {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0..<120, using: &rng) {
          let pick = Int.random(in: 0..<10, using: &rng)
          let value: UInt32 = pick < 3 ? marks.randomElement(using: &rng)! : pick < 5 ? UInt32.random(in: 0x20..<0x80, using: &rng)
            : UInt32.random(in: 0..<0x110000, using: &rng)
          if let s = Unicode.Scalar(value) { scalars.append(s) }
        }
        text = String(scalars)
      }
      let scalarCount = text.unicodeScalars.count
      for t in tokenizers {
        var previousStart = 0
        for token in t.tokenize(text) {
          #expect(token.scalarOffsets.lowerBound >= 0 && token.scalarOffsets.upperBound <= scalarCount)
          #expect(token.scalarOffsets.lowerBound < token.scalarOffsets.upperBound)
          #expect(token.scalarOffsets.lowerBound >= previousStart || token.scalarOffsets.upperBound > previousStart)
          previousStart = token.scalarOffsets.lowerBound
          #expect(t.vocabulary.token(for: token.id) != nil)
        }
        _ = try t.encode(text, pair: text, options: EncodingOptions(maxLength: 16, stride: 2, padding: .toMaxLength))
      }
    }
  }
}
