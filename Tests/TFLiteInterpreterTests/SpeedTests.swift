import Foundation
import Testing
import TFLiteInterpreter
import TestSupport

@Suite("Speed of the reference kernels (debug build)")
struct SpeedTests {
  @Test("a 2-layer encoder runs well under a second, even in a debug build",
        arguments: ["bert_tiny_float", "mobilebert_tiny_float", "mobilebert_tiny_dynamic_range", "bert_tiny_dynamic_range"])
  func twoLayers(name: String) throws {
    let golden = try Golden(name: name)
    let interpreter = try Interpreter(model: try Model(contentsOf: golden.model))
    try interpreter.run(golden)
    let start = Date()
    try interpreter.invoke()
    let seconds = Date().timeIntervalSince(start)
    print("\(name): invoke \(String(format: "%.1f", seconds * 1000)) ms, arena \(interpreter.arenaBytes) bytes")
    // The bar is "well under a second"; the build machine is shared, so allow headroom.
    #expect(seconds < 1.0)
  }
}
