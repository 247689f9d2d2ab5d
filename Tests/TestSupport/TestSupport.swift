import Foundation

/// Locations of the project's data folders, for tests.
///
/// Tests find `Vocab/`, `Models/` and `Corpora/` from this file's path rather
/// than through bundle resources, and `../shared` beside the repository.
public enum TestPaths {
  /// The repository root (the folder holding `Package.swift`).
  public static let repositoryRoot: URL = {
    URL(fileURLWithPath: #filePath)  // Tests/TestSupport/TestSupport.swift
      .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  }()

  /// `Corpora/<path>` in the repository.
  public static func corpora(_ path: String) -> URL { repositoryRoot.appendingPathComponent("Corpora").appendingPathComponent(path) }
  /// `Models/<path>` in the repository.
  public static func models(_ path: String) -> URL { repositoryRoot.appendingPathComponent("Models").appendingPathComponent(path) }
  /// `Vocab/<path>` in the repository.
  public static func vocab(_ path: String) -> URL { repositoryRoot.appendingPathComponent("Vocab").appendingPathComponent(path) }

  /// `../shared` beside the repository (third-party data), or nil when it is absent.
  public static let sharedRoot: URL? = {
    let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue ? url : nil
  }()

  /// `../shared/<path>` when it exists; nil otherwise, so a test can skip with a clear message.
  public static func shared(_ path: String) -> URL? {
    guard let root = sharedRoot else { return nil }
    let url = root.appendingPathComponent(path)
    return FileManager.default.fileExists(atPath: url.path) ? url : nil
  }

  /// The message a test skips with when `../shared/<path>` is missing.
  public static func sharedMissing(_ path: String) -> String {
    "skipped: ../shared/\(path) is not present (third-party test data lives beside the repository, not in it)"
  }
}

/// Float comparison shared by every test: one vocabulary for tolerances.
///
/// `a` and `b` are close when `|a - b| <= atol + rtol * |b|` (NumPy's `isclose`,
/// with `b` the reference). The relation is not symmetric and not transitive:
/// use it only to compare a result with its reference, never as equality.
public enum Tolerance {
  /// The default absolute tolerance.
  public static let defaultAbsolute: Float = 1e-5
  /// The default relative tolerance.
  public static let defaultRelative: Float = 1e-5

  /// Whether `actual` is close to `expected`.
  public static func isClose(_ actual: Float, _ expected: Float, rtol: Float = defaultRelative, atol: Float = defaultAbsolute) -> Bool {
    if actual.isNaN || expected.isNaN { return actual.isNaN && expected.isNaN }
    if actual.isInfinite || expected.isInfinite { return actual == expected }
    return abs(actual - expected) <= atol + rtol * abs(expected)
  }

  /// The first index where `actual` and `expected` differ beyond the tolerance, with both values,
  /// or nil when every element is close and the counts agree.
  public static func firstMismatch(_ actual: [Float], _ expected: [Float], rtol: Float = defaultRelative, atol: Float = defaultAbsolute) -> String? {
    guard actual.count == expected.count else { return "count \(actual.count) != expected \(expected.count)" }
    for i in actual.indices where !isClose(actual[i], expected[i], rtol: rtol, atol: atol) {
      return "element \(i): \(actual[i]) vs expected \(expected[i]) (rtol \(rtol), atol \(atol))"
    }
    return nil
  }

  /// Largest absolute difference, relative to the reference's largest magnitude (its "scale").
  /// This is how interpreter outputs are compared with LiteRT: `maxScaledError(a, b) <= 1e-4`.
  public static func maxScaledError(_ actual: [Float], _ expected: [Float]) -> Float {
    precondition(actual.count == expected.count, "maxScaledError needs equal counts")
    let scale = max(expected.map { abs($0) }.max() ?? 0, Float.leastNormalMagnitude)
    var worst: Float = 0
    for i in actual.indices { worst = max(worst, abs(actual[i] - expected[i])) }
    return worst / scale
  }

  /// Normalised mean squared error, `sum((a-b)^2) / sum(b^2)` (ggml's `nmse`).
  public static func nmse(_ actual: [Float], _ expected: [Float]) -> Double {
    precondition(actual.count == expected.count, "nmse needs equal counts")
    var num = 0.0, den = 0.0
    for i in actual.indices {
      let d = Double(actual[i]) - Double(expected[i])
      num += d * d
      den += Double(expected[i]) * Double(expected[i])
    }
    return den == 0 ? num : num / den
  }
}

/// SplitMix64: a small deterministic random generator, so a failing randomised test replays from its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
