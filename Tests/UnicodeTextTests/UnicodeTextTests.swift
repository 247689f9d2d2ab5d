import Testing
import UnicodeText

// Expected values are from the Unicode Character Database (UnicodeData.txt,
// CaseFolding.txt, SpecialCasing.txt) and UAX #29's examples, checked by hand.

@Suite struct NormalizationTests {
  @Test func decomposesAndComposes() throws {
    #expect(try NormalizationForm.nfd.apply(to: "école") == "e\u{301}cole")
    #expect(try NormalizationForm.nfc.apply(to: "e\u{301}cole") == "école")
    #expect(try NormalizationForm.nfkc.apply(to: "ﬁ①") == "fi1")
    #expect(try NormalizationForm.nfkd.apply(to: "Å") == "A\u{30A}")
    #expect(try NormalizationForm.nfkcCasefold.apply(to: "Straße") == "strasse")
  }

  @Test func quickCheck() throws {
    #expect(try NormalizationForm.nfc.isNormalized("plain ascii"))
    #expect(try !NormalizationForm.nfc.isNormalized("e\u{301}"))
    #expect(try NormalizationForm.nfd.isNormalized("e\u{301}"))
  }

  @Test func emptyAndLongInputs() throws {
    #expect(try NormalizationForm.nfd.apply(to: "") == "")
    let long = String(repeating: "é", count: 100_000)
    #expect(try NormalizationForm.nfd.apply(to: long).unicodeScalars.count == 200_000)
  }
}

@Suite struct CaseMappingTests {
  @Test func fullFoldingAndLowering() throws {
    #expect(try CaseMapping.foldCase("Grüßen") == "grüssen")
    #expect(try CaseMapping.lowercase("ΟΔΟΣ") == "οδος")  // final sigma
    #expect(try CaseMapping.lowercase("İ") == "i\u{307}")  // SpecialCasing: dotted capital I
    #expect(try CaseMapping.lowercase("İ", locale: "tr") == "i")
    #expect(try CaseMapping.uppercase("straße") == "STRASSE")
  }

  @Test func simpleMappings() {
    #expect(CaseMapping.simpleLowercase("A") == "a")
    #expect(CaseMapping.simpleLowercase("Σ") == "σ")
    #expect(CaseMapping.simpleLowercase("1") == "1")
    #expect(CaseMapping.simpleFold("ß") == "ß")  // full folding gives "ss"; simple folding keeps it
  }
}

@Suite struct CharacterPropertyTests {
  @Test func generalCategories() {
    #expect(GeneralCategory.of("a") == .lowercaseLetter)
    #expect(GeneralCategory.of("\u{301}") == .nonspacingMark)
    #expect(GeneralCategory.of("\u{0}") == .control)
    #expect(GeneralCategory.of("\u{200D}") == .format)
    #expect(GeneralCategory.of("$") == .currencySymbol)
    #expect(GeneralCategory.of("中") == .otherLetter)
    #expect(GeneralCategory.of("¿").isPunctuation)
    #expect(GeneralCategory.of("\u{378}") == .unassigned)
    #expect(GeneralCategory.of("\u{301}").abbreviation == "Mn")
  }

  @Test func whiteSpace() {
    #expect(CharacterProperties.isWhiteSpace(" "))
    #expect(CharacterProperties.isWhiteSpace("\u{3000}"))
    #expect(CharacterProperties.isWhiteSpace("\u{85}"))
    #expect(!CharacterProperties.isWhiteSpace("\u{200B}"))  // zero width space is not White_Space
    #expect(!CharacterProperties.unicodeVersion.isEmpty)
  }
}

@Suite struct WordBreakTests {
  @Test func wordsOfMixedText() throws {
    let text = "L'école, c'est 3.5 km."
    #expect(try WordBreaks.words(of: text) == ["L'école", "c'est", "3.5", "km"])
  }

  @Test func segmentsCoverTheTextAndCountScalars() throws {
    let text = "👩‍👩‍👧 naïve 東京 カタカナ"
    let segments = try WordBreaks.segments(of: text)
    #expect(segments.first?.range.lowerBound == text.startIndex)
    #expect(segments.last?.range.upperBound == text.endIndex)
    for (a, b) in zip(segments, segments.dropFirst()) {
      #expect(a.range.upperBound == b.range.lowerBound)
      #expect(a.scalarRange.upperBound == b.scalarRange.lowerBound)
    }
    let naive = try #require(segments.first { text[$0.range] == "naïve" })
    #expect(naive.kind == .letter)
    #expect(naive.scalarRange == 6..<11)  // the family emoji is 5 scalars, then a space
    #expect(segments.contains { text[$0.range] == "カタカナ" && $0.kind.isWord })
    #expect(segments.contains { $0.kind == .ideographic })
  }

  @Test func emptyText() throws {
    #expect(try WordBreaks.segments(of: "").isEmpty)
  }
}
