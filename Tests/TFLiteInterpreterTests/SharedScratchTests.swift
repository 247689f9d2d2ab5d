import Foundation
import Testing
import TFLiteFormat
import TFLiteKernels
@testable import TFLiteInterpreter
import TestSupport

/// What the probe kernel saw in each run: node index, whether its shared buffer was already filled, and
/// whether the bytes there were the copy of its input an earlier node left.
private final class ScratchLog: @unchecked Sendable {
  private let lock = NSLock()
  private var events: [(node: Int, filled: Bool, intact: Bool, address: Int)] = []
  func record(node: Int, filled: Bool, intact: Bool, address: Int) {
    lock.lock(); defer { lock.unlock() }
    events.append((node, filled, intact, address))
  }
  func take() -> [(node: Int, filled: Bool, intact: Bool, address: Int)] {
    lock.lock(); defer { lock.unlock() }
    defer { events = [] }
    return events
  }
}

/// FULLY_CONNECTED by the reference kernel, plus a shared scratch buffer keyed by the input tensor: the
/// first node to run copies its input there, the later ones check the copy is still there.
private struct SharingProbe: Kernel {
  let log: ScratchLog
  func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
    let op = try Reference.FullyConnected().prepare(&node)
    let input = try node.input(0)
    let bytes = input.shape.elementCount * 4
    let shared = node.requestScratch(bytes: bytes, sharedAs: "copy of tensor \(input.index)")
    let nodeIndex = node.nodeIndex
    return PreparedOp { io in
      let buffer = io.scratch[shared], x = UnsafeRawBufferPointer(start: io.inputs[0].data, count: bytes)
      let filled = io.isScratchFilled(shared)
      if !filled { buffer.copyMemory(from: x) }
      let intact = buffer.elementsEqual(x)
      log.record(node: nodeIndex, filled: filled, intact: intact, address: Int(bitPattern: buffer.baseAddress))
      op.invoke(io)
    }
  }
}

@Suite("Shared scratch buffers")
struct SharedScratchTests {
  /// x (4, 3) → FC → a; a + a → s; x → FC → b; s → FC → c; x → FC → d. Nodes 0, 2 and 4 read x; node 3 reads s.
  static func model() -> Model {
    let weights: [Float] = [1, 2, 3, 4, 5, 6]
    let tensors = [
      TensorDescription(name: "x", type: .float32, shape: [4, 3]),
      TensorDescription(name: "w", type: .float32, shape: [2, 3], buffer: 1),
      TensorDescription(name: "a", type: .float32, shape: [4, 2]),
      TensorDescription(name: "s", type: .float32, shape: [4, 2]),
      TensorDescription(name: "b", type: .float32, shape: [4, 2]),
      TensorDescription(name: "w2", type: .float32, shape: [3, 2], buffer: 1),
      TensorDescription(name: "c", type: .float32, shape: [4, 3]),
      TensorDescription(name: "d", type: .float32, shape: [4, 2]),
    ]
    let codes = [OperatorCode(builtin: .fullyConnected, version: 1), OperatorCode(builtin: .add)]
    let fc = BuiltinOptions.fullyConnected(FullyConnectedOptions())
    let operators = [
      OperatorDescription(opcodeIndex: 0, inputs: [0, 1, -1], outputs: [2], options: fc),
      OperatorDescription(opcodeIndex: 1, inputs: [2, 2], outputs: [3], options: .add(ArithmeticOptions())),
      OperatorDescription(opcodeIndex: 0, inputs: [0, 1, -1], outputs: [4], options: fc),
      OperatorDescription(opcodeIndex: 0, inputs: [3, 5, -1], outputs: [6], options: fc),
      OperatorDescription(opcodeIndex: 0, inputs: [0, 1, -1], outputs: [7], options: fc),
    ]
    let graph = SubgraphDescription(name: "main", tensors: tensors, inputs: [0], outputs: [4, 6, 7], operators: operators)
    return Model(operatorCodes: codes, subgraphs: [graph], bytes: InMemoryBytes(buffers: [[], weights.withUnsafeBytes { Array($0) }]))
  }

  @Test("nodes sharing a key get one buffer, filled by the first each run and intact until the last; the plan has no overlaps")
  func sharing() throws {
    let log = ScratchLog()
    var resolver = OpResolver.builtins(.reference)
    resolver.register(.fullyConnected, kernel: SharingProbe(log: log))
    let interpreter = try Interpreter(model: Self.model(), options: .init(resolver: resolver))
    try interpreter.allocateTensors()
    for run in 0..<2 {
      try interpreter.copy((0..<12).map { Float($0 + 10 * run) }, toInputNamed: "x")
      try interpreter.invoke()
      let events = log.take()
      #expect(events.map(\.node) == [0, 2, 3, 4])
      #expect(events.map(\.filled) == [false, true, false, true], "run \(run)")
      #expect(!events.contains { !$0.intact }, "run \(run): a shared buffer was overwritten while in use")
      #expect(events[0].address == events[1].address && events[1].address == events[3].address)
      #expect(events[2].address != events[0].address, "node 3 shares nothing with the others")
    }
    let (requests, plan) = try #require(interpreter.lastPlan)
    #expect(MemoryPlanner.overlappingPairs(requests, plan).isEmpty)
  }
}
