import Foundation
import Testing
import TFLiteFormat
import TFLiteInterpreter
import TestSupport

/// Every fixture in `Models/test` against the outputs LiteRT recorded for it
/// (`Tools/models/generate_fixtures.py`; LiteRT 2.3 default path).
@Suite("Parity with LiteRT on the converter-built fixtures")
struct LiteRTParityTests {
  /// Float models: within 1e-4 of LiteRT relative to the output's largest magnitude (the project's bar).
  static let floatTolerance: Float = 1e-4
  /// Hybrid kernels against LiteRT's own builtin kernels (no XNNPACK), which follow the same
  /// algorithm: only float rounding differs (measured worst 3e-7 on the encoders).
  static let builtinHybridTolerance: Float = 1e-5

  static let names: [String] = (try? Golden.allNames()) ?? []

  @Test("fixture matches LiteRT", arguments: names)
  func fixture(_ name: String) throws {
    let golden = try Golden(name: name)
    let interpreter = try Interpreter(model: try Model(contentsOf: golden.model))
    try interpreter.run(golden)
    for (outputName, expected) in golden.outputs {
      let actual = try interpreter.outputValues(named: outputName)
      #expect(try interpreter.output(try interpreter.outputIndex(named: outputName)).shape == expected.shape, "\(name) \(outputName) shape")
      if expected.dtype == "float32" {
        let error = Tolerance.maxScaledError(actual.map(Float.init), expected.floats)
        // The tighter of the project's bar and the generator's suggestion (Models/test/README.md).
        let bound = min(Self.bound(for: golden, output: outputName), golden.suggestedMaxScaledError[outputName] ?? .infinity)
        #expect(error <= bound, "\(name) \(outputName): scaled error \(error) > \(bound)")
        // Hybrid kernels reproduce LiteRT's own builtin kernels (no XNNPACK) to float precision.
        if golden.quantization == "dynamic_range", let builtin = golden.outputsByPath["builtin_without_xnnpack"]?[outputName] {
          let builtinError = Tolerance.maxScaledError(actual.map(Float.init), builtin.floats)
          #expect(builtinError <= Self.builtinHybridTolerance, "\(name) \(outputName): \(builtinError) from LiteRT's builtin hybrid kernels")
        }
      } else {
        #expect(actual == expected.data, "\(name) \(outputName): integer outputs must match exactly")
      }
    }
  }

  /// The tolerance for one output: 1e-4 for float models; for quantized ones, the spread LiteRT's
  /// own kernel paths show on the same model (they round differently), plus the float bar.
  static func bound(for golden: Golden, output: String) -> Float {
    guard golden.quantization != "float" && golden.quantization != "float16" else { return floatTolerance }
    var spread: Float = 0
    let reference = golden.outputs.first { $0.name == output }!.tensor.floats
    for (_, tensors) in golden.outputsByPath {
      if let other = tensors[output] { spread = max(spread, Tolerance.maxScaledError(other.floats, reference)) }
    }
    return floatTolerance + spread
  }
}
