import Foundation
import Testing
import TFLiteFormat
import TFLiteInterpreter
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
    for (outputName, expected) in golden.outputs {
      let r = reference[outputName] ?? [], o = optimized[outputName] ?? []
      #expect(optimizedTwoThreads[outputName] == o && optimizedThreeThreads[outputName] == o, "\(name) \(outputName): thread count changed the result")
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
}
