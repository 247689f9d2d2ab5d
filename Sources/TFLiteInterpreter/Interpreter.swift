import Foundation
import TFLiteFormat
import TFLiteKernels

/// Runs one subgraph of a `Model`: plans memory, prepares every kernel, then runs them in order.
///
/// ```swift
/// let interpreter = try Interpreter(model: model)
/// try interpreter.allocateTensors()
/// try interpreter.copy(ids, toInput: 0)            // [Int32], checked against type and shape
/// try interpreter.invoke()
/// let scores: [Float] = try interpreter.output(0)
/// ```
///
/// Memory: every tensor that is not a constant lives in one arena laid out by `MemoryPlanner`;
/// tensors whose lifetimes do not overlap share bytes. Constants are views into the model's
/// buffers (no copy), and so are the outputs of RESHAPE, SQUEEZE and EXPAND_DIMS of their inputs (those
/// nodes do not run). Graph inputs and outputs keep their own bytes for the whole run, so inputs
/// stay set between invocations and outputs stay readable after `invoke()`.
///
/// Threads: an interpreter is used by one thread at a time (it is not `Sendable`); share the
/// `Model` and give each thread its own interpreter.
///
/// Throws: `InterpreterError.unsupportedOperators` at creation, listing every operator (name and
/// version) the resolver lacks; `.kernel` from `allocateTensors()` when a node is malformed.
public final class Interpreter {
  /// Creation options.
  public struct Options: Sendable {
    /// Threads the optimised kernels may use, the calling thread included (the reference
    /// kernels run on the calling thread). Results do not depend on it.
    public var threads: Int
    /// Which kernel runs each operator (by default every builtin from `kernels`).
    public var resolver: OpResolver
    /// The subgraph to run (0, the main graph, unless a signature names another).
    public var subgraphIndex: Int
    /// Keep every intermediate tensor readable after `invoke()` (no memory sharing), for
    /// debugging against another runtime's intermediates. Costs arena memory; turns fusion off.
    public var preserveAllTensors: Bool
    /// Let one optimised kernel run a chain of nodes in a single pass where the graph allows it
    /// (the attention scores' MUL by a scalar → ADD of a mask → SOFTMAX, as `Optimized.MaskedSoftmax`,
    /// and with the BATCH_MATMULs on either side, as `Optimized.Attention`; the head split's RESHAPE →
    /// TRANSPOSE into the FULLY_CONNECTED before it and the head merge's TRANSPOSE into the attention;
    /// residual ADDs and constant MUL, ADD into a FULLY_CONNECTED's epilogue; layer normalisations, with
    /// the × γ + β copy a residual reads, as `Optimized.Rowwise`). Results are bit-identical
    /// to running the chain node by node;
    /// the chain's intermediate tensors then get no memory. Only chains of Glean's own optimised
    /// kernels are fused.
    public var fuseOperators: Bool

    /// `kernels` picks the builtin kernels when no `resolver` is given: `.optimized` (default) or `.reference`.
    public init(threads: Int = 1, kernels: KernelSet = .optimized, resolver: OpResolver? = nil, subgraphIndex: Int = 0,
                preserveAllTensors: Bool = false, fuseOperators: Bool = true) {
      self.threads = threads
      self.resolver = resolver ?? .builtins(kernels)
      self.subgraphIndex = subgraphIndex
      self.preserveAllTensors = preserveAllTensors
      self.fuseOperators = fuseOperators
    }
  }

  public let model: Model
  public let options: Options
  let subgraph: SubgraphDescription

  /// One resolved node of the graph.
  struct Node {
    let kernel: any Kernel
    let name: String
    let version: Int
    let inputs: [Int]   // -1 = omitted
    let outputs: [Int]
    let options: BuiltinOptions
    let customOptions: Range<Int>
    let isCustom: Bool
    /// The builtin operator (`.custom` for custom ops).
    let builtin: BuiltinOperator
  }
  /// The subgraph's nodes as the model lists them.
  let graphNodes: [Node]
  /// The nodes `allocateTensors()` prepared: `graphNodes`, with a fused kernel at the end of each
  /// fused chain (same index, same outputs) and the chain's other nodes marked in `fusedInto`.
  var nodes: [Node]
  /// Threads the kernels share (nil with one thread).
  let threadPool: ThreadPool?

  // Per-tensor state, rebuilt by allocateTensors().
  var shapes: [Shape]
  /// Constant data: model buffers, or values computed while preparing (folded).
  var constants: [UnsafeRawBufferPointer?]
  var views: [TensorView?] = []

  var prepared: [PreparedOp] = []
  var nodeIO: [NodeIO] = []
  /// Nodes whose outputs were computed while preparing; `invoke` skips them.
  var folded: [Bool] = []
  /// For each node a later fused node computes, that node's index (nil for the others); `invoke` skips
  /// these nodes and their outputs get no memory.
  var fusedInto: [Int?] = []
  /// Whether node `i` was fused into a later node.
  func isFusedAway(_ i: Int) -> Bool { fusedInto[i] != nil }
  /// Whether `invoke` runs each node: neither folded nor fused away.
  var runs: [Bool] = []
  var arena: UnsafeMutableRawBufferPointer?
  var foldedStorage: [UnsafeMutableRawBufferPointer] = []
  var isAllocated = false
  /// Input shapes set by `resizeInput(_:to:)`, by tensor index.
  var resizedInputs: [Int: Shape] = [:]
  /// The last memory plan, for tests.
  var lastPlan: (requests: [MemoryPlanner.Request], plan: MemoryPlanner.Plan)?

  /// Bytes of the arena holding every non-constant tensor and scratch buffer (after `allocateTensors()`).
  public internal(set) var arenaBytes = 0

  /// Creates an interpreter for `model`; checks that every operator has a kernel.
  ///
  /// Throws: `InterpreterError.unsupportedOperators` listing every missing operator;
  /// `.invalidModel` when the subgraph or an operator code index does not exist, or when the
  /// graph's dataflow is unsound (see `checkDataflow`).
  public init(model: Model, options: Options = Options()) throws(InterpreterError) {
    self.model = model
    self.options = options
    guard model.subgraphs.indices.contains(options.subgraphIndex) else {
      throw .invalidModel("subgraph \(options.subgraphIndex) does not exist (the model has \(model.subgraphs.count))")
    }
    subgraph = model.subgraphs[options.subgraphIndex]
    let missing = options.resolver.missingOperators(in: model)
    if !missing.isEmpty { throw .unsupportedOperators(missing) }

    var nodes: [Node] = []
    let tensorCount = subgraph.tensors.count
    for (index, op) in subgraph.operators.enumerated() {
      guard model.operatorCodes.indices.contains(op.opcodeIndex) else {
        throw .invalidModel("node \(index) names operator code \(op.opcodeIndex); the model has \(model.operatorCodes.count)")
      }
      for t in op.inputs + op.outputs where t < -1 || Int(t) >= tensorCount || (t == -1 && op.outputs.contains(t)) {
        throw .invalidModel("node \(index) names tensor \(t); the subgraph has \(tensorCount)")
      }
      let code = model.operatorCodes[op.opcodeIndex]
      let kernel: any Kernel
      if code.builtin == .custom {
        let name = code.customName ?? "CUSTOM"
        guard let factory = options.resolver.custom(name) else { throw .unsupportedOperators(["\(name) (custom)"]) }
        do {
          kernel = try model.bytes.withUnsafeBytes { file in
            let range = op.customOptions.clamped(to: 0..<file.count)
            return try factory(UnsafeRawBufferPointer(rebasing: file[range]))
          }
        } catch {
          throw .customOpFailed(name: name, message: "\(error)")
        }
      } else {
        guard let entry = options.resolver.builtin(code) else { throw .unsupportedOperators([code.displayName]) }
        kernel = entry.kernel
      }
      nodes.append(Node(kernel: kernel, name: code.displayName, version: Int(code.version),
                        inputs: op.inputs.map(Int.init), outputs: op.outputs.map(Int.init),
                        options: op.options, customOptions: op.customOptions, isCustom: code.builtin == .custom,
                        builtin: code.builtin))
    }
    try Self.checkDataflow(nodes, in: subgraph, model: model)
    self.graphNodes = nodes
    self.nodes = nodes
    threadPool = options.threads > 1 ? ThreadPool(threads: options.threads) : nil
    shapes = subgraph.tensors.map { Shape(schemaDimensions: $0.shape) }
    constants = Array(repeating: nil, count: tensorCount)
  }

  /// Refuses graphs whose memory plan and fusion would be unsound, before either looks at them:
  /// a tensor written by two nodes (it would get the size of one and be written at the size of
  /// the other), a node writing constant data (the model's buffer, shared or mapped read-only,
  /// would be overwritten), and a node reading a tensor that nothing has written by then (fusion
  /// walks back to producers and assumes they come first). Variables hold state across nodes,
  /// so they may be written by several nodes and read before any; TFLite refuses variables that
  /// carry buffer data, and so does this (allocation would zero the model's buffer).
  static func checkDataflow(_ nodes: [Node], in subgraph: SubgraphDescription, model: Model) throws(InterpreterError) {
    let tensors = subgraph.tensors
    let graphInputs = Set(subgraph.inputs.map(Int.init))
    let hasData = tensors.map { $0.buffer != 0 && model.bufferBytes(Int($0.buffer)).count > 0 }
    var writer = [Int?](repeating: nil, count: tensors.count)
    for (i, node) in nodes.enumerated() {
      for t in node.outputs where !tensors[t].isVariable {
        if let other = writer[t] {
          throw .invalidModel("tensor \(t) \"\(tensors[t].name)\" is written by node \(other) (\(nodes[other].name)) and again by node \(i) (\(node.name))")
        }
        if hasData[t] && !graphInputs.contains(t) {
          throw .invalidModel("tensor \(t) \"\(tensors[t].name)\" has constant data but node \(i) (\(node.name)) writes it")
        }
        writer[t] = i
      }
    }
    for t in tensors.indices where tensors[t].isVariable && hasData[t] {
      throw .invalidModel("variable tensor \(t) \"\(tensors[t].name)\" has buffer data; variables start at zero")
    }
    for (i, node) in nodes.enumerated() {
      for t in node.inputs where t >= 0 && !graphInputs.contains(t) && !tensors[t].isVariable && !hasData[t] {
        guard let w = writer[t], w < i else {
          let by = writer[t].map { " by node \($0) (\(nodes[$0].name)), after it" } ?? " by no node"
          throw .invalidModel("tensor \(t) \"\(tensors[t].name)\" is read by node \(i) (\(node.name)) but has no data and is written\(by)")
        }
      }
    }
  }

  deinit { releaseMemory() }

  func releaseMemory() {
    free(arena?.baseAddress)  // allocated with posix_memalign
    arena = nil
    for buffer in foldedStorage { buffer.deallocate() }
    foldedStorage = []
  }
}
