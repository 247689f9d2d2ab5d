import CICU

/// One segment between two word boundaries (UAX #29, ICU's root rules).
public struct WordSegment: Sendable, Equatable {
  /// What ICU's rule status says the segment is.
  public enum Kind: Sendable, Equatable {
    /// Spaces, punctuation, symbols: not a word.
    case none
    /// A number, such as "3.14".
    case number
    /// Letters, such as "école" or "don't".
    case letter
    /// Kana.
    case kana
    /// Ideographs (CJK).
    case ideographic

    init(ruleStatus: Int32) {
      switch ruleStatus {
      case 100..<200: self = .number
      case 200..<300: self = .letter
      case 300..<400: self = .kana
      case 400..<500: self = .ideographic
      default: self = .none
      }
    }

    /// Whether the segment is a word: letters, numbers, kana or ideographs.
    public var isWord: Bool { self != .none }
  }

  /// The segment's range in the string it came from.
  public let range: Range<String.Index>
  /// The segment's range in Unicode scalars (code points) from the start of the string.
  public let scalarRange: Range<Int>
  /// What kind of segment it is.
  public let kind: Kind
}

/// Word segmentation by ICU's break iterator.
///
/// ```swift
/// let text = "L'école, c'est 3.5 km."
/// for segment in try WordBreaks.segments(of: text) where segment.kind.isWord {
///   print(text[segment.range])   // "L'école", "c'est", "3.5", "km"
/// }
/// ```
public enum WordBreaks {
  /// All segments of `text`, in order, covering it without gaps.
  ///
  /// - Throws: `UnicodeTextError` when ICU's break rules cannot be loaded.
  public static func segments(of text: String) throws(UnicodeTextError) -> [WordSegment] {
    let units = Array(text.utf16)
    if units.isEmpty { return [] }
    guard units.count < Int(Int32.max) - 1 else {
      throw UnicodeTextError(operation: "word breaking", icuStatus: "U_INPUT_TOO_LONG_ERROR")
    }
    let capacity = units.count + 1
    var boundaries = [Int32](repeating: 0, count: capacity)
    var statuses = [Int32](repeating: 0, count: capacity)
    var status: Int32 = 0
    let count = units.withUnsafeBufferPointer { src in
      boundaries.withUnsafeMutableBufferPointer { b in
        statuses.withUnsafeMutableBufferPointer { s in
          glean_icu_word_boundaries(src.baseAddress, Int32(src.count), b.baseAddress, s.baseAddress, Int32(capacity), &status)
        }
      }
    }
    if status != 0 || Int(count) > capacity || count < 2 {
      throw UnicodeTextError(operation: "word breaking",
                             icuStatus: status != 0 ? String(cString: glean_icu_error_name(status)) : "U_INTERNAL_PROGRAM_ERROR")
    }
    // Walk the string once, turning UTF-16 offsets into indices and scalar counts.
    var segments: [WordSegment] = []
    segments.reserveCapacity(Int(count) - 1)
    var index = text.startIndex
    var utf16Offset = 0
    var scalarOffset = 0
    let scalars = text.unicodeScalars
    for i in 1..<Int(count) {
      let start = index
      let startScalar = scalarOffset
      let end = Int(boundaries[i])
      while utf16Offset < end, index < text.endIndex {
        let scalar = scalars[index]
        utf16Offset += scalar.utf16.count
        scalarOffset += 1
        index = scalars.index(after: index)
      }
      segments.append(WordSegment(range: start..<index, scalarRange: startScalar..<scalarOffset,
                                  kind: WordSegment.Kind(ruleStatus: statuses[i])))
    }
    return segments
  }

  /// The words of `text` (segments whose kind is a word), as substrings.
  public static func words(of text: String) throws(UnicodeTextError) -> [Substring] {
    try segments(of: text).filter { $0.kind.isWord }.map { text[$0.range] }
  }
}
