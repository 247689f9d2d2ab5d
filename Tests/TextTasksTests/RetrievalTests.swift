import Foundation
import Testing
@testable import TextTasks

@Suite struct TermAnalyzerTests {
  @Test func foldsAccentsCaseAndPlurals() throws {
    #expect(try TermAnalyzer().terms(in: "Les Écoles' libraries, BOXES and glass; Tesla's 1856!") ==
      ["les", "ecole", "library", "boxe", "and", "glass", "tesla", "1856"])
  }

  @Test func sStemmerRules() {
    // Harman's S-stemmer rules, one case each.
    #expect(TermAnalyzer.stemPlural("queries") == "query")
    #expect(TermAnalyzer.stemPlural("movies") == "movy")  // the S-stemmer's known over-reach, kept for consistency
    #expect(TermAnalyzer.stemPlural("aies") == "aie")  // "-ies" rule excluded, "-es" rule applies
    #expect(TermAnalyzer.stemPlural("status") == "status")
    #expect(TermAnalyzer.stemPlural("class") == "class")
    #expect(TermAnalyzer.stemPlural("cats") == "cat")
    #expect(TermAnalyzer.stemPlural("is") == "is")
  }
}

@Suite struct PassageSplitterTests {
  @Test func paragraphsAreSeparatedByBlankLines() throws {
    let text = "  First paragraph,\nstill first.\n \t\nSecond one.\n\n\n\nThird.\n"
    let passages = try PassageSplitter(packsParagraphs: false).passages(of: text)
    #expect(passages.map { String(text[$0.range]) } == ["First paragraph,\nstill first.", "Second one.", "Third."])
    #expect(passages.map(\.index) == [0, 1, 2])
  }

  @Test func shortParagraphsArePackedUpToTheWordLimit() throws {
    // Words per paragraph: 1, 4, 2, 3, 6 (long: windowed alone), 1.
    let text = "Heading\n\none two three four\n\nfive six\n\nseven eight nine\n\na b c d e f\n\nend"
    let passages = try PassageSplitter(maxWords: 5, overlapWords: 1).passages(of: text)
    #expect(passages.map { String(text[$0.range]) } ==
      ["Heading\n\none two three four", "five six\n\nseven eight nine", "a b c d e", "e f", "end"])
  }

  @Test func longParagraphsBecomeOverlappingWindows() throws {
    let words = (1...10).map { "w\($0)" }
    let text = words.joined(separator: " ")
    let passages = try PassageSplitter(maxWords: 4, overlapWords: 1).passages(of: text)
    #expect(passages.map { String(text[$0.range]) } == ["w1 w2 w3 w4", "w4 w5 w6 w7", "w7 w8 w9 w10"])
  }

  @Test func emptyAndBlankTexts() throws {
    #expect(try PassageSplitter().passages(of: "").isEmpty)
    #expect(try PassageSplitter().passages(of: " \n\n\t ").isEmpty)
    #expect(try PassageSplitter().passages(of: "... !!!").isEmpty)  // no words
  }
}

@Suite struct BM25IndexTests {
  @Test func ranksTheMatchingPassageFirst() throws {
    let passages = [
      "The weather in Paris is mild in spring.",
      "Nikola Tesla was born in 1856 in Smiljan.",
      "Tesla coils produce high voltages.",
      "Nothing relevant here at all.",
    ]
    let index = try BM25Index(passages: passages)
    let ranked = try index.rank(query: "When was Tesla born?")
    #expect(ranked.first?.passage == 1)
    #expect(ranked.map(\.passage).contains(2))
    #expect(!ranked.map(\.passage).contains(3))
    #expect(try index.rank(query: "When was Tesla born?", limit: 1).count == 1)
  }

  /// One term, two documents: the score follows the BM25 formula (checked by hand).
  @Test func scoreFollowsTheFormula() throws {
    let index = try BM25Index(passages: ["apple apple pear", "pear"])
    let ranked = try index.rank(query: "apple")
    // N = 2, n = 1: idf = ln(1 + 1.5/1.5) = ln 2; |d| = 3, avgdl = 2; tf = 2
    let norm = 1.2 * (1 - 0.75 + 0.75 * 3.0 / 2.0)
    let expected = log(2.0) * 2 * 2.2 / (2 + norm)
    #expect(ranked.count == 1)
    #expect(abs(ranked[0].score - expected) < 1e-12)
  }
}
