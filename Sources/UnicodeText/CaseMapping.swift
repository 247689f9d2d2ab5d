import CICU

/// Case operations over whole strings and single code points, by ICU.
///
/// ```swift
/// try CaseMapping.foldCase("Grüßen")    // "grüssen"
/// try CaseMapping.lowercase("ΟΔΟΣ")     // "οδος" (final sigma handled)
/// CaseMapping.simpleLowercase("Σ")      // "σ"
/// ```
public enum CaseMapping {
  /// Full case folding (Unicode `CaseFolding.txt`, default mappings: "ß" → "ss").
  ///
  /// - Throws: `UnicodeTextError` only when ICU itself fails.
  public static func foldCase(_ text: String) throws(UnicodeTextError) -> String {
    try transformUTF16(text, operation: "case folding") { src, n, dst, cap, status in
      glean_icu_fold_case(src, n, dst, cap, status)
    }
  }

  /// Full lower-casing with context (final sigma), for a BCP 47 locale ("" is language-neutral).
  ///
  /// - Throws: `UnicodeTextError` only when ICU itself fails.
  public static func lowercase(_ text: String, locale: String = "") throws(UnicodeTextError) -> String {
    let result = locale.withCString { loc in
      Result { () throws(UnicodeTextError) in
        try transformUTF16(text, operation: "lower-casing") { src, n, dst, cap, status in
          glean_icu_to_lower(loc, src, n, dst, cap, status)
        }
      }
    }
    return try result.get()
  }

  /// Full upper-casing for a BCP 47 locale ("" is language-neutral).
  ///
  /// - Throws: `UnicodeTextError` only when ICU itself fails.
  public static func uppercase(_ text: String, locale: String = "") throws(UnicodeTextError) -> String {
    let result = locale.withCString { loc in
      Result { () throws(UnicodeTextError) in
        try transformUTF16(text, operation: "upper-casing") { src, n, dst, cap, status in
          glean_icu_to_upper(loc, src, n, dst, cap, status)
        }
      }
    }
    return try result.get()
  }

  /// The simple (one code point to one) lower-case mapping.
  @inlinable
  public static func simpleLowercase(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
    if scalar.value < 0x80 {
      let v = scalar.value
      return (v >= 0x41 && v <= 0x5A) ? Unicode.Scalar(UInt8(v + 32)) : scalar
    }
    return Unicode.Scalar(glean_icu_simple_lower(scalar.value)) ?? scalar
  }

  /// The simple case folding of one code point.
  public static func simpleFold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
    Unicode.Scalar(glean_icu_simple_fold(scalar.value)) ?? scalar
  }
}
