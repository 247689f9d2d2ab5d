import Foundation
import Testing
import TFLiteFormat
import TFLiteInterpreter
import TestSupport

/// The shipped QA model (`Models/glean-qa-minilm-l6.tflite`) against LiteRT on three windows of the
/// project's sample text (`Corpora/goldens/qa/default-model-litert.json`, written by
/// `Tools/qa_model/make_parity_golden.py`).
///
/// Bound: a dynamic-range model quantizes every FULLY_CONNECTED input on the fly, so a difference of one
/// float rounding upstream (a softmax summed in another order) can move an activation by one quantization
/// step, and six layers amplify that. LiteRT's own execution paths — its reference kernels, its builtin
/// kernels, XNNPACK — disagree with each other by 2e-2 to 4e-2 of the largest logit on these windows
/// (the golden records each path). Glean must stay within 1.5 × LiteRT's largest disagreement (over the
/// three windows; the margin because three windows only sample how many activations happen to sit on a
/// rounding edge) of LiteRT's default path, and pick the same best start and end token in every window. On the
/// small converter-built encoders, where nothing amplifies, `LiteRTParityTests` holds Glean to 1e-5.
@Suite("The shipped QA model against LiteRT")
struct DefaultModelParityTests {
  static let goldenURL = TestPaths.corpora("goldens/qa/default-model-litert.json")
  static let modelURL = TestPaths.models("glean-qa-minilm-l6.tflite")

  static func argmax(_ values: [Float]) -> Int { values.indices.max { values[$0] < values[$1] } ?? -1 }

  @Test("logits within LiteRT's own spread and the same best span, fused or not, on 1 and 2 threads")
  func parity() throws {
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.goldenURL)) as? [String: Any] ?? [:]
    let modelBytes = try FileManager.default.attributesOfItem(atPath: Self.modelURL.path)[.size] as? Int
    try #require(object["model_bytes"] as? Int == modelBytes,
                 "the golden was made for another model file: run python3 Tools/qa_model/make_parity_golden.py")
    let cases = try (object["cases"] as? [[String: Any]] ?? []).enumerated().map { try Golden(object: $1, name: "window \($0)") }
    try #require(cases.count == 3)
    // LiteRT's largest disagreement between any two of its paths, over every window and output.
    var spread: Float = 0
    for golden in cases {
      for (name, expected) in golden.outputs {
        let paths = [expected.floats] + golden.outputsByPath.values.compactMap { $0[name]?.floats }
        for a in paths { for b in paths { spread = max(spread, Tolerance.maxScaledError(a, b)) } }
      }
    }
    #expect(spread < 0.1, "LiteRT's paths disagree by \(spread): the golden looks wrong")
    let bound = 1.5 * spread
    let model = try Model(contentsOf: Self.modelURL)
    // Fused kernels on one thread, then unfused on two (fusion and threads never change the logits:
    // OperatorFusionTests and OptimizedKernelSetTests check that bit for bit on the fixtures).
    for options in [Interpreter.Options(threads: 1), Interpreter.Options(threads: 2, fuseOperators: false)] {
      let interpreter = try Interpreter(model: model, options: options)
      for golden in cases {
        try interpreter.run(golden)
        for (outputName, expected) in golden.outputs {
          let actual = try interpreter.outputValues(named: outputName).map(Float.init)
          let error = Tolerance.maxScaledError(actual, expected.floats)
          #expect(error <= bound, "\(golden.name) \(outputName) threads \(options.threads): \(error) from LiteRT > 1.5 × LiteRT's own \(spread)")
          #expect(Self.argmax(actual) == Self.argmax(expected.floats), "\(golden.name) \(outputName): another best token than LiteRT's")
        }
      }
    }
  }
}
