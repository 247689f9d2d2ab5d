import Foundation
import TestSupport
import Testing
import WordPiece

/// Token-for-token, offset-for-offset parity with the references over the whole corpus.
@Suite struct CorpusParityTests {
  static let uncasedVocabPath = "vocab/bert-base-uncased-vocab.txt"

  static func uncasedVocab() throws -> Vocabulary {
    try Vocabulary(contentsOf: try #require(TestPaths.shared(uncasedVocabPath), "\(TestPaths.sharedMissing(uncasedVocabPath))"))
  }

  static func casedVocab() throws -> Vocabulary {
    try Vocabulary(contentsOf: TestPaths.corpora("tokenizer/cased-vocab.txt"))
  }

  @Test func corpusIsLargeAndVaried() throws {
    #expect(Goldens.corpusLines.count > 7000)
    let bytes = Goldens.corpusLines.reduce(0) { $0 + $1.utf8.count + 1 }
    #expect(bytes >= 1_000_000)
    // Few lines are left out of the Google-rules comparison for Unicode-version reasons.
    #expect(Goldens.corpusLines.filter(Goldens.hasScalarsNewerThanUnicode14).count < 100)
  }

  @Test(.enabled(if: TestPaths.shared(CorpusParityTests.uncasedVocabPath) != nil,
                 "needs ../shared/vocab/bert-base-uncased-vocab.txt (third-party data)"))
  func huggingFaceUncased() throws {
    let tokenizer = try BertTokenizer(vocabulary: Self.uncasedVocab(), configuration: .huggingFace(lowercase: true))
    let expected = try Goldens.read("hf-uncased.golden")
    let (count, report) = Goldens.mismatches(tokenizer, expected)
    #expect(count == 0, "\(count) of \(expected.count) lines differ from HF tokenizers:\n\(report)")
  }

  @Test func huggingFaceCased() throws {
    let tokenizer = try BertTokenizer(vocabulary: Self.casedVocab(), configuration: .huggingFace(lowercase: false))
    let expected = try Goldens.read("hf-cased.golden")
    let (count, report) = Goldens.mismatches(tokenizer, expected)
    #expect(count == 0, "\(count) of \(expected.count) lines differ from HF tokenizers:\n\(report)")
  }

  @Test(.enabled(if: TestPaths.shared(CorpusParityTests.uncasedVocabPath) != nil,
                 "needs ../shared/vocab/bert-base-uncased-vocab.txt (third-party data)"))
  func googleUncased() throws {
    let tokenizer = try BertTokenizer(vocabulary: Self.uncasedVocab(), configuration: .googleBERT(lowercase: true))
    let expected = try Goldens.read("google-uncased.golden", base: Goldens.read("hf-uncased.golden"))
    // Lines with Unicode 15.0 scalars are skipped: see `Goldens.hasScalarsNewerThanUnicode14`.
    let (count, report) = Goldens.mismatches(tokenizer, expected, skipping: Goldens.hasScalarsNewerThanUnicode14)
    #expect(count == 0, "\(count) of \(expected.count) lines differ from google-research/bert rules:\n\(report)")
  }

  @Test func googleCased() throws {
    let tokenizer = try BertTokenizer(vocabulary: Self.casedVocab(), configuration: .googleBERT(lowercase: false))
    let expected = try Goldens.read("google-cased.golden", base: Goldens.read("hf-cased.golden"))
    let (count, report) = Goldens.mismatches(tokenizer, expected, skipping: Goldens.hasScalarsNewerThanUnicode14)
    #expect(count == 0, "\(count) of \(expected.count) lines differ from google-research/bert rules:\n\(report)")
  }

  @Test(.enabled(if: TestPaths.shared(CorpusParityTests.uncasedVocabPath) != nil,
                 "needs ../shared/vocab/bert-base-uncased-vocab.txt (third-party data)"))
  func tfliteTaskLibrary() throws {
    let tokenizer = try BertTokenizer(vocabulary: Self.uncasedVocab(), configuration: .tfliteTaskLibrary)
    let expected = try Goldens.read("tflite.golden", base: Goldens.read("hf-uncased.golden"))
    let (count, report) = Goldens.mismatches(tokenizer, expected)
    #expect(count == 0, "\(count) of \(expected.count) lines differ from the TFLite Task Library rules:\n\(report)")
  }
}

/// Offsets must let callers quote the original text exactly (the QA task relies on it).
@Suite struct OffsetReliabilityTests {
  @Test func stringIndexRangesMatchScalarOffsetsOnEveryLine() throws {
    let tokenizer = try BertTokenizer(vocabulary: CorpusParityTests.casedVocab(), configuration: .huggingFace(lowercase: true))
    var checked = 0
    for line in Goldens.corpusLines {
      let scalarIndices = Array(line.unicodeScalars.indices) + [line.endIndex]
      for token in tokenizer.tokenize(line) {
        let range = token.range
        #expect(range.lowerBound == scalarIndices[token.scalarOffsets.lowerBound])
        #expect(range.upperBound == scalarIndices[token.scalarOffsets.upperBound])
        #expect(line.utf8.distance(from: line.startIndex, to: range.lowerBound) == token.utf8Offsets.lowerBound)
        checked += 1
      }
    }
    #expect(checked > 100_000)
  }
}
