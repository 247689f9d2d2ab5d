import Foundation
import Testing
@testable import TextTasks
import UnicodeText

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

  @Test func sStemmerRulesOnNonASCIIWords() {
    // Words that keep a non-ASCII letter take the String path of the same rules.
    #expect(TermAnalyzer.stemPlural("caféries") == "caféry")
    #expect(TermAnalyzer.stemPlural("naïves") == "naïve")
    #expect(TermAnalyzer.stemPlural("straßes") == "straße")  // "-es" rule: drop the "s"
    #expect(TermAnalyzer.stemPlural("œuvres") == "œuvre")
    #expect(TermAnalyzer.stemPlural("ñus") == "ñus")  // three scalars: too short
    #expect(TermAnalyzer.stemPlural("éclass") == "éclass")
    #expect(TermAnalyzer.stemPlural("ĳaes") == "ĳae")  // "-aes" is not the "-es" rule's: the "-s" rule drops the "s"
  }

  /// ASCII words take a byte path; it must give what the general path (ICU case folding, then the String rules)
  /// gives for the same word.
  @Test func asciiWordsMatchTheGeneralPath() throws {
    let words = ["Tesla's", "'s", "S", "s's", "CLASSES", "Queries", "AIES", "eies", "Boxes", "toes", "bees", "BUS",
                 "glass", "It's", "O'Neill's", "x", "1856", "3.5", "R2-D2s", "don't", "ABCs", "HIS", "yes", "cats's"]
    for stems in [true, false] {
      let analyzer = TermAnalyzer(stemsPlurals: stems)
      for word in words {
        var general = try CaseMapping.foldCase(word)
        if general.hasSuffix("'s") { general = String(general.dropLast(2)) }
        if stems { general = Self.stemPluralByCharacters(general) }
        #expect(try analyzer.normalize(Substring(word)) == general, "\(word), stemming \(stems)")
      }
    }
  }

  /// Harman's rules written on Characters, independent of both of TermAnalyzer's paths.
  static func stemPluralByCharacters(_ word: String) -> String {
    guard word.count > 3, word.hasSuffix("s") else { return word }
    if word.hasSuffix("ies") && !word.hasSuffix("eies") && !word.hasSuffix("aies") { return word.dropLast(3) + "y" }
    if word.hasSuffix("es") && !["aes", "ees", "oes"].contains(where: word.hasSuffix) { return String(word.dropLast()) }
    if !word.hasSuffix("us") && !word.hasSuffix("ss") { return String(word.dropLast()) }
    return word
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

  /// Enough passages to be analysed on several threads: the terms of each are those of the passage alone, in
  /// passage order.
  @Test func parallelAnalysisKeepsEachPassagesTerms() throws {
    let words = ["tesla", "Coils", "voltage", "Smiljan", "born", "1856", "école", "Straße", "libraries", "the"]
    let passages = (0..<(BM25Index.passagesPerThread * 5 + 3)).map { i in
      (0..<(i % 17 + 1)).map { j in words[(i * 7 + j * 3) % words.count] }.joined(separator: " ")
    }
    let analyzer = TermAnalyzer()
    let analyzed = try BM25Index.analyze(passages, with: analyzer)
    #expect(analyzed.count == passages.count)
    for (passage, terms) in zip(passages, analyzed) {
      let expected = try analyzer.terms(in: passage)
      #expect(terms.length == expected.count)
      #expect(terms.counts == Dictionary(expected.map { ($0, 1) }, uniquingKeysWith: +))
    }
    // The index ranks as the formula says whatever the split: the only passages holding "smiljan" come back.
    let index = try BM25Index(passages: passages)
    let holding = Set(passages.indices.filter { passages[$0].contains("Smiljan") })
    #expect(Set(try index.rank(query: "Smiljan").map(\.passage)) == holding)
  }
}
