import CKernels
import TFLiteFormat

extension Optimized {
  /// A fused chain of row-wise float ops: inputs (R..., N) — full, per row (R..., 1), a row vector of N
  /// values (leading 1s) or a scalar — → output (R..., N), FLOAT32.
  ///
  /// Layer normalisation as converters write it (MEAN over the last axis, SQUARED_DIFFERENCE, MEAN, ADD ε,
  /// RSQRT, SUB, MUL, MUL γ, ADD β), RMS normalisation and similar chains: nine nodes that each stream the
  /// whole activation through memory become one pass over blocks of rows whose intermediate values stay in
  /// cache. Each step computes what its unfused kernel computes (`FloatBinary`, `Mean`, the reference
  /// RSQRT, SQRT, SQUARE, NEG), element by element in the same order, so the output is bit-identical to
  /// the unfused chain's.
  ///
  /// The node's outputs are the results of `outputSteps` (by default the last step's): a layer norm whose
  /// normalised rows the next FULLY_CONNECTEDs read and whose γ, β copy the residual reads writes both in
  /// one pass.
  ///
  /// The interpreter builds it when it finds such a chain (see `Interpreter.Options.fuseOperators`).
  ///
  /// ```swift
  /// // y = x − mean(x): inputs [x]; value 1 is step 0's result, value 2 step 1's.
  /// let kernel = Optimized.Rowwise(steps: [.init(.mean, 0), .init(.sub, 0, 1)])
  /// // Outputs x − mean(x) and 2 · (x − mean(x)): inputs [x, 2].
  /// let twoOutputs = Optimized.Rowwise(steps: [.init(.mean, 0), .init(.sub, 0, 2), .init(.mul, 3, 1)], outputSteps: [1, 2])
  /// ```
  public struct Rowwise: Kernel {
    /// What a step computes.
    public enum Operation: Int32, Sendable {
      case add = 0, sub = 1, mul = 2, div = 3, squaredDifference = 4
      /// The mean along the row (MEAN over the last axis, keeping it): a full operand, a per-row result.
      case mean = 16
      case rsqrt = 17, sqrt = 18, square = 19, neg = 20

      /// Whether the operation reads a second operand.
      public var isBinary: Bool { rawValue <= 4 }
    }

    /// One step: `operation(a, b)`. Operand v names input v when v < the node's input count, otherwise the
    /// result of step v − input count. The last step's result is the node's output.
    public struct Step: Sendable, Equatable {
      public let operation: Operation
      public let a: Int
      public let b: Int?

      public init(_ operation: Operation, _ a: Int, _ b: Int? = nil) {
        self.operation = operation
        self.a = a
        self.b = b
      }
    }

    /// What a value holds for an output of R rows of N.
    enum Kind: Int32 {
      case full = 0, perRow = 1, rowVector = 2, scalar = 3
    }

    public let steps: [Step]
    /// The steps whose results are the node's outputs, in output order; each computes a full value.
    public let outputSteps: [Int]

    /// `outputSteps` nil: one output, the last step's result.
    public init(steps: [Step], outputSteps: [Int]? = nil) {
      self.steps = steps
      self.outputSteps = outputSteps ?? [steps.count - 1]
    }

    /// Why inputs and steps do not form a row-wise chain.
    public struct Mismatch: Error {
      public let reason: String
    }

    /// The output's shape of the chain these steps make of inputs of these shapes, or why they do not make
    /// one (the rules of `prepare`). The interpreter asks before it fuses nodes into this kernel.
    ///
    /// ```swift
    /// let shape = try Optimized.Rowwise.outputShape(inputs: [Shape([1, 13, 24])], steps: [.init(.mean, 0), .init(.sub, 0, 1)]).get()
    /// ```
    public static func outputShape(inputs: [Shape], steps: [Step], outputSteps: [Int]? = nil) -> Result<Shape, Mismatch> {
      plan(inputs: inputs, steps: steps, outputSteps: outputSteps ?? [steps.count - 1]).map(\.output)
    }

    /// The checked chain: the output's shape and what each input and each step's result holds.
    struct Plan {
      let output: Shape
      let inputKinds: [Kind]
      let resultKinds: [Kind]
    }

    /// The chain these steps make of inputs of these shapes, or why they do not make one: the outputs have the
    /// shape of the largest input (of the highest rank among equals), every input is full, per row, a row vector or a scalar for it, steps read
    /// only what comes before them, a MEAN reads a full value, every result is full or per row, the last
    /// one is full and an output, and the output steps are distinct steps with full results.
    static func plan(inputs: [Shape], steps: [Step], outputSteps: [Int]) -> Result<Plan, Mismatch> {
      guard !steps.isEmpty, steps.count <= 64 else { return .failure(Mismatch(reason: "a row-wise chain needs 1 to 64 steps, not \(steps.count)")) }
      // The largest input, and of equal ones the one of highest rank ([1, S, H] + [S, H] is [1, S, H]).
      guard let full = inputs.max(by: { ($0.elementCount, $0.rank) < ($1.elementCount, $1.rank) }), full.rank >= 1,
            full.dimensions[full.rank - 1] >= 2 else {
        return .failure(Mismatch(reason: "a row-wise chain needs an input with rows of 2 or more values"))
      }
      var kinds: [Kind] = []
      for shape in inputs {
        guard let kind = kind(of: shape, in: full) else {
          return .failure(Mismatch(reason: "input \(shape) is neither \(full), one value per row, a row of \(full.dimensions[full.rank - 1]) values nor a scalar"))
        }
        kinds.append(kind)
      }
      var resultKinds: [Kind] = []
      for (s, step) in steps.enumerated() {
        let available = inputs.count + s
        guard (0..<available).contains(step.a), step.operation.isBinary == (step.b != nil),
              step.b.map({ (0..<available).contains($0) }) ?? true else {
          return .failure(Mismatch(reason: "step \(s) reads operands that are not computed before it"))
        }
        let a = kinds[step.a]
        let result: Kind
        switch step.operation {
        case .mean:
          guard a == .full else { return .failure(Mismatch(reason: "step \(s): MEAN of a value that is not a full row")) }
          result = .perRow
        case .rsqrt, .sqrt, .square, .neg:
          result = a
        default:
          result = combined(a, kinds[step.b ?? step.a])
        }
        guard result == .full || result == .perRow else {
          return .failure(Mismatch(reason: "step \(s) computes a value that does not depend on the rows"))
        }
        kinds.append(result)
        resultKinds.append(result)
      }
      guard resultKinds.last == .full else { return .failure(Mismatch(reason: "the last step must compute a full \(full)")) }
      guard outputSteps.contains(steps.count - 1), Set(outputSteps).count == outputSteps.count,
            outputSteps.allSatisfy({ resultKinds.indices.contains($0) && resultKinds[$0] == .full }) else {
        return .failure(Mismatch(reason: "outputs \(outputSteps) must be distinct steps with full results, the last among them"))
      }
      return .success(Plan(output: full, inputKinds: Array(kinds.prefix(inputs.count)), resultKinds: resultKinds))
    }

    /// Throws: `KernelError` unless the inputs are 1 to 64 FLOAT32 tensors that, with the steps, make a chain
    /// (see `plan`), and the node has one output per output step.
    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 1...64, outputs: outputSteps.count...outputSteps.count)
      let inputCount = node.inputs.count
      var inputs: [TensorInfo] = []
      for i in 0..<inputCount { inputs.append(try node.input(i, types: [.float32])) }
      let plan: Plan
      switch Self.plan(inputs: inputs.map(\.shape), steps: steps, outputSteps: outputSteps) {
      case .success(let value): plan = value
      case .failure(let mismatch): throw node.error(mismatch.reason)
      }
      let full = plan.output, n = full.dimensions[full.rank - 1], rows = full.elementCount / n
      for o in outputSteps.indices { try node.setOutput(o, shape: full, type: .float32) }

      let pool = node.threadPool?.pool
      if let form = Self.layerNormForm(steps: steps, inputKinds: plan.inputKinds) {
        return prepareLayerNorm(form, outputs: outputSteps, pool: pool, rows: rows, n: n)
      }
      let threads = Int(glean_pool_threads(pool))
      let cSteps = steps.map { glean_rowwise_step(op: $0.operation.rawValue, a: Int32($0.a), b: Int32($0.b ?? -1)) }
      let cResultKinds = plan.resultKinds.map(\.rawValue), cInputKinds = plan.inputKinds.map(\.rawValue)
      let cOutputSteps = outputSteps.map { Int32($0) }, outputCount = outputSteps.count
      let scratchFloats = glean_rowwise_scratch_floats(cResultKinds, Int32(steps.count), cOutputSteps, Int32(outputCount), n, Int32(threads))
      let scratch = node.requestScratch(bytes: scratchFloats * 4)
      // Fixed-size tables the invoke path reads without allocating.
      let stepTable = PersistentBuffer(bytes: cSteps.count * MemoryLayout<glean_rowwise_step>.stride)
      let kindTable = PersistentBuffer(bytes: (cResultKinds.count + cInputKinds.count) * 4)
      let inputTable = PersistentBuffer(bytes: inputCount * MemoryLayout<UnsafePointer<Float>?>.stride)
      let outputTable = PersistentBuffer(bytes: outputCount * MemoryLayout<UnsafeMutablePointer<Float>?>.stride)
      let outputStepTable = PersistentBuffer(bytes: outputCount * 4)
      for (i, step) in cSteps.enumerated() { stepTable.pointer(glean_rowwise_step.self)[i] = step }
      for (i, kind) in (cResultKinds + cInputKinds).enumerated() { kindTable.pointer(Int32.self)[i] = kind }
      for (o, step) in cOutputSteps.enumerated() { outputStepTable.pointer(Int32.self)[o] = step }
      let stepCount = Int32(steps.count), inputs32 = Int32(inputCount)
      return PreparedOp { io in
        let pointers = inputTable.pointer(UnsafePointer<Float>?.self)
        for i in 0..<inputCount { pointers[i] = UnsafePointer(io.inputs[i].floats.baseAddress) }
        let outputPointers = outputTable.pointer(UnsafeMutablePointer<Float>?.self)
        for o in 0..<outputCount { outputPointers[o] = io.outputs[o].floats.baseAddress }
        let kindPointer = kindTable.pointer(Int32.self)
        glean_rowwise_f32(pool, stepTable.pointer(glean_rowwise_step.self), kindPointer, stepCount, pointers,
                          kindPointer + Int(stepCount), inputs32, outputPointers, outputStepTable.pointer(Int32.self), Int32(outputCount), rows, n,
                          io.scratch[scratch].baseAddress!.assumingMemoryBound(to: Float.self))
      }
    }

    /// Whether these steps on inputs of these shapes run as one layer normalisation (`glean_layer_norm_f32`, three
    /// passes per row) rather than step by step; the values are the same either way.
    public static func runsAsLayerNorm(inputs: [Shape], steps: [Step]) -> Bool {
      guard case .success(let plan) = plan(inputs: inputs, steps: steps, outputSteps: [steps.count - 1]) else { return false }
      return layerNormForm(steps: steps, inputKinds: plan.inputKinds) != nil
    }

    /// The layer norm converters write, found in a chain: its inputs and the steps whose results are the
    /// normalised rows, the rows times γ and that plus β (the last two when the chain has them).
    struct LayerNormForm: Equatable {
      var x: Int, epsilon: Int, gamma: Int?, beta: Int?
      var normalized: Int, scaled: Int?, shifted: Int?
    }

    /// Whether the steps are exactly MEAN(x), SQUARED_DIFFERENCE(x, mean), MEAN, ADD ε, RSQRT, SUB(x, mean),
    /// MUL [, MUL γ [, ADD β]] (in this order; either operand order for the commutative ADD, MUL and
    /// SQUARED_DIFFERENCE), x full, ε a scalar, γ and β row vectors or scalars: then `glean_layer_norm_f32`
    /// computes the chain in three passes per row, bit for bit.
    static func layerNormForm(steps: [Step], inputKinds: [Kind]) -> LayerNormForm? {
      let inputs = inputKinds.count
      func value(_ s: Int) -> Int { inputs + s }
      func isInput(_ v: Int, _ kinds: Set<Kind>) -> Bool { v < inputs && kinds.contains(inputKinds[v]) }
      func reads(_ step: Step, _ a: Int, _ b: Int) -> Bool { (step.a, step.b) == (a, b) || (step.a, step.b) == (b, a) }
      func other(_ step: Step, than v: Int) -> Int? { step.a == v ? step.b : step.b == v ? step.a : nil }
      guard (7...9).contains(steps.count), steps[0].operation == .mean, isInput(steps[0].a, [.full]) else { return nil }
      let x = steps[0].a
      guard steps[1].operation == .squaredDifference, reads(steps[1], x, value(0)),
            steps[2].operation == .mean, steps[2].a == value(1),
            steps[3].operation == .add, let epsilon = other(steps[3], than: value(2)), isInput(epsilon, [.scalar]),
            steps[4].operation == .rsqrt, steps[4].a == value(3),
            steps[5].operation == .sub, steps[5].a == x, steps[5].b == value(0),
            steps[6].operation == .mul, reads(steps[6], value(5), value(4)) else { return nil }
      var form = LayerNormForm(x: x, epsilon: epsilon, gamma: nil, beta: nil, normalized: 6, scaled: nil, shifted: nil)
      if steps.count > 7 {
        guard steps[7].operation == .mul, let gamma = other(steps[7], than: value(6)), isInput(gamma, [.rowVector, .scalar]) else { return nil }
        (form.gamma, form.scaled) = (gamma, 7)
      }
      if steps.count > 8 {
        guard steps[8].operation == .add, let beta = other(steps[8], than: value(7)), isInput(beta, [.rowVector, .scalar]) else { return nil }
        (form.beta, form.shifted) = (beta, 8)
      }
      return form
    }

    /// The chain as `glean_layer_norm_f32`: the outputs are the results of `outputs` (steps of `form`).
    private func prepareLayerNorm(_ form: LayerNormForm, outputs: [Int], pool: OpaquePointer?, rows: Int, n: Int) -> PreparedOp {
      let normalized = outputs.firstIndex(of: form.normalized), scaled = form.scaled.flatMap { outputs.firstIndex(of: $0) }
      let shifted = form.shifted.flatMap { outputs.firstIndex(of: $0) }
      // γ and β are read only as far as the last output needs them.
      let gamma = scaled != nil || shifted != nil ? form.gamma : nil, beta = shifted != nil ? form.beta : nil
      return PreparedOp { io in
        func rowValues(_ input: Int?) -> (UnsafePointer<Float>?, Int32) {
          guard let input else { return (nil, 0) }
          return (UnsafePointer(io.inputs[input].floats.baseAddress), io.inputs[input].shape.elementCount > 1 ? 1 : 0)
        }
        let (gammaValues, gammaPerColumn) = rowValues(gamma), (betaValues, betaPerColumn) = rowValues(beta)
        glean_layer_norm_f32(pool, io.inputs[form.x].floats.baseAddress!, io.inputs[form.epsilon].floats.baseAddress!,
                             gammaValues, gammaPerColumn, betaValues, betaPerColumn,
                             normalized.map { io.outputs[$0].floats.baseAddress! }, scaled.map { io.outputs[$0].floats.baseAddress! },
                             shifted.map { io.outputs[$0].floats.baseAddress! }, rows, n)
      }
    }

    /// What a tensor of this shape holds for an output of shape `full`, or nil when it is none of the kinds.
    static func kind(of shape: Shape, in full: Shape) -> Kind? {
      let n = full.dimensions[full.rank - 1]
      guard shape.rank <= full.rank else { return nil }
      // Leading 1s added as broadcasting does: [S, H] holds the same values as [1, S, H].
      let aligned = Array(repeating: 1, count: full.rank - shape.rank) + shape.dimensions
      if aligned == full.dimensions { return .full }
      if aligned == Array(full.dimensions.dropLast()) + [1] { return .perRow }
      if aligned.last == n && aligned.dropLast().allSatisfy({ $0 == 1 }) { return .rowVector }
      if shape.elementCount == 1 { return .scalar }
      return nil
    }

    /// The kind of a binary operation's result (broadcasting its operands).
    static func combined(_ a: Kind, _ b: Kind) -> Kind {
      switch (a, b) {
      case (.full, _), (_, .full), (.perRow, .rowVector), (.rowVector, .perRow): .full
      case (.perRow, _), (_, .perRow): .perRow
      case (.rowVector, _), (_, .rowVector): .rowVector
      default: .scalar
      }
    }
  }
}
