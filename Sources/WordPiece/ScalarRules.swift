import UnicodeText

/// What one input scalar becomes under a configuration's character rules.
///
/// This is the reference definition, written once and computed with ICU; `ScalarTable`
/// caches it for the first planes so the tokenizer's loop only reads an array.
///
/// The rules, from the references' sources:
/// - Hugging Face `BertNormalizer`: drop NUL, U+FFFD and "other" characters (Cc, Cf, Co, except
///   tab, LF, CR), turn White_Space into a space, surround CJK ideographs with spaces, then
///   (when stripping) NFD and drop Mn, then (when lower-casing) each scalar's full lower-case
///   mapping without context. `BertPreTokenizer` then splits on whitespace and isolates each
///   punctuation scalar (ASCII punctuation or P*). Its category tables are older than ICU's:
///   see `HuggingFaceUnicode`.
/// - google-research/bert: drop NUL, U+FFFD, Cc and Cf; space, tab, LF, CR and Zs become
///   spaces (and Python's `split()` also breaks on U+2028/U+2029); CJK ranges as Google wrote
///   them; per word `str.lower()` (final sigma by context), then NFD and drop Mn; split on
///   punctuation.
/// - TFLite Task Library: split on RE2 `\s` (tab, LF, FF, CR, space), isolate ASCII punctuation,
///   P* and CJK; ASCII lower-casing; nothing is dropped.
struct ScalarRules: Sendable, Hashable {
  let rules: BertTokenizerConfiguration.Rules
  let lowercase: Bool
  let stripAccents: Bool
  let cleanText: Bool
  let splitCJK: Bool

  init(_ c: BertTokenizerConfiguration) {
    rules = c.rules
    lowercase = c.lowercase
    stripAccents = c.stripAccents && c.rules != .tfliteTaskLibrary
    cleanText = c.cleanText && c.rules != .tfliteTaskLibrary
    splitCJK = c.splitCJKIdeographs
  }

  /// The kind of an input scalar.
  enum Kind: UInt32 {
    /// Part of a word, unchanged.
    case word = 0
    /// Dropped, without splitting the word it is in.
    case removed = 1
    /// A word boundary, dropped.
    case whitespace = 2
    /// A word of its own (punctuation), unchanged.
    case punctuation = 3
    /// A CJK ideograph: a word of its own, unchanged.
    case ideograph = 4
    /// Part of a word, replaced by the mapped scalars (each may be punctuation).
    case mappedWord = 5
    /// A CJK ideograph replaced by the mapped scalars.
    case mappedIdeograph = 6
    /// Part of a word, replaced by one other scalar that is not punctuation.
    case replacedWord = 7
  }

  /// A flag on a mapped scalar: it is punctuation, so it is a word of its own.
  static let punctuationFlag: UInt32 = 1 << 31

  /// The kind of `c` and, for mapped kinds, what it becomes (scalars, some with `punctuationFlag`).
  func action(_ c: UInt32, decompose: (UInt32) -> [UInt32]) -> (Kind, [UInt32]) {
    guard let scalar = Unicode.Scalar(c) else { return (.removed, []) }
    switch rules {
    case .tfliteTaskLibrary:
      if c == 0x09 || c == 0x0A || c == 0x0C || c == 0x0D || c == 0x20 { return (.whitespace, []) }
      if isPunctuation(c) { return (.punctuation, []) }
      if splitCJK && isGoogleCJK(c) { return (.ideograph, []) }
      if lowercase && c >= 0x41 && c <= 0x5A { return (.replacedWord, [c + 32]) }
      return (.word, [])
    case .huggingFace, .googleBERT:
      if cleanText {
        if c == 0 || c == 0xFFFD || isControl(scalar) { return (.removed, []) }
        if isWhitespace(scalar) { return (.whitespace, []) }
      } else if rules == .googleBERT ? isPythonWhitespace(scalar) : CharacterProperties.isWhiteSpace(scalar) {
        return (.whitespace, [])
      }
      let ideograph = splitCJK && (rules == .huggingFace ? isHuggingFaceCJK(c) : isGoogleCJK(c))
      var mapped = [c]
      if rules == .huggingFace {
        if stripAccents { mapped = dropMarks(HuggingFaceUnicode.keepsWhole(c) ? [c] : decompose(c)) }
        if lowercase { mapped = mapped.flatMap(fullLowercase) }
      } else if lowercase {
        mapped = mapped.flatMap(fullLowercase)
        if stripAccents { mapped = dropMarks(mapped.flatMap(decompose)) }
      }
      if mapped == [c] {
        if ideograph { return (.ideograph, []) }
        return (isPunctuation(c) ? .punctuation : .word, [])
      }
      if mapped.isEmpty { return (.removed, []) }  // a lone mark, stripped
      let flagged = mapped.map { isPunctuation($0) ? $0 | ScalarRules.punctuationFlag : $0 }
      if ideograph { return (.mappedIdeograph, flagged) }
      if flagged.count == 1 && flagged[0] & ScalarRules.punctuationFlag == 0 { return (.replacedWord, flagged) }
      return (.mappedWord, flagged)
    }
  }

  // MARK: Character classes

  /// Removed by text cleaning (tab, LF and CR excepted).
  func isControl(_ s: Unicode.Scalar) -> Bool {
    let c = s.value
    if c == 0x09 || c == 0x0A || c == 0x0D { return false }
    let category = GeneralCategory.of(s)
    switch rules {
    case .huggingFace:
      if let exception = HuggingFaceUnicode.isOther(c) { return exception }
      return category == .control || category == .format || category == .privateUse
    default:
      return category == .control || category == .format
    }
  }

  /// Becomes a space in text cleaning.
  func isWhitespace(_ s: Unicode.Scalar) -> Bool {
    let c = s.value
    if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { return true }
    switch rules {
    case .huggingFace: return CharacterProperties.isWhiteSpace(s)
    default: return isPythonWhitespace(s)
    }
  }

  /// Google: Zs becomes a space in cleaning, and Python's `str.split()` also breaks on U+2028/U+2029.
  func isPythonWhitespace(_ s: Unicode.Scalar) -> Bool {
    let c = s.value
    if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0B || c == 0x0C || (0x1C...0x1F).contains(c) || c == 0x85 { return true }
    let category = GeneralCategory.of(s)
    return category == .spaceSeparator || category == .lineSeparator || category == .paragraphSeparator
  }

  /// ASCII punctuation ranges (whatever Unicode calls them) or a P* category.
  func isPunctuation(_ c: UInt32) -> Bool {
    if c < 0x80 {
      return (33...47).contains(c) || (58...64).contains(c) || (91...96).contains(c) || (123...126).contains(c)
    }
    if rules == .huggingFace, let exception = HuggingFaceUnicode.isPunctuation(c) { return exception }
    guard let s = Unicode.Scalar(c) else { return false }
    return GeneralCategory.of(s).isPunctuation
  }

  /// NFD result with non-spacing marks dropped.
  func dropMarks(_ scalars: [UInt32]) -> [UInt32] {
    scalars.filter { c in
      if rules == .huggingFace, let exception = HuggingFaceUnicode.isNonspacingMark(c) { return !exception }
      guard let s = Unicode.Scalar(c) else { return true }
      return GeneralCategory.of(s) != .nonspacingMark
    }
  }

  /// The full lower-case mapping without context: the simple mapping, except U+0130,
  /// the only scalar whose unconditional mapping (SpecialCasing.txt) has two scalars.
  func fullLowercase(_ c: UInt32) -> [UInt32] {
    if c == 0x130 { return [0x69, 0x307] }
    if rules == .huggingFace, let exception = HuggingFaceUnicode.lowercase(c) { return exception }
    guard let s = Unicode.Scalar(c) else { return [c] }
    return [CaseMapping.simpleLowercase(s).value]
  }
}

/// The CJK ranges of google-research/bert (and the TFLite Task Library's regular expression).
@inline(__always)
func isGoogleCJK(_ c: UInt32) -> Bool {
  (0x4E00...0x9FFF).contains(c) || (0x3400...0x4DBF).contains(c) || (0x20000...0x2A6DF).contains(c)
    || (0x2A700...0x2B73F).contains(c) || (0x2B740...0x2B81F).contains(c) || (0x2B820...0x2CEAF).contains(c)
    || (0xF900...0xFAFF).contains(c) || (0x2F800...0x2FA1F).contains(c)
}

/// The CJK ranges of Hugging Face `BertNormalizer`: Google's, except that its fifth range
/// starts at 0x2B920, so 0x2B820...0x2B91F are not split off.
@inline(__always)
func isHuggingFaceCJK(_ c: UInt32) -> Bool {
  (0x4E00...0x9FFF).contains(c) || (0x3400...0x4DBF).contains(c) || (0x20000...0x2A6DF).contains(c)
    || (0x2A700...0x2B73F).contains(c) || (0x2B740...0x2B81F).contains(c) || (0x2B920...0x2CEAF).contains(c)
    || (0xF900...0xFAFF).contains(c) || (0x2F800...0x2FA1F).contains(c)
}

extension ScalarRules {
  /// The scalars `c` is decomposed into before accents are stripped (after lower-casing for Google).
  func decomposition(_ c: UInt32, decompose: (UInt32) -> [UInt32]) -> [UInt32] {
    if rules == .huggingFace { return HuggingFaceUnicode.keepsWhole(c) ? [c] : decompose(c) }
    return lowercase ? fullLowercase(c).flatMap(decompose) : decompose(c)
  }

  /// Whether `c` decomposes into a mark of non-zero canonical combining class that accent
  /// stripping keeps (a spacing mark such as U+302E, or a mark newer than Hugging Face's tables).
  /// NFD's canonical reordering can move such a mark, so its word is re-normalised precisely.
  func keepsReorderableMark(_ c: UInt32, decompose: (UInt32) -> [UInt32]) -> Bool {
    decomposition(c, decompose: decompose).contains { x in
      guard let s = Unicode.Scalar(x), s.properties.canonicalCombiningClass.rawValue != 0 else { return false }
      return !dropMarks([x]).isEmpty
    }
  }

  /// Whether text cleaning drops `c`.
  func isCleanedAway(_ c: UInt32) -> Bool {
    guard cleanText, let s = Unicode.Scalar(c) else { return false }
    return c == 0 || c == 0xFFFD || isControl(s)
  }
}
