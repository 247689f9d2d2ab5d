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
  /// The nodes reading each tensor (a node reading it twice appears twice).
  private let readerNodes: [[Int]]
  /// How many times nodes read each tensor.
  let readers: [Int]
  /// Graph outputs and variables: tensors whose values are observable after `invoke()`.
  let observable: Set<Int>

  init(_ interpreter: Interpreter) {
    self.interpreter = interpreter
    let count = interpreter.subgraph.tensors.count
    var producer = [Int?](repeating: nil, count: count), readerNodes = [[Int]](repeating: [], count: count)
    for (i, node) in interpreter.graphNodes.enumerated() {
      for t in node.outputs where t >= 0 { producer[t] = i }
      for t in node.inputs where t >= 0 { readerNodes[t].append(i) }
    }
    self.producer = producer
    self.readerNodes = readerNodes
    self.readers = readerNodes.map(\.count)
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
    guard add.builtin == .add, add.kernel is Optimized.FloatBinary, interpreter.nodes[addIndex].kernel is Optimized.FloatBinary,
          !interpreter.isFusedAway(addIndex), add.inputs.count == 2,
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
      if mul.builtin == .mul, mul.kernel is Optimized.FloatBinary, interpreter.nodes[mulIndex].kernel is Optimized.FloatBinary,
         !interpreter.isFusedAway(mulIndex), mul.inputs.count == 2,
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
          !interpreter.isFusedAway(softmaxIndex), let softmax = current[softmaxIndex].kernel as? Optimized.MaskedSoftmax else { return nil }
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

  // MARK: Attention's head split and merge

  /// `FULLY_CONNECTED → RESHAPE → TRANSPOSE` ending at node `j`, where the RESHAPE splits the last axis N into
  /// heads (H, B) and the TRANSPOSE moves the heads before the rows (M): (M, H, B) → (H, M, B), other axes 1.
  /// One `Optimized.FullyConnected` with a `HeadSplit` stores each head's columns where the TRANSPOSE would have
  /// copied them. Only for a plain FULLY_CONNECTED (no epilogue) on constant weights.
  func headSplitChain(endingAt j: Int) -> Chain? {
    let graph = interpreter.graphNodes, shapes = interpreter.shapes
    let transpose = graph[j]
    guard let perm = interpreter.transposePermutation(transpose), transpose.outputs.count == 1, transpose.outputs[0] >= 0,
          !interpreter.folded[j] else { return nil }
    let split = transpose.inputs[0]
    guard let r = producer[split], isPrivate(split, writtenBy: r), graph[r].builtin == .reshape, !interpreter.isFusedAway(r),
          let product = graph[r].inputs.first, product >= 0, let f = producer[product], isPrivate(product, writtenBy: f),
          isFusableFullyConnected(f), graph[f].outputs == [product], interpreter.nodes[f].kernel is Optimized.FullyConnected,
          interpreter.subgraph.tensors[transpose.outputs[0]].type == .float32 else { return nil }
    let s = shapes[split], out = shapes[transpose.outputs[0]], rank = s.rank
    let weights = shapes[graph[f].inputs[1]]
    guard rank >= 3, out.rank == rank, weights.rank == 2 else { return nil }
    let (h, b) = (s[rank - 2], s[rank - 1]), n = weights[0]
    guard h * b == n, n > 0, s.elementCount % n == 0 else { return nil }
    let m = s.elementCount / n
    // The rows: one axis of size M before (H, B), the others 1; after the TRANSPOSE, H, M, B in that order, last.
    guard m > 1, h > 1, b > 1, s.dimensions.dropLast(2).filter({ $0 != 1 }) == [m],
          let rowAxis = s.dimensions.dropLast(2).firstIndex(of: m),
          perm.filter({ s[$0] != 1 }) == [rank - 2, rowAxis, rank - 1], out[rank - 1] == b, out[rank - 2] == m else { return nil }
    let fc = graph[f]
    let kernel = Optimized.FullyConnected(headSplit: .init(headSize: b, outputShape: out))
    let fused = Interpreter.Node(kernel: kernel, name: "FULLY_CONNECTED+TRANSPOSE (fused)", version: fc.version, inputs: fc.inputs,
                                 outputs: transpose.outputs, options: fc.options, customOptions: 0..<0, isCustom: false,
                                 builtin: .fullyConnected)
    return Chain(fusedNode: fused, fusedAway: [f, r])
  }

  /// `ATTENTION → TRANSPOSE` ending at node `j`, where the TRANSPOSE moves the heads after the rows: (H, M, Dv)
  /// → (M, H, Dv), other axes 1. The attention writes each head's rows where the TRANSPOSE would have copied them.
  func headMergeChain(endingAt j: Int) -> Chain? {
    let graph = interpreter.graphNodes, shapes = interpreter.shapes
    let transpose = graph[j]
    guard let perm = interpreter.transposePermutation(transpose), transpose.outputs.count == 1, transpose.outputs[0] >= 0,
          !interpreter.folded[j] else { return nil }
    let heads = transpose.inputs[0]
    guard let a = producer[heads], isPrivate(heads, writtenBy: a), !interpreter.isFusedAway(a),
          let attention = interpreter.nodes[a].kernel as? Optimized.Attention, attention.mergedOutputShape == nil,
          interpreter.nodes[a].outputs == [heads] else { return nil }
    let s = shapes[heads], out = shapes[transpose.outputs[0]], rank = s.rank
    guard rank >= 3, out.rank == rank else { return nil }
    let (m, dv) = (s[rank - 2], s[rank - 1])
    let batch = s.dimensions.dropLast(2).filter { $0 != 1 }
    guard m > 1, dv > 1, batch.count == 1, let headAxis = s.dimensions.dropLast(2).firstIndex(of: batch[0]),
          perm.filter({ s[$0] != 1 }) == [rank - 2, headAxis, rank - 1],
          Optimized.Attention.isMerged(out, heads: batch[0], m: m, dv: dv) else { return nil }
    let node = interpreter.nodes[a]
    let kernel = Optimized.Attention(scale: attention.scale, beta: attention.beta, first: attention.first, second: attention.second,
                                     mergedOutputShape: out)
    let fused = Interpreter.Node(kernel: kernel, name: "ATTENTION+TRANSPOSE (fused)", version: 1, inputs: node.inputs,
                                 outputs: transpose.outputs, options: node.options, customOptions: 0..<0, isCustom: false,
                                 builtin: .batchMatmul)
    return Chain(fusedNode: fused, fusedAway: [a])
  }

  // MARK: FULLY_CONNECTED epilogues

  /// One element-wise node a FULLY_CONNECTED's GEMM epilogue can take over (see `Optimized.FullyConnected.Epilogue`).
  enum EpilogueStep: Int, Comparable {
    /// ADD of a tensor of the chain's shape.
    case residual = 0
    /// MUL by a constant of 1 or N floats.
    case scale = 1
    /// ADD of a constant of 1 or N floats.
    case shift = 2

    static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
  }

  /// What node `j` would be as an epilogue step reading the chain's tensor `t` (shape `shape`), and its other
  /// operand: an ADD or MUL on Glean's optimised float kernel, not fused into anything, without an activation.
  private func epilogueStep(_ j: Int, reading t: Int, shape: Shape) -> (step: EpilogueStep, operand: Int)? {
    let node = interpreter.graphNodes[j], tensors = interpreter.subgraph.tensors
    guard node.builtin == .add || node.builtin == .mul, node.kernel is Optimized.FloatBinary,
          interpreter.nodes[j].kernel is Optimized.FloatBinary, !interpreter.isFusedAway(j), !interpreter.folded[j],
          node.inputs.count == 2, node.outputs.count == 1, tensors[node.outputs[0]].type == .float32 else { return nil }
    switch node.options {
    case .add(let o) where o.fusedActivation == .none: break
    case .mul(let activation) where activation == .none: break
    default: return nil
    }
    let (a, b) = (node.inputs[0], node.inputs[1])
    guard a != b, a == t || b == t else { return nil }
    let other = a == t ? b : a
    guard other >= 0, tensors[other].type == .float32, shape.rank >= 1 else { return nil }
    let otherShape = interpreter.shapes[other], n = shape.dimensions[shape.rank - 1]
    if interpreter.constants[other] != nil {
      // A constant broadcast along the rows: 1 or N values, leading dimensions 1, no new dimensions.
      let count = otherShape.elementCount
      guard count == 1 || (count == n && otherShape.dimensions.last == n), otherShape.rank <= shape.rank,
            otherShape.dimensions.dropLast().allSatisfy({ $0 == 1 }) else { return nil }
      return (node.builtin == .mul ? .scale : .shift, other)
    }
    guard node.builtin == .add, otherShape == shape else { return nil }
    return (.residual, other)
  }

  /// The FULLY_CONNECTED and the epilogue steps of a chain ending at node `j`, walking back through
  /// private tensors; steps in chain order.
  private func epilogueChain(endingAt j: Int, depth: Int = 0) -> (fullyConnected: Int, steps: [(node: Int, step: EpilogueStep, operand: Int)])? {
    let node = interpreter.graphNodes[j]
    guard depth < 3, node.builtin == .add || node.builtin == .mul, node.inputs.count == 2 else { return nil }
    for x in node.inputs where x >= 0 {
      guard let p = producer[x], isPrivate(x, writtenBy: p), let step = epilogueStep(j, reading: x, shape: interpreter.shapes[x]) else { continue }
      if isFusableFullyConnected(p) {
        return (p, [(j, step.step, step.operand)])
      }
      if let earlier = epilogueChain(endingAt: p, depth: depth + 1), let last = earlier.steps.last, last.step < step.step {
        return (earlier.fullyConnected, earlier.steps + [(j, step.step, step.operand)])
      }
    }
    return nil
  }

  /// A FULLY_CONNECTED node running `Optimized.FullyConnected` on constant weights (float or hybrid), with
  /// an activation its epilogue clamps (or none), not yet fused.
  private func isFusableFullyConnected(_ p: Int) -> Bool {
    let node = interpreter.graphNodes[p]
    guard node.builtin == .fullyConnected, let kernel = interpreter.nodes[p].kernel as? Optimized.FullyConnected,
          kernel.epilogue == nil, !interpreter.isFusedAway(p), !interpreter.folded[p], node.inputs.count >= 2,
          case .fullyConnected(let options) = node.options, options.weightsFormat == 0,
          options.fusedActivation == .none || Optimized.FullyConnected.clamp(for: options.fusedActivation) != nil else { return false }
    let (input, weights) = (node.inputs[0], node.inputs[1])
    let tensors = interpreter.subgraph.tensors
    guard input >= 0, weights >= 0, tensors[input].type == .float32, interpreter.constants[weights] != nil,
          tensors[weights].type == .float32 || (tensors[weights].type == .int8 && tensors[weights].quantization != nil),
          interpreter.shapes[weights].rank == 2 else { return false }
    return true
  }

  /// Whether the node reading node `j`'s output (privately) is a later epilogue step than `last`: then the
  /// chain is not fused at `j` but at that node, whole (only the longest chain is fused).
  private func nextStepExtends(endingAt j: Int, after last: EpilogueStep) -> Bool {
    let graph = interpreter.graphNodes, output = graph[j].outputs[0]
    guard isPrivate(output, writtenBy: j), let reader = graph.indices.first(where: { graph[$0].inputs.contains(output) }), reader > j,
          let next = epilogueStep(reader, reading: output, shape: interpreter.shapes[output]) else { return false }
    return next.step != .residual && last < next.step
  }

  /// `FULLY_CONNECTED → [ADD residual] → [MUL constant] → [ADD constant]` ending at node `j` (at least one
  /// step, in that order): one `Optimized.FullyConnected` with an epilogue. Only the longest chain is fused:
  /// nil at `j` when the next node would extend it.
  func fullyConnectedChain(endingAt j: Int) -> Chain? {
    guard let (fc, steps) = epilogueChain(endingAt: j) else { return nil }
    let graph = interpreter.graphNodes
    if let last = steps.last, nextStepExtends(endingAt: j, after: last.step) { return nil }
    let fullyConnected = graph[fc]
    var inputs = Array(fullyConnected.inputs.prefix(3))
    if inputs.count < 3 { inputs.append(-1) }
    inputs += steps.map(\.operand)
    let epilogue = Optimized.FullyConnected.Epilogue(residual: steps.contains { $0.step == .residual },
                                                     scale: steps.contains { $0.step == .scale },
                                                     shift: steps.contains { $0.step == .shift })
    let fusedAway = [fc] + steps.dropLast().map(\.node)
    let fused = Interpreter.Node(kernel: Optimized.FullyConnected(epilogue: epilogue), name: "FULLY_CONNECTED\(epilogue) (fused)",
                                 version: fullyConnected.version, inputs: inputs, outputs: graph[j].outputs, options: fullyConnected.options,
                                 customOptions: 0..<0, isCustom: false, builtin: .fullyConnected)
    return Chain(fusedNode: fused, fusedAway: fusedAway)
  }

  /// `[MUL constant] → [ADD constant]` ending at node `j`, reading the output of a FULLY_CONNECTED whose
  /// residual ADD was fused already, when that residual sum has readers besides the MUL (so the chain
  /// could not take it as a private tensor): the fused node writes both the sum and the scaled and
  /// shifted result, an epilogue that splits. MobileBERT normalises (NoNorm) and reads on every residual
  /// sum. Only when every other reader of the sum comes after `j`, where the sum is now written.
  func splitEpilogueChain(endingAt j: Int) -> Chain? {
    let graph = interpreter.graphNodes
    var steps: [(node: Int, step: EpilogueStep, operand: Int)] = []
    var k = j, fused: Int? = nil, sum = -1
    walk: while steps.count < 2 {
      let node = graph[k]
      guard node.builtin == .add || node.builtin == .mul, node.inputs.count == 2 else { return nil }
      for x in node.inputs where x >= 0 {
        guard let p = producer[x], let step = epilogueStep(k, reading: x, shape: interpreter.shapes[x]), step.step != .residual else { continue }
        if let kernel = interpreter.nodes[p].kernel as? Optimized.FullyConnected, !interpreter.isFusedAway(p),
           kernel.epilogue == .init(residual: true), interpreter.nodes[p].outputs == [x] {
          steps.insert((k, step.step, step.operand), at: 0)
          (fused, sum) = (p, x)
          break walk
        }
        if isPrivate(x, writtenBy: p) {
          steps.insert((k, step.step, step.operand), at: 0)
          k = p
          continue walk
        }
      }
      return nil
    }
    guard let fc = fused, let first = steps.first, steps.count == 1 || steps[0].step < steps[1].step else { return nil }
    // The sum's other readers must come after j; it must not be a graph input or variable.
    let tensors = interpreter.subgraph.tensors
    guard !tensors[sum].isVariable, interpreter.constants[sum] == nil,
          graph.indices.allSatisfy({ r in r == first.node || r > j || !graph[r].inputs.contains(sum) }) else { return nil }
    if let last = steps.last, nextStepExtends(endingAt: j, after: last.step) { return nil }
    let node = interpreter.nodes[fc]
    let epilogue = Optimized.FullyConnected.Epilogue(residual: true, scale: steps.contains { $0.step == .scale },
                                                     shift: steps.contains { $0.step == .shift }, split: true)
    let splitNode = Interpreter.Node(kernel: Optimized.FullyConnected(epilogue: epilogue), name: "FULLY_CONNECTED\(epilogue) (fused)",
                                     version: node.version, inputs: node.inputs + steps.map(\.operand), outputs: [sum, graph[j].outputs[0]],
                                     options: node.options, customOptions: 0..<0, isCustom: false, builtin: .fullyConnected)
    return Chain(fusedNode: splitNode, fusedAway: [fc] + steps.dropLast().map(\.node))
  }

  // MARK: Row-wise chains (layer normalisation)

  /// The row-wise step node `p` would be, when it runs one of the kernels `Optimized.Rowwise` reproduces:
  /// ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE on Glean's optimised float kernel without an activation; MEAN over
  /// the last axis only, keeping it, on Glean's optimised kernel; RSQRT, SQRT, SQUARE or NEG on FLOAT32.
  private func rowwiseOperation(_ p: Int) -> Optimized.Rowwise.Operation? {
    let node = interpreter.graphNodes[p], tensors = interpreter.subgraph.tensors
    guard !interpreter.isFusedAway(p), !interpreter.folded[p], node.outputs.count == 1, node.outputs[0] >= 0,
          tensors[node.outputs[0]].type == .float32, !node.inputs.isEmpty,
          node.inputs.allSatisfy({ $0 >= 0 }) else { return nil }
    switch node.builtin {
    case .add, .sub, .mul, .div, .squaredDifference:
      guard node.inputs.count == 2, node.kernel is Optimized.FloatBinary, interpreter.nodes[p].kernel is Optimized.FloatBinary,
            node.inputs.allSatisfy({ tensors[$0].type == .float32 }) else { return nil }
      switch node.options {
      case .add(let o) where o.fusedActivation == .none: return .add
      case .sub(let o) where o.fusedActivation == .none: return .sub
      case .mul(let f) where f == .none: return .mul
      case .div(let f) where f == .none: return .div
      case .none where node.builtin == .squaredDifference: return .squaredDifference
      default: return nil
      }
    case .mean:
      guard node.inputs.count == 2, node.kernel is Optimized.Mean, interpreter.nodes[p].kernel is Optimized.Mean,
            tensors[node.inputs[0]].type == .float32, case .reducer(let options) = node.options, options.keepDims,
            let axes = interpreter.constants[node.inputs[1]], tensors[node.inputs[1]].type == .int32, axes.count == 4 else { return nil }
      let rank = interpreter.shapes[node.inputs[0]].rank, axis = Int(axes.loadUnaligned(as: Int32.self))
      return rank >= 1 && (axis == rank - 1 || axis == -1) ? .mean : nil
    case .rsqrt, .sqrt, .square, .neg:
      guard node.inputs.count == 1, tensors[node.inputs[0]].type == .float32 else { return nil }
      switch node.builtin {
      case .rsqrt: return .rsqrt
      case .sqrt: return .sqrt
      case .square: return .square
      default: return .neg
      }
    default:
      return nil
    }
  }

  /// What a chain can take of node `p`: its operands (tensors), steps and results (tensors it writes, with the
  /// step computing each), operand k being value k and the unit's step s value operands.count + s, as in
  /// `Optimized.Rowwise`. A row-wise graph node is one step (MEAN's axes are not an operand); a row-wise chain
  /// fused earlier brings its inputs, steps and outputs, so chains grow through it.
  private func rowwiseUnit(_ p: Int) -> RowwiseUnit? {
    if let operation = rowwiseOperation(p) {
      let inputs = interpreter.graphNodes[p].inputs, output = interpreter.graphNodes[p].outputs[0]
      return operation.isBinary ? RowwiseUnit(operands: [inputs[0], inputs[1]], steps: [.init(operation, 0, 1)], results: [(output, 0)])
                                : RowwiseUnit(operands: [inputs[0]], steps: [.init(operation, 0)], results: [(output, 0)])
    }
    let node = interpreter.nodes[p]
    guard !interpreter.isFusedAway(p), let kernel = node.kernel as? Optimized.Rowwise, node.outputs.count == kernel.outputSteps.count else { return nil }
    return RowwiseUnit(operands: node.inputs, steps: kernel.steps, results: Array(zip(node.outputs, kernel.outputSteps)))
  }

  private struct RowwiseUnit {
    var operands: [Int]
    var steps: [Optimized.Rowwise.Step]
    var results: [(tensor: Int, step: Int)]
  }

  /// The largest chain of row-wise nodes ending at node `j` whose tensors are read inside it, when it holds
  /// a MEAN over the rows: one `Optimized.Rowwise` named LAYER_NORM (layer normalisation: MEAN,
  /// SQUARED_DIFFERENCE, MEAN, ADD, RSQRT, SUB, MUL, MUL, ADD; RMS normalisation; the element-wise nodes
  /// before them, like the embeddings' sums). A result also read after `j` becomes a further output of the
  /// node: a normalisation whose rows the next FULLY_CONNECTEDs read (their γ and β folded into the weights)
  /// and whose `× γ + β` copy the residual reads is one node writing both. A chain fused at an earlier node
  /// is taken in whole. Chains without a MEAN are left to the FULLY_CONNECTED epilogues and the masked
  /// softmax, which take their element-wise nodes; those are tried first at every node, so they have fused
  /// what they take before a normalisation's last node is reached.
  func rowwiseChain(endingAt j: Int) -> Chain? {
    // With results read after j first; if that chain does not form, the one read only inside.
    rowwiseChain(endingAt: j, exporting: true) ?? rowwiseChain(endingAt: j, exporting: false)
  }

  private func rowwiseChain(endingAt j: Int, exporting: Bool) -> Chain? {
    let graph = interpreter.graphNodes, tensors = interpreter.subgraph.tensors, shapes = interpreter.shapes
    guard let lastOperation = rowwiseOperation(j), lastOperation != .mean, let last = rowwiseUnit(j) else { return nil }
    let fullCount = shapes[graph[j].outputs[0]].elementCount
    // Grow backwards: take a producer when everything that reads its results is in the chain (a reader fused
    // into a node of the chain counts as that node) or, when exporting, comes after j, where a full result is
    // then written.
    var units: [Int: RowwiseUnit] = [j: last]
    func isTaken(_ reader: Int) -> Bool { units[interpreter.fusedInto[reader] ?? reader] != nil }
    var grew = true
    while grew {
      grew = false
      for node in units.keys.sorted(by: >) {
        for t in units[node]!.operands {
          // The node that writes t now: its graph producer, or the chain that took it.
          guard let g = producer[t], interpreter.constants[t] == nil else { continue }
          let p = interpreter.fusedInto[g] ?? g
          guard units[p] == nil, let unit = rowwiseUnit(p), unit.results.contains(where: { $0.tensor == t }) else { continue }
          let takeable = unit.results.allSatisfy { r in
            !observable.contains(r.tensor) && !tensors[r.tensor].isVariable
              && readerNodes[r.tensor].allSatisfy { reader in
                isTaken(reader) || (interpreter.fusedInto[reader] ?? reader) == p
                  || (exporting && reader > j && shapes[r.tensor].elementCount == fullCount)
              }
          }
          guard takeable else { continue }
          units[p] = unit
          grew = true
        }
      }
    }
    // Steps in node order; operands are the chain's inputs (first use order) or earlier units' results (a unit's
    // results are read only after it: a result read by an earlier node would not have been taken).
    let ordered = units.keys.sorted()
    var computedBy: [Int: Int] = [:]
    for (node, unit) in units { for r in unit.results { computedBy[r.tensor] = node } }
    // A unit reading a result of its own or of a later unit (a variable updated in place) has no value to
    // start from inside the chain: leave such a chain unfused.
    for node in ordered where units[node]!.operands.contains(where: { computedBy[$0].map { $0 >= node } ?? false }) { return nil }
    let computed = Set(computedBy.keys)
    var inputs: [Int] = []
    for node in ordered {
      for t in units[node]!.operands where !computed.contains(t) && !inputs.contains(t) { inputs.append(t) }
    }
    var steps: [Optimized.Rowwise.Step] = [], resultOf: [Int: Int] = [:]   // tensor → step index
    for node in ordered {
      let unit = units[node]!
      let first = steps.count
      func value(_ local: Int) -> Int {
        if local >= unit.operands.count { return inputs.count + first + local - unit.operands.count }
        let t = unit.operands[local]
        return resultOf[t].map { inputs.count + $0 } ?? inputs.firstIndex(of: t)!
      }
      for step in unit.steps { steps.append(.init(step.operation, value(step.a), step.b.map(value))) }
      for (tensor, step) in unit.results { resultOf[tensor] = first + step }
    }
    // Outputs: j's result, then every result read after j.
    var outputs = [graph[j].outputs[0]]
    for node in ordered where node != j {
      for (tensor, _) in units[node]!.results where readerNodes[tensor].contains(where: { $0 > j }) { outputs.append(tensor) }
    }
    let outputSteps = outputs.map { resultOf[$0]! }
    guard steps.count >= 2, steps.contains(where: { $0.operation == .mean }),
          case .success = Optimized.Rowwise.outputShape(inputs: inputs.map { shapes[$0] }, steps: steps, outputSteps: outputSteps) else { return nil }
    let fused = Interpreter.Node(kernel: Optimized.Rowwise(steps: steps, outputSteps: outputSteps), name: "LAYER_NORM (fused)",
                                 version: 1, inputs: inputs, outputs: outputs, options: .none, customOptions: 0..<0,
                                 isCustom: false, builtin: graph[j].builtin)
    return Chain(fusedNode: fused, fusedAway: ordered.filter { $0 != j })
  }
}
