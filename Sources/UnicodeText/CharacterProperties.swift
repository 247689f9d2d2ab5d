import CICU

/// The Unicode general category of a code point, as ICU's data gives it.
///
/// ```swift
/// GeneralCategory.of("é") == .lowercaseLetter
/// GeneralCategory.of("\u{301}").isMark
/// ```
public enum GeneralCategory: Int32, Sendable, CaseIterable {
  case unassigned = 0
  case uppercaseLetter = 1
  case lowercaseLetter = 2
  case titlecaseLetter = 3
  case modifierLetter = 4
  case otherLetter = 5
  case nonspacingMark = 6
  case enclosingMark = 7
  case spacingMark = 8
  case decimalNumber = 9
  case letterNumber = 10
  case otherNumber = 11
  case spaceSeparator = 12
  case lineSeparator = 13
  case paragraphSeparator = 14
  case control = 15
  case format = 16
  case privateUse = 17
  case surrogate = 18
  case dashPunctuation = 19
  case openPunctuation = 20
  case closePunctuation = 21
  case connectorPunctuation = 22
  case otherPunctuation = 23
  case mathSymbol = 24
  case currencySymbol = 25
  case modifierSymbol = 26
  case otherSymbol = 27
  case initialPunctuation = 28
  case finalPunctuation = 29

  /// The category of `scalar`.
  @inlinable
  public static func of(_ scalar: Unicode.Scalar) -> GeneralCategory {
    GeneralCategory(rawValue: glean_icu_char_type(scalar.value)) ?? .unassigned
  }

  /// The two-letter abbreviation used by the Unicode Character Database ("Lu", "Mn", "Po", ...).
  public var abbreviation: String {
    let names = ["Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Me", "Mc", "Nd", "Nl", "No", "Zs", "Zl", "Zp",
                 "Cc", "Cf", "Co", "Cs", "Pd", "Ps", "Pe", "Pc", "Po", "Sm", "Sc", "Sk", "So", "Pi", "Pf"]
    return names[Int(rawValue)]
  }

  /// L*: a letter.
  public var isLetter: Bool { (1...5).contains(rawValue) }
  /// M*: a combining mark.
  public var isMark: Bool { (6...8).contains(rawValue) }
  /// N*: a number.
  public var isNumber: Bool { (9...11).contains(rawValue) }
  /// P*: punctuation.
  public var isPunctuation: Bool { (19...23).contains(rawValue) || rawValue == 28 || rawValue == 29 }
  /// S*: a symbol.
  public var isSymbol: Bool { (24...27).contains(rawValue) }
  /// Z*: a separator.
  public var isSeparator: Bool { (12...14).contains(rawValue) }
  /// C*: other (control, format, private use, surrogate, unassigned).
  public var isOther: Bool { rawValue == 0 || (15...18).contains(rawValue) }
}

/// Character properties beyond the general category.
public enum CharacterProperties {
  /// The `White_Space` property.
  @inlinable
  public static func isWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x20, 0x09...0x0D: return true
    case 0..<0x80: return false
    default: return glean_icu_is_white_space(scalar.value) != 0
    }
  }

  /// The Unicode version of the ICU data in use, e.g. "15.0".
  public static var unicodeVersion: String { String(cString: glean_icu_unicode_version()) }
}
