import Foundation
import Testing
import TFLiteFormat

/// Opt-in timing of `ModelFile.load` (map + verify + decode): set GLEAN_BENCH_MODEL to a .tflite path.
/// Make a large one with `python3 Tools/models/make_corrupt_models.py --large-model /tmp/large.tflite 300 512`.
@Suite struct ModelFileBenchmarks {
  static let path = ProcessInfo.processInfo.environment["GLEAN_BENCH_MODEL"]

  @Test(.enabled(if: path != nil, "set GLEAN_BENCH_MODEL=/path/to/model.tflite to time the reader"))
  func timeLoad() throws {
    let url = URL(fileURLWithPath: try #require(Self.path))
    let clock = ContinuousClock()
    var times: [Duration] = []
    var tensors = 0
    for _ in 0..<5 {
      let start = clock.now
      let model = try ModelFile.load(contentsOf: url)
      times.append(clock.now - start)
      tensors = model.subgraphs.reduce(0) { $0 + $1.tensors.count }
    }
    times.sort()
    print("ModelFile.load \(url.lastPathComponent): \(tensors) tensors, median \(times[2]), best \(times[0]) over 5 loads")
  }
}
