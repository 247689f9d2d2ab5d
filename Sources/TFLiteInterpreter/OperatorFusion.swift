import TFLiteFormat
import TFLiteKernels

/// Finds chains of nodes that one optimised kernel can run in a single pass, while
/// `allocateTensors()` prepares the graph in order (shapes and constants are known up to the
/// node being prepared).
///
/// A chain is fused only when every intermediate tensor is private to it: read by the next node
/// of the chain alone, not a graph output, not a variable, not constant. The fused node takes the
/// last node's index and outputs; the others are skipped by `invoke()` and get no memory.
struct FusionContext {
  /// A chain found, ready to be swapped in.
  struct Chain {
    /// The node that replaces the chain's last node.
    let fusedNode: Interpreter.Node
    /// The chain's other nodes.
    let fusedAway: [Int]
  }

  unowned let interpreter: Interpreter
  /// The node writing each tensor (nil: none, a graph input or a constant).
  let producer: [Int?]
  /// How many times nodes read each tensor.
  let readers: [Int]
  /// Graph outputs and variables: tensors whose values are observable after `invoke()`.
  let observable: Set<Int>

  init(_ interpreter: Interpreter) {
    self.interpreter = interpreter
    let count = interpreter.subgraph.tensors.count
    var producer = [Int?](repeating: nil, count: count), readers = [Int](repeating: 0, count: count)
    for (i, node) in interpreter.graphNodes.enumerated() {
      for t in node.outputs where t >= 0 { producer[t] = i }
      for t in node.inputs where t >= 0 { readers[t] += 1 }
    }
    self.producer = producer
    self.readers = readers
    observable = Set(interpreter.subgraph.outputs.map(Int.init))
      .union(interpreter.subgraph.tensors.indices.filter { interpreter.subgraph.tensors[$0].isVariable })
  }

  /// Whether tensor `t` is written by node `node`, read once, unobservable, and not known ahead.
  private func isPrivate(_ t: Int, writtenBy node: Int) -> Bool {
    producer[t] == node && readers[t] == 1 && !observable.contains(t) && interpreter.constants[t] == nil
      && !interpreter.folded[node] && interpreter.graphNodes[node].outputs.count == 1
  }

  /// The float scalar in constant tensor `t`, if it is one.
  private func constantScalar(_ t: Int) -> Float? {
    guard t >= 0, interpreter.subgraph.tensors[t].type == .float32, interpreter.shapes[t].elementCount == 1,
          let data = interpreter.constants[t], data.count >= 4 else { return nil }
    return data.loadUnaligned(as: Float.self)
  }

  /// `[MUL(x, scalar) →] ADD(·, mask) → SOFTMAX` ending at node `k`, where the mask has one value per
  /// position of the last axis: `Optimized.MaskedSoftmax`. Only when all three nodes run Glean's
  /// optimised kernels without a fused activation.
  func maskedSoftmaxChain(endingAt k: Int) -> Chain? {
    let nodes = interpreter.graphNodes, shapes = interpreter.shapes, tensors = interpreter.subgraph.tensors
    let softmax = nodes[k]
    guard softmax.builtin == .softmax, softmax.kernel is Optimized.Softmax, softmax.inputs.count == 1,
          case .softmax(let softmaxOptions) = softmax.options else { return nil }
    let scores = softmax.inputs[0]
    guard scores >= 0, let addIndex = producer[scores], isPrivate(scores, writtenBy: addIndex) else { return nil }
    let add = nodes[addIndex]
    guard add.builtin == .add, add.kernel is Optimized.FloatBinary, add.inputs.count == 2,
          case .add(let addOptions) = add.options, addOptions.fusedActivation == .none else { return nil }
    let shape = shapes[scores]
    guard shape.rank >= 1, tensors[scores].type == .float32 else { return nil }
    let depth = shape.dimensions[shape.rank - 1]
    // Which ADD operand is the full score tensor and which the mask row.
    func isMask(_ t: Int) -> Bool {
      t >= 0 && tensors[t].type == .float32 && shapes[t].elementCount == depth && shapes[t].rank <= shape.rank
        && shapes[t].dimensions.dropLast().allSatisfy { $0 == 1 }
    }
    func isFull(_ t: Int) -> Bool { t >= 0 && tensors[t].type == .float32 && shapes[t] == shape }
    let (a, b) = (add.inputs[0], add.inputs[1])
    let full: Int, mask: Int
    if isFull(a) && isMask(b) { (full, mask) = (a, b) } else if isFull(b) && isMask(a) { (full, mask) = (b, a) } else { return nil }

    var x = full, scale: Float? = nil, fusedAway = [addIndex], name = "ADD+SOFTMAX"
    if let mulIndex = producer[full], isPrivate(full, writtenBy: mulIndex) {
      let mul = nodes[mulIndex]
      if mul.builtin == .mul, mul.kernel is Optimized.FloatBinary, mul.inputs.count == 2,
         case .mul(let activation) = mul.options, activation == .none {
        let (p, q) = (mul.inputs[0], mul.inputs[1])
        if let s = constantScalar(q), isFull(p) {
          (x, scale) = (p, s)
        } else if let s = constantScalar(p), isFull(q) {
          (x, scale) = (q, s)
        }
        if scale != nil {
          fusedAway.append(mulIndex)
          name = "MUL+ADD+SOFTMAX"
        }
      }
    }
    let fused = Interpreter.Node(kernel: Optimized.MaskedSoftmax(scale: scale, beta: softmaxOptions.beta), name: "\(name) (fused)",
                                 version: 1, inputs: [x, mask], outputs: softmax.outputs, options: softmax.options,
                                 customOptions: 0..<0, isCustom: false, builtin: .softmax)
    return Chain(fusedNode: fused, fusedAway: fusedAway)
  }

  /// `BATCH_MATMUL(Q, K) → (fused MUL+ADD+SOFTMAX) → BATCH_MATMUL(·, V)` ending at node `j`, where the
  /// masked softmax was fused already (node order: it comes first): `Optimized.Attention`. Q, K and V
  /// must share their batch dimensions (no broadcasting) and both products run Glean's optimised kernel.
  func attentionChain(endingAt j: Int) -> Chain? {
    let graph = interpreter.graphNodes, current = interpreter.nodes, shapes = interpreter.shapes
    let tensors = interpreter.subgraph.tensors
    let second = graph[j]
    guard second.builtin == .batchMatmul, second.kernel is Optimized.BatchMatMul, second.inputs.count == 2 else { return nil }
    let secondOptions: BatchMatMulOptions
    if case .batchMatMul(let o) = second.options { secondOptions = o } else { secondOptions = BatchMatMulOptions() }
    let (probabilities, v) = (second.inputs[0], second.inputs[1])
    guard probabilities >= 0, v >= 0, let softmaxIndex = producer[probabilities], isPrivate(probabilities, writtenBy: softmaxIndex),
          !interpreter.fusedAway[softmaxIndex], let softmax = current[softmaxIndex].kernel as? Optimized.MaskedSoftmax else { return nil }
    let (scores, mask) = (current[softmaxIndex].inputs[0], current[softmaxIndex].inputs[1])
    // The scores were read by the chain's first node (MUL or ADD), now fused away.
    guard let firstIndex = producer[scores], isPrivate(scores, writtenBy: firstIndex) else { return nil }
    let first = graph[firstIndex]
    guard first.builtin == .batchMatmul, first.kernel is Optimized.BatchMatMul, first.inputs.count == 2 else { return nil }
    let firstOptions: BatchMatMulOptions
    if case .batchMatMul(let o) = first.options { firstOptions = o } else { firstOptions = BatchMatMulOptions() }
    let (q, k) = (first.inputs[0], first.inputs[1])
    guard q >= 0, k >= 0, [q, k, v].allSatisfy({ tensors[$0].type == .float32 }) else { return nil }
    guard case .success = Optimized.Attention.dimensions(q: shapes[q], k: shapes[k], v: shapes[v], maskElements: shapes[mask].elementCount,
                                                         first: firstOptions, second: secondOptions) else { return nil }
    let kernel = Optimized.Attention(scale: softmax.scale, beta: softmax.beta, first: firstOptions, second: secondOptions)
    let fused = Interpreter.Node(kernel: kernel, name: "ATTENTION (fused)", version: 1, inputs: [q, k, mask, v],
                                 outputs: second.outputs, options: second.options, customOptions: 0..<0, isCustom: false,
                                 builtin: .batchMatmul)
    return Chain(fusedNode: fused, fusedAway: [firstIndex, softmaxIndex])
  }
}
