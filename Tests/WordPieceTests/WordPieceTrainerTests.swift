import Foundation
import TestSupport
import Testing
import WordPiece

@Suite struct WordPieceTrainerTests {
  /// Hugging Face's course example. HF `BertWordPieceTokenizer.train_from_iterator(vocab_size=40,
  /// min_frequency=2)` gives, over four runs: the specials, the alphabet "b g h n p s u", the
  /// continuation symbols ##u ##n ##g ##s (in a hash-map order that changes between runs), then the
  /// merges ##ug ##un hug pun pug hugs bun.
  @Test func coursesExampleMatchesHuggingFace() throws {
    var trainer = try WordPieceTrainer(vocabularySize: 40, minimumFrequency: 2)
    trainer.feed([String(repeating: "hug ", count: 10) + String(repeating: "pug ", count: 5) + String(repeating: "pun ", count: 12)
                  + String(repeating: "bun ", count: 4) + String(repeating: "hugs ", count: 5)])
    let tokens = try trainer.train().tokens
    #expect(Array(tokens[0..<12]) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "b", "g", "h", "n", "p", "s", "u"])
    #expect(Set(tokens[12..<16]) == ["##u", "##n", "##g", "##s"])
    #expect(Array(tokens[16...]) == ["##ug", "##un", "hug", "pun", "pug", "hugs", "bun"])
  }

  @Test func limitsAreRespected() throws {
    var trainer = try WordPieceTrainer(vocabularySize: 30, minimumFrequency: 3, limitAlphabet: 4)
    trainer.feed(["aaa bbb abab", "aaa ccc", "zzz"])
    let vocab = try trainer.train()
    #expect(vocab.count <= 30)
    // Alphabet cut to 4: a, b, c (most frequent) and z... with ties broken by code point.
    let singles = vocab.tokens.filter { $0.unicodeScalars.count == 1 }
    #expect(singles.count == 4)
    // Every merge occurs at least 3 times: "aaa" twice does not make "aaa".
    #expect(!vocab.tokens.contains("aaa"))
  }

  @Test func sameInputSameVocabulary() throws {
    let lines = Array(Goldens.corpusLines.prefix(400))
    var a = try WordPieceTrainer(vocabularySize: 800, minimumFrequency: 2, limitAlphabet: 200)
    var b = try WordPieceTrainer(vocabularySize: 800, minimumFrequency: 2, limitAlphabet: 200)
    a.feed(lines)
    b.feed(lines)
    #expect(try a.train().tokens == b.train().tokens)
  }

  /// Against the cased vocabulary HF's trainer made from the whole corpus (cased-vocab.txt:
  /// vocab_size 6000, min_frequency 2, limit_alphabet 600). HF's ties fall in hash-map order, so
  /// the vocabularies are compared as sets: 97% agree (two HF runs differ by about as much).
  @Test func agreesWithHuggingFaceOnTheCorpus() throws {
    var trainer = try WordPieceTrainer(vocabularySize: 6000, minimumFrequency: 2, limitAlphabet: 600,
                                       configuration: .huggingFace(lowercase: false))
    trainer.feed(Goldens.corpusLines)
    let ours = try trainer.train()
    let theirs = try Vocabulary(contentsOf: TestPaths.corpora("tokenizer/cased-vocab.txt"))
    #expect(ours.count == theirs.count)
    let shared = Set(ours.tokens.map { Array($0.utf8) }).intersection(theirs.tokens.map { Array($0.utf8) })
    let agreement = Double(shared.count) / Double(theirs.count)
    #expect(agreement > 0.95, "only \(shared.count) of \(theirs.count) tokens agree")
    #expect(Array(ours.tokens.prefix(5)) == Array(theirs.tokens.prefix(5)))
  }
}
