import TFLiteFormat
import TFLiteKernels

/// One node of the running graph, as a profiler names it.
public struct NodeSummary: Sendable, Equatable {
  /// The node's position in the subgraph (run order).
  public var index: Int
  /// The operator, as "FULLY_CONNECTED" (builtins) or the custom op's name.
  public var opName: String
  /// The operator's version.
  public var version: Int
  /// The name of the node's first output tensor (benchmark_model's "name" column).
  public var outputName: String
  /// Whether the node runs in `invoke()` (false: its outputs were computed while preparing, a later
  /// fused node computes it, or its output is a view of its input: RESHAPE, SQUEEZE, EXPAND_DIMS).
  public var runs: Bool
  /// For a node fused into a later one, that node's index (it computes this node's output now); nil otherwise.
  public var fusedInto: Int? = nil
}

extension Interpreter {
  /// The instruction sets Glean's optimised kernels use on this machine ("avx2+fma", "avx512f+avx512vnni",
  /// "neon+dotprod", "portable", …; see `Optimized.instructionSet`).
  public static var optimizedInstructionSet: String { Optimized.instructionSet }

  /// Runs `body` (say, `invoke()`) with every float FULLY_CONNECTED multiplying all of its input, never skipping
  /// the zeros of a RELU's output: the same results, for measuring what skipping them saves (see
  /// `Optimized.withDenseProducts`). It applies to kernels started from the calling thread while `body` runs;
  /// `body`'s errors are rethrown.
  ///
  /// ```swift
  /// try Interpreter.withDenseProducts { try interpreter.invoke() }
  /// ```
  public static func withDenseProducts<R>(_ body: () throws -> R) rethrows -> R { try Optimized.withDenseProducts(body) }

  /// Every node of the subgraph, in run order (after `allocateTensors()`, `runs` tells which were
  /// folded or fused; a fused node is named after its chain, as "MUL+ADD+SOFTMAX").
  public var nodeSummaries: [NodeSummary] {
    nodes.enumerated().map { i, node in
      let name = node.name.split(separator: " ").first.map(String.init) ?? node.name
      let output = node.outputs.first.map { subgraph.tensors[$0].name } ?? ""
      return NodeSummary(index: i, opName: name, version: node.version, outputName: output,
                         runs: i < runs.count ? runs[i] : true, fusedInto: i < fusedInto.count ? fusedInto[i] : nil)
    }
  }

  /// Runs every node once, like `invoke()`, and returns each node's wall-clock time in
  /// nanoseconds (0 for the nodes that do not run, see `NodeSummary.runs`), indexed like `nodeSummaries`.
  ///
  /// ```swift
  /// let times = try interpreter.invokeProfiled()
  /// for (node, ns) in zip(interpreter.nodeSummaries, times) { print(node.opName, ns) }
  /// ```
  /// Throws: `InterpreterError.notAllocated` before `allocateTensors()`.
  public func invokeProfiled() throws(InterpreterError) -> [UInt64] {
    guard isAllocated else { throw .notAllocated }
    var times = [UInt64](repeating: 0, count: nodes.count)
    let clock = ContinuousClock()
    for i in nodes.indices where runs[i] {
      let start = clock.now
      prepared[i].invoke(nodeIO[i])
      let elapsed = clock.now - start
      let (seconds, attoseconds) = elapsed.components
      times[i] = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
    return times
  }
}
