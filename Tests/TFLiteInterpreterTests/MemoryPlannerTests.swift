import Foundation
import Testing
@testable import TFLiteInterpreter
import TestSupport

@Suite("Memory planner")
struct MemoryPlannerTests {

  @Test("buffers with disjoint lifetimes share memory; overlapping ones never do")
  func simple() {
    let requests: [MemoryPlanner.Request] = [
      .init(size: 100, firstUse: 0, lastUse: 1),
      .init(size: 100, firstUse: 1, lastUse: 2),
      .init(size: 100, firstUse: 2, lastUse: 3),
    ]
    let plan = MemoryPlanner.plan(requests)
    #expect(MemoryPlanner.overlappingPairs(requests, plan).isEmpty)
    #expect(plan.offsets[0] == plan.offsets[2])  // 0 and 2 never live together
    #expect(plan.arenaBytes == 256)               // two 64-aligned slots of 128
    #expect(plan.offsets.allSatisfy { $0 % MemoryPlanner.alignment == 0 })
  }

  @Test("best fit: a small buffer takes the smallest gap that fits")
  func bestFit() {
    // Big (0...4) at the bottom; A and B alive together above it, then C fits where A was.
    let requests: [MemoryPlanner.Request] = [
      .init(size: 1024, firstUse: 0, lastUse: 0),
      .init(size: 256, firstUse: 1, lastUse: 3),
      .init(size: 512, firstUse: 1, lastUse: 1),
      .init(size: 64, firstUse: 2, lastUse: 2),
    ]
    let plan = MemoryPlanner.plan(requests)
    #expect(MemoryPlanner.overlappingPairs(requests, plan).isEmpty)
    #expect(plan.arenaBytes == 1024)
  }

  @Test("random lifetimes: no two simultaneously live buffers overlap, and the arena is at most the sum", arguments: 0..<20)
  func random(seed: Int) {
    var rng = SplitMix64(seed: UInt64(seed))
    let count = Int.random(in: 1...60, using: &rng)
    let requests = (0..<count).map { _ -> MemoryPlanner.Request in
      let first = Int.random(in: 0..<40, using: &rng)
      return .init(size: Int.random(in: 0...5000, using: &rng), firstUse: first, lastUse: first + Int.random(in: 0..<10, using: &rng))
    }
    let plan = MemoryPlanner.plan(requests)
    #expect(MemoryPlanner.overlappingPairs(requests, plan).isEmpty)
    let sum = requests.reduce(0) { $0 + MemoryPlanner.aligned($1.size) }
    #expect(plan.arenaBytes <= sum)
    // At least the largest set of buffers alive at one step.
    let peak = (0..<50).map { step in requests.filter { $0.firstUse <= step && step <= $0.lastUse }.reduce(0) { $0 + $1.size } }.max() ?? 0
    #expect(plan.arenaBytes >= peak)
  }

  @Test("real graphs: the interpreter's plan has no overlaps and shares memory",
        arguments: ["bert_tiny_float", "mobilebert_tiny_dynamic_range", "mobilebert_tiny_float"])
  func realGraph(name: String) throws {
    let golden = try Golden(name: name)
    let interpreter = try Interpreter(model: try Model(contentsOf: golden.model))
    try interpreter.run(golden)
    let (requests, plan) = try #require(interpreter.lastPlan)
    #expect(MemoryPlanner.overlappingPairs(requests, plan).isEmpty)
    let sum = requests.reduce(0) { $0 + MemoryPlanner.aligned($1.size) }
    #expect(interpreter.arenaBytes < sum / 2, "arena \(interpreter.arenaBytes) of \(sum) bytes without sharing")
    // Preserving every tensor needs at least as much memory and gives the same outputs.
    let preserving = try Interpreter(model: try Model(contentsOf: golden.model), options: .init(preserveAllTensors: true))
    try preserving.run(golden)
    #expect(preserving.arenaBytes >= interpreter.arenaBytes)
    for name in golden.outputs.map(\.name) {
      #expect(try preserving.outputValues(named: name) == interpreter.outputValues(named: name))
    }
  }
}
