import ArgumentParser
import Foundation
import TFLiteFormat
import TFLiteInterpreter

/// `glean benchmark`: Time a TensorFlow Lite model the way LiteRT's benchmark_model does.
///
/// ```
/// glean benchmark model.tflite --threads 2 --num-runs 50 --enable-op-profiling
/// glean benchmark model.tflite --json      # {"init_us", "first_us", "inference_us": {...}, "peak_rss_bytes"}
/// ```
struct Benchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "benchmark",
    abstract: "Time a TensorFlow Lite model: init, first run, then average, min, max and std of inference, and peak memory.",
    discussion: """
      Mirrors LiteRT's benchmark_model. Inputs are random unless given with --input NAME=FILE (.npy or JSON, \
      as for glean run): floats in [-1, 1); integer inputs named like ids take values inside the embedding \
      table they index (read from the GATHER that uses them), masks are 1 and other integers 0. \
      Peak memory is the process's peak resident set (VmHWM). With --enable-op-profiling, prints \
      benchmark_model's three tables: run order, top by time, and summary by node type.
      """
  )

  @Argument(help: "The .tflite model to time.")
  var model: String

  @Option(help: "Threads kernels may use (default: every core of this machine).")
  var threads: Int?

  @Option(name: .customLong("warmup-runs"), help: "Untimed runs after the first one.")
  var warmupRuns: Int = 1

  @Option(name: .customLong("num-runs"), help: "Timed runs.")
  var numRuns: Int = 50

  @Flag(name: .customLong("enable-op-profiling"), help: "Time every node and print the per-op tables.")
  var opProfiling = false

  @Flag(help: "Run the reference kernels instead of the optimised ones.")
  var reference = false

  @Flag(name: .customLong("no-fusion"), help: "Run every node on its own: no fused attention or masked softmax (same results).")
  var noFusion = false

  @Flag(name: .customLong("dense-products"),
        help: "Multiply every input element in float FULLY_CONNECTEDs, never skipping a RELU output's zeros (same results).")
  var denseProducts = false

  @Option(name: .customLong("input"), help: ArgumentHelp("An input tensor's data, as NAME=FILE (.npy or .json).", valueName: "NAME=FILE"))
  var inputs: [String] = []

  @Flag(help: "Print one JSON object: init_us, first_us, inference_us {avg, min, max, std, median}, peak_rss_bytes.")
  var json = false

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    if numRuns < 1 { throw ValidationError("--num-runs must be at least 1") }
    if warmupRuns < 0 { throw ValidationError("--warmup-runs cannot be negative") }
  }

  func run() async throws {
    let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
    let assignments = try inputs.map(InputAssignment.init(parsing:))
    let clock = ContinuousClock()

    // Init: load, create, allocate, as benchmark_model's "Initialized session".
    let initStart = clock.now
    let loaded: Model
    do { loaded = try Model(contentsOf: URL(fileURLWithPath: model)) } catch { throw CLIError("cannot load \(model): \(error)") }
    let interpreter: Interpreter
    do {
      interpreter = try Interpreter(model: loaded, options: .init(threads: threadCount, kernels: reference ? .reference : .optimized,
                                                                          fuseOperators: !noFusion))
      try interpreter.allocateTensors()
    } catch {
      throw CLIError("\(model): \(error)")
    }
    let initMicroseconds = (clock.now - initStart).microseconds
    try BenchmarkInputs.fill(interpreter, from: assignments)

    func timedRun() throws -> (Double, [UInt64]?) {
      denseProducts ? try Interpreter.withDenseProducts(invokeTimed) : try invokeTimed()
    }
    func invokeTimed() throws -> (Double, [UInt64]?) {
      let start = clock.now
      if opProfiling {
        let times = try interpreter.invokeProfiled()
        return ((clock.now - start).microseconds, times)
      }
      try interpreter.invoke()
      return ((clock.now - start).microseconds, nil)
    }

    let (first, firstOps) = try timedRun()
    for _ in 0..<warmupRuns { _ = try timedRun() }
    var runs: [Double] = []
    var opTotals: [UInt64]?
    for _ in 0..<numRuns {
      let (time, ops) = try timedRun()
      runs.append(time)
      if let ops { opTotals = zip(opTotals ?? Array(repeating: 0, count: ops.count), ops).map { $0 + $1 } }
    }
    let stats = RunStatistics(runs)
    let peak = PeakMemory.residentBytes()

    if json {
      print("""
        {"init_us": \(Int(initMicroseconds)), "first_us": \(Int(first)), "inference_us": {"avg": \(stats.average), "min": \(stats.min), \
        "max": \(stats.max), "std": \(stats.std), "median": \(stats.median)}, "peak_rss_bytes": \(peak.map(String.init) ?? "null"), \
        "threads": \(threadCount), "kernels": "\(reference ? "reference" : "optimized")"}
        """)
      return
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: model)[.size] as? Int).flatMap { $0 } ?? 0
    print("Model: \(model) (\(String(format: "%.3f", Double(size) / 1e6)) MB)")
    print("Kernels: \(reference ? "reference" : "optimized") (\(interpreter.kernelInstructionSet)), threads: \(threadCount)")
    print("Initialized session in \(String(format: "%.3f", initMicroseconds / 1000))ms.")
    print("count=\(numRuns) first=\(Int(first)) curr=\(Int(runs.last ?? 0)) min=\(Int(stats.min)) max=\(Int(stats.max)) avg=\(String(format: "%.1f", stats.average)) std=\(Int(stats.std.rounded())) median=\(Int(stats.median))")
    print("Inference timings in us: Init: \(Int(initMicroseconds)), First inference: \(Int(first)), Inference (avg): \(String(format: "%.1f", stats.average))")
    if let peak { print("Peak memory footprint (MB): \(String(format: "%.3f", Double(peak) / 1_048_576)) (VmHWM)") }
    if let opTotals, let firstOps {
      print()
      print(OpProfileTables.render(nodes: interpreter.nodeSummaries, first: firstOps, totals: opTotals, runs: numRuns))
    }
  }
}

extension Duration {
  /// The duration in microseconds.
  var microseconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
  }
}

extension Interpreter {
  /// The instruction set of the optimised kernels on this machine.
  var kernelInstructionSet: String { Interpreter.optimizedInstructionSet }
}

/// Average, extremes, standard deviation and median of run times (µs).
struct RunStatistics {
  var average: Double, min: Double, max: Double, std: Double, median: Double

  init(_ values: [Double]) {
    let n = Double(values.count)
    average = values.reduce(0, +) / n
    min = values.min() ?? 0
    max = values.max() ?? 0
    let mean = average
    std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / n).squareRoot()
    let sorted = values.sorted()
    median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
  }
}

/// The process's peak resident set, from /proc/self/status (Linux).
enum PeakMemory {
  static func residentBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
    }
    return nil
  }
}

/// Inputs for a benchmark: files where given, valid random data otherwise.
enum BenchmarkInputs {
  static func fill(_ interpreter: Interpreter, from assignments: [InputAssignment]) throws {
    var given: [String: InputArray] = [:]
    for a in assignments { given[a.name] = try InputArray(contentsOf: a.path) }
    let known = Set(interpreter.inputs.map(\.name))
    for name in given.keys where !known.contains(name) {
      throw CLIError("the model has no input \"\(name)\"; its inputs are \(interpreter.inputs.map { "\"\($0.name)\"" }.joined(separator: ", "))")
    }
    var generator = SystemRandomNumberGenerator()
    for (position, tensor) in interpreter.inputs.enumerated() {
      if let array = given[tensor.name] {
        guard array.count == tensor.elementCount else {
          throw CLIError("input \"\(tensor.name)\" needs \(tensor.elementCount) values; \(array.source) has \(array.count)")
        }
        try interpreter.copy(bytes: try array.bytes(as: tensor.type, for: "\"\(tensor.name)\""), toInput: position)
        continue
      }
      let count = tensor.elementCount
      let lowered = tensor.name.lowercased()
      switch tensor.type {
      case .float32:
        try interpreter.copy((0..<count).map { _ in Float.random(in: -1..<1, using: &generator) }, toInput: position)
      case .int32, .int64:
        var values = [Int64](repeating: 0, count: count)
        if lowered.contains("mask") {
          values = Array(repeating: 1, count: count)
        } else if let rows = embeddingRows(indexedBy: tensor.index, in: interpreter.model, subgraph: interpreter.options.subgraphIndex) {
          values = (0..<count).map { _ in Int64.random(in: 0..<Int64(max(rows, 1)), using: &generator) }
        }
        if tensor.type == .int32 { try interpreter.copy(values.map { Int32($0) }, toInput: position) }
        else { try interpreter.copy(values, toInput: position) }
      case .bool:
        try interpreter.copy(bytes: Array(repeating: 1, count: count), toInput: position)
      default:
        try interpreter.copy(bytes: Array(repeating: 0, count: count * (tensor.type.byteSize ?? 1)), toInput: position)
      }
    }
  }

  /// Rows of the table a GATHER (axis 0) or EMBEDDING_LOOKUP reads with this tensor as indices.
  static func embeddingRows(indexedBy tensor: Int, in model: Model, subgraph index: Int) -> Int? {
    guard model.subgraphs.indices.contains(index) else { return nil }
    let subgraph = model.subgraphs[index]
    for op in subgraph.operators where model.operatorCodes.indices.contains(op.opcodeIndex) {
      let code = model.operatorCodes[op.opcodeIndex].builtin
      let (indices, table): (Int, Int)
      switch code {
      case .gather where op.inputs.count >= 2: (indices, table) = (Int(op.inputs[1]), Int(op.inputs[0]))
      case .embeddingLookup where op.inputs.count >= 2: (indices, table) = (Int(op.inputs[0]), Int(op.inputs[1]))
      default: continue
      }
      guard indices == tensor, subgraph.tensors.indices.contains(table), let rows = subgraph.tensors[table].shape.first else { continue }
      return Int(rows)
    }
    return nil
  }
}

/// benchmark_model's op-profiling tables: run order, top by computation time, summary by node type.
enum OpProfileTables {
  static func render(nodes: [NodeSummary], first: [UInt64], totals: [UInt64], runs: Int, top: Int = 10) -> String {
    let ran = nodes.filter(\.runs)
    let averages = Dictionary(uniqueKeysWithValues: ran.map { ($0.index, Double(totals[$0.index]) / Double(runs) / 1e6) })
    let total = averages.values.reduce(0, +)
    func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
    func ms(_ v: Double) -> String { String(format: "%.3f", v) }
    func pct(_ v: Double) -> String { String(format: "%.3f%%", total > 0 ? v / total * 100 : 0) }
    let header = "\t\(pad("[node type]", 24))\t\(pad("[first]", 9))\t\(pad("[avg ms]", 9))\t\(pad("[%]", 9))\t\(pad("[cdf%]", 9))\t\(pad("[mem KB]", 9))\t\(pad("[times called]", 14))\t[Name]"
    func table(_ title: String, _ rows: [NodeSummary]) -> [String] {
      var lines = [String(repeating: "=", count: 30) + " \(title) " + String(repeating: "=", count: 30), header]
      var cumulative = 0.0
      for node in rows {
        let avg = averages[node.index] ?? 0
        cumulative += avg
        lines.append("\t\(pad(node.opName, 24))\t\(pad(ms(Double(first[node.index]) / 1e6), 9))\t\(pad(ms(avg), 9))\t\(pad(pct(avg), 9))\t\(pad(pct(cumulative), 9))\t\(pad("0.000", 9))\t\(pad("1", 14))\t[\(node.outputName)]:\(node.index)")
      }
      return lines
    }
    var lines = table("Run Order", ran)
    lines.append("")
    lines += table("Top by Computation Time", Array(ran.sorted { (averages[$0.index] ?? 0) > (averages[$1.index] ?? 0) }.prefix(top)))
    lines.append("")
    // Summary by node type.
    var byType: [String: (count: Int, ms: Double)] = [:]
    for node in ran { byType[node.opName, default: (0, 0)].count += 1; byType[node.opName, default: (0, 0)].ms += averages[node.index] ?? 0 }
    lines.append(String(repeating: "=", count: 30) + " Summary by node type " + String(repeating: "=", count: 30))
    lines.append("\t\(pad("[Node type]", 24))\t\(pad("[count]", 9))\t\(pad("[avg ms]", 9))\t\(pad("[avg %]", 9))\t\(pad("[cdf %]", 9))\t\(pad("[mem KB]", 9))\t\(pad("[times called]", 14))")
    var cumulative = 0.0
    for (type, entry) in byType.sorted(by: { $0.value.ms > $1.value.ms }) {
      cumulative += entry.ms
      lines.append("\t\(pad(type, 24))\t\(pad(String(entry.count), 9))\t\(pad(ms(entry.ms), 9))\t\(pad(pct(entry.ms), 9))\t\(pad(pct(cumulative), 9))\t\(pad("0.000", 9))\t\(pad(String(entry.count), 14))")
    }
    lines.append("")
    lines.append("Timings (microseconds): count=\(runs) avg=\(String(format: "%.1f", total * 1000))")
    lines.append("Nodes run: \(ran.count) of \(nodes.count) (the others were computed while preparing, fused into a later node, or are views of their input)")
    return lines.joined(separator: "\n")
  }
}
