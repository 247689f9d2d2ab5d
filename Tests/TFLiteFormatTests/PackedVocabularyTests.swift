import Foundation
import TestSupport
import Testing
import TFLiteFormat

/// `ModelFile.packedVocabulary()` on the project's own QA test models (Models/test/qa; no ../shared needed).
@Suite struct PackedVocabularyTests {
  @Test("the vocabulary a BERT tokenizer process unit names comes back byte for byte; a model without metadata has none")
  func packedVocabularyOfTheQATestModels() throws {
    let withMetadata = try ModelFile.load(contentsOf: TestPaths.models("test/qa/qa_bert_s128_float_with_metadata.tflite"))
    let (name, bytes) = try #require(withMetadata.packedVocabulary())
    #expect(name.hasSuffix(".txt"))
    #expect(Data(bytes) == (try Data(contentsOf: TestPaths.models("test/qa/vocab-1000.txt"))))
    let bare = try ModelFile.load(contentsOf: TestPaths.models("test/qa/qa_bert_s128_float.tflite"))
    #expect(bare.packedVocabulary() == nil)
  }
}
