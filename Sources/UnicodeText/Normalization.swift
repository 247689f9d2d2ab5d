import CICU

/// A Unicode normalisation form (UAX #15), applied by ICU.
///
/// ```swift
/// let decomposed = try NormalizationForm.nfd.apply(to: "école")  // "e\u{301}cole"
/// ```
public enum NormalizationForm: Sendable, CaseIterable {
  /// Canonical composition.
  case nfc
  /// Canonical decomposition.
  case nfd
  /// Compatibility composition.
  case nfkc
  /// Compatibility decomposition.
  case nfkd
  /// NFKC with case folding and default-ignorable removal (NFKC_Casefold).
  case nfkcCasefold

  var icuForm: Int32 {
    switch self {
    case .nfc: Int32(GLEAN_ICU_NFC)
    case .nfd: Int32(GLEAN_ICU_NFD)
    case .nfkc: Int32(GLEAN_ICU_NFKC)
    case .nfkd: Int32(GLEAN_ICU_NFKD)
    case .nfkcCasefold: Int32(GLEAN_ICU_NFKC_CASEFOLD)
    }
  }

  /// Returns `text` in this form.
  ///
  /// - Throws: `UnicodeTextError` only when ICU itself fails (its data is missing or memory ran out).
  public func apply(to text: String) throws(UnicodeTextError) -> String {
    if try isNormalized(text) { return text }
    let form = icuForm
    return try transformUTF16(text, operation: "\(self) normalisation") { src, n, dst, cap, status in
      glean_icu_normalize(form, src, n, dst, cap, status)
    }
  }

  /// Whether `text` is already in this form (ICU's quick check, with no false "yes").
  public func isNormalized(_ text: String) throws(UnicodeTextError) -> Bool {
    if text.utf8.allSatisfy({ $0 < 0x80 }) && self != .nfkcCasefold { return true }
    let source = Array(text.utf16)
    // ICU counts in Int32; past that, report "not normalized" and let apply(to:) refuse the text with an error.
    guard source.count < Int(Int32.max) else { return false }
    var status: Int32 = 0
    let prefix = source.withUnsafeBufferPointer {
      glean_icu_normalized_prefix_length(icuForm, $0.baseAddress, Int32($0.count), &status)
    }
    if status != 0 {
      throw UnicodeTextError(operation: "\(self) quick check", icuStatus: String(cString: glean_icu_error_name(status)))
    }
    return Int(prefix) == source.count
  }
}
