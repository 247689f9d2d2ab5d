import Foundation
import TFLiteFormat
import TFLiteKernels

extension Interpreter {
  /// The most bytes a node's outputs may take to be computed while preparing (constant folding
  /// of shape arithmetic: SHAPE → STRIDED_SLICE → PACK → RESHAPE chains).
  static let foldingLimitBytes = 1 << 16

  /// The most bytes one tensor, or the whole arena, may take: 2^40 (a terabyte), more than any device
  /// holds. A model asking for more is refused with an error, not left to overflow or abort in malloc.
  static let maxBytes = 1 << 40

  /// Bytes tensor `t` takes at its current shape (elements only, for types without a fixed size).
  ///
  /// Throws: `.invalidModel` when the shape has a negative dimension or the tensor would exceed `maxBytes`.
  func checkedByteCount(ofTensor t: Int) throws(InterpreterError) -> Int {
    let tensor = subgraph.tensors[t]
    guard let count = shapes[t].checkedElementCount, count * (tensor.type.byteSize ?? 1) <= Self.maxBytes else {
      throw .invalidModel("tensor \(t) \"\(tensor.name)\" \(tensor.type) \(shapes[t]) has a negative dimension or needs more than 2^40 bytes")
    }
    return count * (tensor.type.byteSize ?? 1)
  }

  /// Prepares every node and lays out the arena: call once before `invoke()`, and again after
  /// `resizeInput(_:to:)`. Input data set before must be set again afterwards.
  ///
  /// Throws: `InterpreterError.kernel` naming the op, node and tensor a kernel refused;
  /// `.invalidModel` when constant data has the wrong size or a tensor is read but never written.
  public func allocateTensors() throws(InterpreterError) {
    isAllocated = false
    releaseMemory()
    let tensors = subgraph.tensors
    let nodeCount = nodes.count
    shapes = tensors.indices.map { resizedInputs[$0] ?? Shape(schemaDimensions: tensors[$0].shape) }
    constants = Array(repeating: nil, count: tensors.count)
    // Graph inputs always get arena memory (callers write them), even if the model gave them data.
    let inputSet = Set(subgraph.inputs.map(Int.init))
    // The shapes kernels start from are checked here: graph inputs (as declared or resized), constants
    // and variables, so that kernels and the sizes below can multiply dimensions without overflowing.
    // Every other tensor's shape is the one a kernel sets, checked by setOutput and again below; what
    // the model declares for it is not used, so it is not held against the model.
    for t in tensors.indices where inputSet.contains(t) || tensors[t].buffer != 0 || tensors[t].isVariable {
      _ = try checkedByteCount(ofTensor: t)
    }
    for (index, tensor) in tensors.enumerated() where tensor.buffer != 0 && !inputSet.contains(index) {
      let bytes = model.bufferBytes(Int(tensor.buffer))
      guard bytes.count > 0 else { continue }
      if let size = tensor.type.byteSize, bytes.count < size * shapes[index].elementCount {
        throw .invalidModel("tensor \(index) \"\(tensor.name)\" \(tensor.type) \(shapes[index]) needs \(size * shapes[index].elementCount) bytes; its buffer has \(bytes.count)")
      }
      let needed = (tensor.type.byteSize ?? 1) * shapes[index].elementCount
      constants[index] = tensor.type.byteSize == nil ? bytes : UnsafeRawBufferPointer(rebasing: bytes[0..<needed])
    }

    // Prepare every node in order; fold nodes whose inputs are all known; fuse chains.
    prepared = []
    nodes = graphNodes
    folded = Array(repeating: false, count: nodeCount)
    fusedInto = Array(repeating: nil, count: nodeCount)
    let fusion = options.fuseOperators && !options.preserveAllTensors ? FusionContext(self) : nil
    var scratchSizes: [[Int]] = [], scratchKeys: [[String?]] = []
    let derivedConstants = DerivedConstants()
    for i in nodes.indices {
      if let fusion, let chain = fusion.maskedSoftmaxChain(endingAt: i) ?? fusion.attentionChain(endingAt: i)
        ?? fusion.fullyConnectedChain(endingAt: i) ?? fusion.splitEpilogueChain(endingAt: i)
        ?? fusion.rowwiseChain(endingAt: i) ?? fusion.headSplitChain(endingAt: i) ?? fusion.headMergeChain(endingAt: i) {
        nodes[i] = chain.fusedNode
        for j in chain.fusedAway {
          // A chain may take a node fused earlier: what that node had taken is now computed here too.
          for k in fusedInto.indices where fusedInto[k] == j || k == j { fusedInto[k] = i }
          // A fused-away node never runs: drop what it prepared (packed weights, constants).
          prepared[j] = PreparedOp { _ in }
        }
      }
      let node = nodes[i]
      let info = { (t: Int) -> TensorInfo in
        TensorInfo(index: t, name: tensors[t].name, type: tensors[t].type, shape: self.shapes[t],
                   quantization: tensors[t].quantization, constantData: self.constants[t])
      }
      let inputs: [TensorInfo?] = node.inputs.map { $0 < 0 ? nil : info($0) }
      let outputs = node.outputs.map(info)
      let result: Result<(PreparedOp, NodeContext), KernelError> = model.bytes.withUnsafeBytes { file in
        let range = node.customOptions.clamped(to: 0..<file.count)
        var context = NodeContext(opName: node.name, nodeIndex: i, version: node.version, inputs: inputs, outputs: outputs,
                                  options: node.options, customOptions: UnsafeRawBufferPointer(rebasing: file[range]))
        context.threadPool = self.threadPool
        context.derivedConstants = derivedConstants
        do throws(KernelError) {
          let op = try node.kernel.prepare(&context)
          return .success((op, context))
        } catch {
          return .failure(error)
        }
      }
      let (op, context): (PreparedOp, NodeContext)
      switch result {
      case .success(let value): (op, context) = value
      case .failure(let error): throw .kernel(error)
      }
      for (j, t) in node.outputs.enumerated() {
        guard context.outputShapeSet[j] else {
          throw .kernel(KernelError(op: node.name, nodeIndex: i, tensorIndex: t, message: "the kernel did not set the shape of output \(j)"))
        }
        shapes[t] = context.outputs[j].shape
        _ = try checkedByteCount(ofTensor: t)
      }
      prepared.append(op)
      scratchSizes.append(context.scratchSizes)
      scratchKeys.append(context.scratchKeys)
      if canFold(node, outputs: outputs) {
        try fold(i, op: op, scratch: context.scratchSizes)
        folded[i] = true
      }
    }

    // Lifetimes of the tensors that need arena memory.
    let graphInputs = Set(subgraph.inputs.map(Int.init)), graphOutputs = Set(subgraph.outputs.map(Int.init))
    let end = max(nodeCount - 1, 0)
    var first = [Int?](repeating: nil, count: tensors.count), last = [Int?](repeating: nil, count: tensors.count)
    for t in graphInputs.union(tensors.indices.filter { tensors[$0].isVariable }) where constants[t] == nil {
      first[t] = 0
      last[t] = end
    }
    // RESHAPE, SQUEEZE and EXPAND_DIMS move no data, nor does a TRANSPOSE that moves only axes of size 1:
    // their output becomes a view of the bytes of their input (`viewOf`, followed to the tensor that owns
    // memory), and the node does not run.
    var viewOf = [Int?](repeating: nil, count: tensors.count)
    func memoryOwner(_ t: Int) -> Int {
      var r = t
      while let next = viewOf[r] { r = next }
      return r
    }
    var isViewNode = [Bool](repeating: false, count: nodeCount)
    for (i, node) in nodes.enumerated() where !folded[i] && !isFusedAway(i) && (Self.movesNoData(node) || keepsElementOrder(node)) {
      let (input, output) = (node.inputs[0], node.outputs[0])
      guard input >= 0, constants[input] == nil, constants[output] == nil, !tensors[input].isVariable, !tensors[output].isVariable,
            !graphInputs.contains(output), tensors[input].type == tensors[output].type, tensors[input].type.byteSize != nil,
            shapes[input].elementCount == shapes[output].elementCount else { continue }
      viewOf[output] = memoryOwner(input)
      isViewNode[i] = true
    }
    runs = nodes.indices.map { !folded[$0] && !isFusedAway($0) && !isViewNode[$0] }
    for (i, node) in nodes.enumerated() where runs[i] || isViewNode[i] {
      for input in node.inputs where input >= 0 && constants[input] == nil {
        let t = memoryOwner(input)
        guard first[t] != nil else {
          throw .invalidModel("tensor \(input) \"\(tensors[input].name)\" is read by node \(i) (\(node.name)) but no earlier node writes it and it has no data")
        }
        last[t] = max(last[t] ?? i, i)
      }
      for output in node.outputs where constants[output] == nil {
        let t = memoryOwner(output)
        if first[t] == nil { first[t] = i }
        last[t] = max(last[t] ?? i, i)
      }
    }
    for output in graphOutputs where constants[output] == nil {
      let t = memoryOwner(output)
      if first[t] == nil { throw .invalidModel("output tensor \(output) \"\(tensors[output].name)\" is never written") }
      last[t] = end
    }
    if options.preserveAllTensors {
      for t in tensors.indices where first[t] != nil { last[t] = end }
    }
    var requests: [MemoryPlanner.Request] = []
    var requestTensor: [Int?] = []   // the tensor each request is for (nil: scratch)
    for t in tensors.indices {
      guard let f = first[t], let l = last[t] else { continue }
      guard let size = tensors[t].type.byteSize else {
        throw .invalidModel("tensor \(t) \"\(tensors[t].name)\" has type \(tensors[t].type), which Glean's kernels do not handle")
      }
      requests.append(.init(size: size * shapes[t].elementCount, firstUse: f, lastUse: l))  // checked when its shape was set
      requestTensor.append(t)
    }
    // Scratch: a node's own buffers live while it runs; a shared buffer (same key and size) from the first
    // running node that asks for it to the last, and is filled by the first in each run.
    struct SharedScratch: Hashable {
      let key: String
      let size: Int
    }
    var sharedRequest: [SharedScratch: Int] = [:]
    var scratchRequest = scratchSizes.map { $0.map { _ in -1 } }
    var scratchFilled = scratchSizes.map { $0.map { _ in false } }
    for (i, sizes) in scratchSizes.enumerated() where runs[i] {
      for (j, size) in sizes.enumerated() {
        if let key = scratchKeys[i][j] {
          let shared = SharedScratch(key: key, size: size)
          if let r = sharedRequest[shared] {
            requests[r].lastUse = i
            scratchRequest[i][j] = r
            scratchFilled[i][j] = requests[r].firstUse < i
            continue
          }
          sharedRequest[shared] = requests.count
        }
        scratchRequest[i][j] = requests.count
        requests.append(.init(size: size, firstUse: i, lastUse: i))
        requestTensor.append(nil)
      }
    }
    // The arena is at most the sum of the aligned sizes: bounding that sum keeps the planner's offsets from overflowing.
    var total = 0
    for r in requests {
      let (sum, overflow) = total.addingReportingOverflow(min(r.size, Self.maxBytes) + MemoryPlanner.alignment)
      guard !overflow, r.size <= Self.maxBytes, sum <= Self.maxBytes else {
        throw .invalidModel("the tensors and scratch buffers of this graph need more than 2^40 bytes")
      }
      total = sum
    }
    let plan = MemoryPlanner.plan(requests)
    // posix_memalign, not `allocate`, so that a size the machine cannot give is an error rather than an abort.
    let byteCount = max(plan.arenaBytes, MemoryPlanner.alignment)
    var raw: UnsafeMutableRawPointer?
    guard posix_memalign(&raw, MemoryPlanner.alignment, byteCount) == 0, let raw else {
      throw .invalidModel("could not allocate the \(plan.arenaBytes)-byte arena this graph needs")
    }
    let memory = UnsafeMutableRawBufferPointer(start: raw, count: byteCount)
    arena = memory
    arenaBytes = plan.arenaBytes
    let base = memory.baseAddress!
    lastPlan = (requests, plan)

    // Views of every tensor.
    var views = [TensorView?](repeating: nil, count: tensors.count)
    var scratch = scratchSizes.map { $0.map { _ in UnsafeMutableRawBufferPointer(start: base, count: 0) } }
    for (r, tensor) in requestTensor.enumerated() {
      if let t = tensor {
        views[t] = TensorView(type: tensors[t].type, shape: shapes[t], data: base + plan.offsets[r], quantization: tensors[t].quantization)
      }
    }
    for (i, requestsOfNode) in scratchRequest.enumerated() {
      for (j, r) in requestsOfNode.enumerated() where r >= 0 {
        scratch[i][j] = UnsafeMutableRawBufferPointer(start: base + plan.offsets[r], count: requests[r].size)
      }
    }
    for t in tensors.indices where viewOf[t] != nil {
      if let memory = views[memoryOwner(t)] {
        views[t] = TensorView(type: tensors[t].type, shape: shapes[t], data: memory.data, quantization: tensors[t].quantization)
      }
    }
    for t in tensors.indices {
      if let c = constants[t] {
        views[t] = TensorView(type: tensors[t].type, shape: shapes[t], data: UnsafeMutableRawPointer(mutating: c.baseAddress ?? UnsafeRawPointer(base)),
                              quantization: tensors[t].quantization)
      }
    }
    for t in tensors.indices where tensors[t].isVariable {
      if let v = views[t] { v.data.initializeMemory(as: UInt8.self, repeating: 0, count: v.byteCount) }
    }
    self.views = views
    let omitted = TensorView(type: .float32, shape: Shape([0]), data: base)
    nodeIO = nodes.indices.map { i in
      NodeIO(inputs: nodes[i].inputs.map { $0 < 0 ? omitted : (views[$0] ?? omitted) },
             outputs: nodes[i].outputs.map { views[$0] ?? omitted },
             scratch: scratch[i], scratchFilled: scratchFilled[i])
    }
    isAllocated = true
  }

  /// RESHAPE, SQUEEZE and EXPAND_DIMS run by Glean's own kernels: the output's bytes are the input's.
  static func movesNoData(_ node: Node) -> Bool {
    switch node.builtin {
    case .reshape: node.kernel is Reference.Reshape
    case .squeeze: node.kernel is Reference.Squeeze
    case .expandDims: node.kernel is Reference.ExpandDims
    default: false
    }
  }

  /// A TRANSPOSE run by Glean's own kernels whose constant permutation keeps the axes longer than 1 in
  /// their order (it moves only axes of size 1): every element keeps its place in memory.
  private func keepsElementOrder(_ node: Node) -> Bool {
    guard let axes = transposePermutation(node) else { return false }
    let shape = shapes[node.inputs[0]]
    let moved = axes.filter { shape[$0] != 1 }
    return moved == moved.sorted()
  }

  /// The axes of a TRANSPOSE node's constant permutation (output axis a is input axis axes[a]), negative
  /// ones resolved; nil unless it is a valid permutation of its input's axes.
  func transposePermutation(_ node: Node) -> [Int]? {
    guard node.builtin == .transpose, node.kernel is Reference.Transpose || node.kernel is Optimized.Transpose,
          node.inputs.count == 2, node.inputs[0] >= 0, node.inputs[1] >= 0, let data = constants[node.inputs[1]] else { return nil }
    let rank = shapes[node.inputs[0]].rank
    let perm: [Int]
    switch subgraph.tensors[node.inputs[1]].type {
    case .int32 where data.count == 4 * rank: perm = (0..<rank).map { Int(data.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
    case .int64 where data.count == 8 * rank: perm = (0..<rank).map { Int(data.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
    default: return nil
    }
    let axes = perm.map { $0 < 0 ? $0 + rank : $0 }
    guard axes.allSatisfy({ (0..<rank).contains($0) }), Set(axes).count == rank else { return nil }
    return axes
  }

  private func canFold(_ node: Node, outputs: [TensorInfo]) -> Bool {
    if node.isCustom { return false }
    var bytes = 0
    for o in outputs {
      guard let size = o.type.byteSize, constants[o.index] == nil, !subgraph.tensors[o.index].isVariable else { return false }
      bytes += size * shapes[o.index].elementCount
    }
    guard bytes <= Interpreter.foldingLimitBytes else { return false }
    if !node.kernel.readsInputData { return true }
    return node.inputs.allSatisfy { $0 < 0 || constants[$0] != nil }
  }

  /// Runs node `i` now, on constant inputs, into memory owned by the interpreter.
  private func fold(_ i: Int, op: PreparedOp, scratch sizes: [Int]) throws(InterpreterError) {
    let tensors = subgraph.tensors
    let node = nodes[i]
    let scratchBuffers = sizes.map { UnsafeMutableRawBufferPointer.allocate(byteCount: max($0, 1), alignment: MemoryPlanner.alignment) }
    defer { for b in scratchBuffers { b.deallocate() } }
    let placeholder = UnsafeMutableRawPointer(mutating: scratchBuffers.first?.baseAddress ?? UnsafeMutableRawPointer(bitPattern: MemoryPlanner.alignment)!)
    var outputs: [TensorView] = []
    for t in node.outputs {
      let bytes = (tensors[t].type.byteSize ?? 0) * shapes[t].elementCount
      let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes, 1), alignment: MemoryPlanner.alignment)
      foldedStorage.append(storage)
      outputs.append(TensorView(type: tensors[t].type, shape: shapes[t], data: storage.baseAddress!, quantization: tensors[t].quantization))
    }
    let inputs = node.inputs.map { t -> TensorView in
      guard t >= 0 else { return TensorView(type: .float32, shape: Shape([0]), data: placeholder) }
      let data = constants[t]?.baseAddress.map { UnsafeMutableRawPointer(mutating: $0) } ?? placeholder
      return TensorView(type: tensors[t].type, shape: shapes[t], data: data, quantization: tensors[t].quantization)
    }
    op.invoke(NodeIO(inputs: inputs, outputs: outputs, scratch: scratchBuffers))
    for (j, t) in node.outputs.enumerated() {
      constants[t] = UnsafeRawBufferPointer(start: outputs[j].data, count: outputs[j].byteCount)
    }
  }
}
