/// An ICU call failed.
///
/// With valid Swift strings this happens only when ICU's data cannot be
/// loaded or memory runs out; the message names ICU's status code.
public struct UnicodeTextError: Error, CustomStringConvertible, Sendable, Equatable {
  /// What Glean was doing, e.g. "NFD normalisation".
  public let operation: String
  /// ICU's name for the status, e.g. "U_MEMORY_ALLOCATION_ERROR".
  public let icuStatus: String

  public init(operation: String, icuStatus: String) {
    self.operation = operation
    self.icuStatus = icuStatus
  }

  public var description: String {
    "\(operation) failed in ICU (\(icuStatus)); hint: check that the ICU data library (libicu) is installed"
  }
}
