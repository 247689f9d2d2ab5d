import Foundation
import Testing
import TFLiteFormat
import TFLiteInterpreter
import TestSupport

/// Fusion on the converter-built fixtures — the attention-score chain (MUL by a scalar → ADD of a mask
/// → SOFTMAX), whole attention (with the BATCH_MATMULs on either side), FULLY_CONNECTED epilogues
/// (residual ADD, MUL, ADD) and layer normalisations (MEAN and the element-wise nodes around it): the fused graph's outputs are bit-identical to the unfused optimised graph's
/// on every fixture, and the chains are found where the graphs have them.
@Suite("Operator fusion")
struct OperatorFusionTests {
  static let names: [String] = (try? Golden.allNames()) ?? []

  func run(_ golden: Golden, _ options: Interpreter.Options) throws -> (outputs: [String: [Double]], nodes: [NodeSummary]) {
    let interpreter = try Interpreter(model: try Model(contentsOf: golden.model), options: options)
    try interpreter.run(golden)
    var result: [String: [Double]] = [:]
    for (name, _) in golden.outputs { result[name] = try interpreter.outputValues(named: name) }
    return (result, interpreter.nodeSummaries)
  }

  @Test("fused and unfused optimised graphs give bit-identical outputs", arguments: names)
  func fusedEqualsUnfused(_ name: String) throws {
    let golden = try Golden(name: name)
    for threads in [1, 2] {
      let fused = try run(golden, .init(threads: threads))
      let unfused = try run(golden, .init(threads: threads, fuseOperators: false))
      #expect(fused.outputs == unfused.outputs, "\(name), \(threads) threads")
      #expect(!unfused.nodes.contains { $0.opName.contains("+") }, "\(name): fusion was off")
    }
  }

  @Test("skipping the zeros of RELU outputs in float FULLY_CONNECTEDs changes no output", arguments: names)
  func skippingZerosChangesNothing(_ name: String) throws {
    let golden = try Golden(name: name)
    for threads in [1, 2] {
      let skipping = try run(golden, .init(threads: threads))
      let dense = try Interpreter.withDenseProducts { try run(golden, .init(threads: threads)) }
      #expect(skipping.outputs == dense.outputs, "\(name), \(threads) threads")
    }
  }

  @Test("the attention fixtures fuse every layer's attention; the fused-away nodes do not run")
  func chainsAreFound() throws {
    for name in ["mobilebert_tiny_float", "bert_tiny_float", "attention_mask"] {
      try #require(Self.names.contains(name), "fixture \(name) is missing")
      let golden = try Golden(name: name)
      let unfused = try run(golden, .init(fuseOperators: false)).nodes
      let fused = try run(golden, .init()).nodes
      let softmaxes = unfused.filter { $0.opName == "SOFTMAX" && $0.runs }.count
      let masked = fused.filter { $0.opName.hasSuffix("ADD+SOFTMAX") }
      // (An attention whose output TRANSPOSE it took is "ATTENTION+TRANSPOSE"; the node it replaced stays, not running.)
      let attention = fused.filter { $0.opName.hasPrefix("ATTENTION") && ($0.runs || $0.fusedInto == nil) }
      // Every softmax ends up in a masked softmax; those followed by BATCH_MATMUL inside an attention node.
      #expect(softmaxes > 0 && masked.count == softmaxes, "\(name): \(masked.count) masked softmaxes for \(softmaxes) softmaxes")
      #expect(attention.count + masked.filter(\.runs).count == softmaxes, "\(name): \(attention.count) attention nodes")
      let attentionRuns = attention.allSatisfy { $0.runs }
      #expect(attentionRuns)
      // Nodes that stopped running: the ADD (and MUL) of each masked softmax, for each attention
      // node its first BATCH_MATMUL and the masked softmax itself
      let unfusedRunning = unfused.filter(\.runs).count, fusedRunning = fused.filter(\.runs).count
      // (and the nodes FULLY_CONNECTED epilogues took: one per "+ADD" or "+MUL").
      let epilogues = fused.filter { $0.opName.hasPrefix("FULLY_CONNECTED+") && $0.runs }.reduce(0) { $0 + $1.opName.count(where: { $0 == "+" }) }
      // (and the nodes each layer normalisation took).
      let normalized = fused.filter { node in node.fusedInto.map { fused[$0].opName == "LAYER_NORM" } ?? false }.count
      // (and the TRANSPOSE after each attention that writes its heads merged: "ATTENTION+TRANSPOSE").
      let merged = attention.filter { $0.opName == "ATTENTION+TRANSPOSE" }.count
      let removed = masked.reduce(0) { $0 + ($1.opName.hasPrefix("MUL+") ? 2 : 1) } + 2 * attention.count + epilogues + normalized + merged
      #expect(unfusedRunning - fusedRunning == removed, "\(name)")
    }
  }

  @Test("FULLY_CONNECTED takes the residual ADD, the MUL and the ADD that follow it into its GEMM epilogue",
        arguments: [("fully_connected_epilogue", "FULLY_CONNECTED+ADD+MUL+ADD", 3),
                    ("fully_connected_epilogue_hybrid", "FULLY_CONNECTED+ADD+MUL+ADD", 3),
                    // The residual sum is a graph output and read by the MUL: the epilogue splits, writing
                    // both the sum and the scaled and shifted result.
                    ("fully_connected_epilogue_shared_sum", "FULLY_CONNECTED+ADD+MUL+ADD", 3),
                    // MobileBERT: every residual sum is read on and normalised (NoNorm).
                    ("mobilebert_tiny_float", "FULLY_CONNECTED+ADD+MUL+ADD", nil),
                    ("mobilebert_tiny_dynamic_range", "FULLY_CONNECTED+ADD+MUL+ADD", nil),
                    ("bert_tiny_float", "FULLY_CONNECTED+ADD", nil)])
  func epiloguesAreFound(_ name: String, _ fusedName: String, _ removed: Int?) throws {
    try #require(Self.names.contains(name), "fixture \(name) is missing")
    let golden = try Golden(name: name)
    let unfused = try run(golden, .init(fuseOperators: false))
    let fused = try run(golden, .init())
    let epilogues = fused.nodes.filter { $0.opName == fusedName && $0.runs }
    #expect(!epilogues.isEmpty, "\(name): no \(fusedName) in \(fused.nodes.map(\.opName))")
    if let removed {
      #expect(unfused.nodes.filter(\.runs).count - fused.nodes.filter(\.runs).count == removed, "\(name)")
    }
    // Same bytes as the unfused graph (LiteRTParityTests compares the fused graph with LiteRT).
    #expect(fused.outputs == unfused.outputs, "\(name)")
  }

  @Test("a layer normalisation becomes one LAYER_NORM node with the element-wise nodes before it, in every pattern",
        arguments: [("layer_norm", 11), ("layer_norm_keras", 13), ("rms_norm_keras", 6), ("bert_tiny_float", nil), ("bert_tiny_dynamic_range", nil)])
  func normalizationsAreFound(_ name: String, _ graphNodes: Int?) throws {
    try #require(Self.names.contains(name), "fixture \(name) is missing")
    let golden = try Golden(name: name)
    let unfused = try run(golden, .init(fuseOperators: false))
    for threads in [1, 2] {
      let fused = try run(golden, .init(threads: threads))
      // (A chain fused at one node may be taken whole by a later one: only the last runs.)
      #expect(fused.nodes.contains { $0.opName == "LAYER_NORM" && $0.runs }, "\(name): \(fused.nodes.map(\.opName))")
      // No MEAN is left running on its own, and every node taken points at a node that runs.
      #expect(!fused.nodes.contains { $0.opName == "MEAN" && $0.runs }, "\(name): \(fused.nodes.filter(\.runs).map(\.opName))")
      for node in fused.nodes where node.fusedInto != nil {
        #expect(!node.runs && fused.nodes[node.fusedInto!].runs, "\(name): node \(node.index)")
      }
      if let graphNodes {
        // The single-op fixtures are one chain: it all runs as one node.
        #expect(unfused.nodes.filter(\.runs).count == graphNodes, "\(name)")
        #expect(fused.nodes.filter(\.runs).map(\.opName) == ["LAYER_NORM"], "\(name)")
      }
      #expect(fused.outputs == unfused.outputs, "\(name), \(threads) threads")
    }
  }

  @Test("attention's head split and merge TRANSPOSEs are written in place by the FULLY_CONNECTEDs and the attention",
        arguments: ["bert_tiny_float", "bert_tiny_dynamic_range", "mobilebert_tiny_float", "mobilebert_tiny_dynamic_range"])
  func headTransposesAreFused(_ name: String) throws {
    try #require(Self.names.contains(name), "fixture \(name) is missing")
    let golden = try Golden(name: name)
    let unfused = try run(golden, .init(fuseOperators: false))
    let fused = try run(golden, .init())
    let transposes = unfused.nodes.filter { $0.opName == "TRANSPOSE" && $0.runs }.count
    let splits = fused.nodes.filter { $0.opName == "FULLY_CONNECTED+TRANSPOSE" && $0.runs }.count
    let merges = fused.nodes.filter { $0.opName == "ATTENTION+TRANSPOSE" && $0.runs }.count
    // Per layer: Q, K and V split (3), the output merged (1).
    #expect(transposes > 0 && splits == 3 * merges && splits + merges == transposes, "\(name): \(splits) splits, \(merges) merges of \(transposes)")
    #expect(!fused.nodes.contains { $0.opName == "TRANSPOSE" && $0.runs }, "\(name)")
    #expect(fused.outputs == unfused.outputs, "\(name)")
  }

  @Test("a layer normalisation read by FULLY_CONNECTEDs (γ and β folded into their weights) and, times γ plus β, by the residual writes both",
        arguments: ["bert_tiny_float", "bert_tiny_dynamic_range"])
  func normalizationWritesTheResidualCopy(_ name: String) throws {
    try #require(Self.names.contains(name), "fixture \(name) is missing")
    let golden = try Golden(name: name)
    let unfused = try run(golden, .init(fuseOperators: false))
    let fused = try run(golden, .init())
    // Unfused, each layer norm's copy runs as a MUL and an ADD; fused, no ADD runs (the embeddings' sums and the
    // residuals are taken by the normalisations and the FULLY_CONNECTED epilogues).
    #expect(unfused.nodes.contains { $0.opName == "ADD" && $0.runs })
    #expect(!fused.nodes.contains { $0.opName == "ADD" && $0.runs }, "\(name): \(fused.nodes.filter(\.runs).map(\.opName))")
    #expect(fused.outputs == unfused.outputs, "\(name)")
  }

  @Test("no fusion with the reference kernels or with preserveAllTensors")
  func fusionNeedsOptimizedKernels() throws {
    try #require(Self.names.contains("attention_mask"))
    let golden = try Golden(name: "attention_mask")
    for options in [Interpreter.Options(kernels: .reference), Interpreter.Options(preserveAllTensors: true)] {
      #expect(!(try run(golden, options)).nodes.contains { $0.opName.contains("+") })
    }
  }

  @Test("RESHAPE, SQUEEZE and EXPAND_DIMS become views: they do not run and results stay LiteRT's",
        arguments: ["reshape_minus_one", "reshape_split_heads", "squeeze", "expand_dims"])
  func viewsDoNotRun(_ name: String) throws {
    try #require(Self.names.contains(name), "fixture \(name) is missing")
    let golden = try Golden(name: name)
    let (outputs, nodes) = try run(golden, .init())
    let moving = nodes.filter { ["RESHAPE", "SQUEEZE", "EXPAND_DIMS"].contains($0.opName) }
    #expect(!moving.isEmpty && moving.allSatisfy { !$0.runs }, "\(name): \(moving)")
    for (outputName, expected) in golden.outputs {
      #expect((outputs[outputName] ?? []).map(Float.init) == expected.floats, "\(name) \(outputName): a view must not change a byte")
    }
  }
}
