import Foundation
import Testing
import TFLiteFormat
import TFLiteInterpreter
import TFLiteKernels
import TestSupport

/// The two kernel sets on every converter-built fixture: the reference kernels keep their parity
/// with LiteRT (the optimised ones are the default, checked by `LiteRTParityTests`), the optimised
/// kernels stay within 1e-5 of the reference (scaled by the output's largest magnitude: only
/// summation rounding differs), and their results do not depend on the thread count.
@Suite("Optimised and reference kernel sets on the fixtures")
struct OptimizedKernelSetTests {
  static let names: [String] = (try? Golden.allNames()) ?? []

  func outputs(_ golden: Golden, _ options: Interpreter.Options) throws -> [String: [Double]] {
    let interpreter = try Interpreter(model: try Model(contentsOf: golden.model), options: options)
    try interpreter.run(golden)
    var result: [String: [Double]] = [:]
    for (name, _) in golden.outputs { result[name] = try interpreter.outputValues(named: name) }
    return result
  }

  @Test("reference matches LiteRT; optimised matches reference; threads do not change results", arguments: names)
  func fixture(_ name: String) throws {
    let golden = try Golden(name: name)
    let reference = try outputs(golden, .init(kernels: .reference))
    let optimized = try outputs(golden, .init(threads: 1))
    let optimizedTwoThreads = try outputs(golden, .init(threads: 2))
    let optimizedThreeThreads = try outputs(golden, .init(threads: 3))
    // The AVX-512 float tile and the VNNI hybrid tile, compiled for AVX2 where the machine lacks them,
    // give the AVX2 kernels' results bit for bit.
    let wide = Optimized.canEmulateWideKernels ? try Optimized.withEmulatedWideKernels { try outputs(golden, .init(threads: 2)) } : nil
    for (outputName, expected) in golden.outputs {
      let r = reference[outputName] ?? [], o = optimized[outputName] ?? []
      #expect(optimizedTwoThreads[outputName] == o && optimizedThreeThreads[outputName] == o, "\(name) \(outputName): thread count changed the result")
      if let wide { #expect(wide[outputName] == o, "\(name) \(outputName): the wide tiles (emulated) changed the result") }
      if expected.dtype == "float32" {
        let bound = min(LiteRTParityTests.bound(for: golden, output: outputName), golden.suggestedMaxScaledError[outputName] ?? .infinity)
        let referenceError = Tolerance.maxScaledError(r.map(Float.init), expected.floats)
        #expect(referenceError <= bound, "\(name) \(outputName): reference kernels \(referenceError) from LiteRT > \(bound)")
        let difference = Tolerance.maxScaledError(o.map(Float.init), r.map(Float.init))
        #expect(difference <= 1e-5, "\(name) \(outputName): optimised kernels \(difference) from the reference kernels")
      } else {
        #expect(r == expected.data && o == r, "\(name) \(outputName): integer outputs must match exactly")
      }
    }
  }

  @Test("the shipped QA model: the AVX-512 and VNNI tiles (emulated on AVX2) give the same logits bit for bit")
  func wideTilesOnTheShippedModel() throws {
    guard Optimized.canEmulateWideKernels else { return }   // the machine runs them for real: the other tests cover them
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: DefaultModelParityTests.goldenURL)) as? [String: Any] ?? [:]
    // One window: a debug build runs the emulated tiles slowly, and every layer is exercised by one.
    let cases = try (object["cases"] as? [[String: Any]] ?? []).prefix(1).enumerated().map { try Golden(object: $1, name: "window \($0)") }
    try #require(!cases.isEmpty)
    let model = try Model(contentsOf: DefaultModelParityTests.modelURL)
    let interpreter = try Interpreter(model: model, options: .init(threads: 2))
    let wide = try Optimized.withEmulatedWideKernels { try Interpreter(model: model, options: .init(threads: 2)) }
    for golden in cases {
      try interpreter.run(golden)
      try Optimized.withEmulatedWideKernels { try wide.run(golden) }
      for (outputName, _) in golden.outputs {
        let expected = try interpreter.outputValues(named: outputName), actual = try wide.outputValues(named: outputName)
        #expect(actual == expected, "\(golden.name) \(outputName): the wide tiles changed the logits")
      }
    }
  }
}
