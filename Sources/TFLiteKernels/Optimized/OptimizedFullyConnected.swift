import CKernels
import TFLiteFormat

extension Optimized {
  /// FULLY_CONNECTED: input (B, S, K) or (M, K), constant weights (N, K), optional bias (N)
  /// → output (B, S, N) with `keepNumDims`, else (M, N); as `Reference.FullyConnected`.
  ///
  /// Weights are packed once while preparing (panels of 16 columns); each run is one packed GEMM
  /// over the thread pool. Float: the same sums as the reference in the same order, with FMA. When
  /// every weight is finite and at least 40 % of the input is exactly zero (a RELU's output), the GEMM
  /// leaves out the products by those zeros (AVX2 machines): 0 · w adds nothing to a sum when w is
  /// finite, so the values are the same (`Optimized.withDenseProducts` turns this off, to measure it).
  /// Hybrid (INT8 weights): rows quantized exactly as the reference does, int32 dot products,
  /// identical rescale, so outputs are bit-identical to the reference's.
  /// Weights that are not constant fall back to the reference kernel.
  ///
  /// With an `Epilogue` (built by the interpreter's operator fusion), the element-wise nodes that
  /// followed the FULLY_CONNECTED run inside the GEMM as it stores each result: inputs 3... are then
  /// the residual (the output's shape), the scale and the shift (constants of 1 or N floats), those the
  /// epilogue names, in that order; a split epilogue has a second output (see `Epilogue.split`). Each
  /// step rounds on its own, so the outputs are bit-identical to the unfused nodes'.
  ///
  /// With a `HeadSplit` (also built by fusion), the output is written as RESHAPE (M, H, B) → TRANSPOSE
  /// (H, M, B) would leave it: attention's head split, without the copy.
  ///
  /// ```swift
  /// let kernel = Optimized.FullyConnected(epilogue: .init(residual: true, scale: true, shift: true))
  /// ```
  public struct FullyConnected: Kernel {
    /// Element-wise steps applied to each result after the bias and the fused activation:
    /// `(activation(x·W + b) + residual) × scale + shift`, each one optional.
    public struct Epilogue: Sendable, Equatable, CustomStringConvertible {
      /// Adds a tensor of the output's shape (an ADD node).
      public var residual: Bool
      /// Multiplies by a constant of 1 or N floats (a MUL node).
      public var scale: Bool
      /// Adds a constant of 1 or N floats (an ADD node).
      public var shift: Bool
      /// Two outputs: the value after the residual (output 0, read elsewhere too) and the value after
      /// the scale and shift (output 1), as MobileBERT both reads on and normalises each residual sum.
      public var split: Bool

      public init(residual: Bool = false, scale: Bool = false, shift: Bool = false, split: Bool = false) {
        self.residual = residual
        self.scale = scale
        self.shift = shift
        self.split = split
      }

      /// The fused nodes, as the profiler names the fused node: "+ADD+MUL+ADD".
      public var description: String { (residual ? "+ADD" : "") + (scale ? "+MUL" : "") + (shift ? "+ADD" : "") }
    }

    /// The output's columns split into H heads of B, written head after head: output (…1s, H, M, B), its
    /// element (h, i, b) the plain output's (i, h·B + b). (What FULLY_CONNECTED → RESHAPE → TRANSPOSE
    /// gives when the RESHAPE splits the last axis into (H, B) and the TRANSPOSE moves H before the rows.)
    public struct HeadSplit: Sendable, Equatable {
      /// B: columns per head.
      public let headSize: Int
      /// The output's shape: its last axis B, the one before it M (the rows), the others' product H.
      public let outputShape: Shape

      public init(headSize: Int, outputShape: Shape) {
        self.headSize = headSize
        self.outputShape = outputShape
      }
    }

    /// Steps fused after the product (nil: a plain FULLY_CONNECTED).
    public let epilogue: Epilogue?
    /// The output's layout when the heads are split (nil: plain rows). Not with an epilogue.
    public let headSplit: HeadSplit?

    public init(epilogue: Epilogue? = nil, headSplit: HeadSplit? = nil) {
      self.epilogue = epilogue
      self.headSplit = headSplit
    }

    /// The activations the GEMM epilogue applies as a clamp to [lo, hi]; others (TANH) run afterwards.
    public static func clamp(for activation: ActivationFunction) -> (lo: Float, hi: Float)? {
      switch activation {
      case .relu: return (0, .infinity)
      case .relu6: return (0, 6)
      case .reluN1To1: return (-1, 1)
      default: return nil
      }
    }

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      // The reference validates the FULLY_CONNECTED itself, on a copy so that its scratch requests are not
      // kept: the whole node, or for a fused one its first three inputs and first output (the epilogue's
      // operands are checked below).
      var checked = NodeContext(opName: node.opName, nodeIndex: node.nodeIndex, version: node.version,
                                inputs: epilogue == nil ? node.inputs : Array(node.inputs.prefix(3)),
                                outputs: epilogue == nil ? node.outputs : Array(node.outputs.prefix(1)), options: node.options,
                                customOptions: node.customOptions)
      checked.threadPool = node.threadPool
      let reference = try Reference.FullyConnected().prepare(&checked)
      let weights = try node.input(1)
      let fused = epilogue != nil || headSplit != nil
      guard let weightData = weights.constantData, case .fullyConnected(let options) = node.options else {
        guard !fused else { throw node.error("a fused FULLY_CONNECTED needs constant weights", tensor: weights) }
        node = checked
        return reference
      }
      let outputShape = checked.outputs[0].shape
      let n = weights.shape[0], k = weights.shape[1]
      let m = node.inputs[0].map { $0.shape.elementCount / k } ?? 0
      if let headSplit {
        let shape = headSplit.outputShape, b = headSplit.headSize
        guard epilogue == nil, b > 0, n % b == 0, shape.rank >= 3, shape.dimensions[shape.rank - 1] == b,
              shape.dimensions[shape.rank - 2] == m, shape.elementCount == m * n else {
          throw node.error("cannot split \(m) × \(n) results into heads of \(b) shaped \(shape)")
        }
        try node.setOutput(0, shape: shape, type: .float32)
      } else {
        try node.setOutput(0, shape: outputShape, type: .float32)
      }
      let hasBias = node.inputs.count > 2 && node.inputs[2] != nil
      let activation = options.fusedActivation
      let pool = node.threadPool?.pool
      guard m > 0, n > 0, k > 0, let nInt32 = Int32(exactly: n), let kInt32 = Int32(exactly: k), let mInt32 = Int32(exactly: m),
            weights.type == .float32 || weights.quantization != nil else {
        guard !fused else { throw node.error("cannot fuse nodes into this FULLY_CONNECTED", tensor: weights) }
        node = checked
        return reference
      }
      let steps = try prepareEpilogue(&node, outputShape: outputShape, n: n)
      let split = epilogue?.split ?? false
      let clamp = Self.clamp(for: activation)
      // An activation the epilogue cannot clamp runs afterwards; fusion never adds steps after one.
      let activationAfter = clamp == nil && activation != .none
      if activationAfter && epilogue != nil { throw node.error("cannot fuse element-wise nodes after a \(activation) activation") }
      // Heads split: each head's columns form an m × B matrix of their own (ldc B), heads m · B floats apart.
      let headSize = headSplit?.headSize ?? 0, ldy = headSplit == nil ? n : headSize
      let describe = { (io: NodeIO) -> glean_epilogue in
        glean_epilogue(bias: hasBias ? UnsafePointer(io.inputs[2].floats.baseAddress) : nil,
                       clamp: clamp == nil ? 0 : 1, clamp_lo: clamp?.lo ?? 0, clamp_hi: clamp?.hi ?? 0,
                       residual: steps.residual.flatMap { UnsafePointer(io.inputs[$0].floats.baseAddress) }, residual_ld: n,
                       second: split ? io.outputs[1].floats.baseAddress : nil, second_ld: n,
                       scale: steps.scale.map { UnsafePointer($0.pointer(Float.self)) }, scale_per_column: steps.scalePerColumn ? 1 : 0,
                       shift: steps.shift.map { UnsafePointer($0.pointer(Float.self)) }, shift_per_column: steps.shiftPerColumn ? 1 : 0,
                       block_columns: headSize, block_stride: m * headSize)
      }

      if weights.type == .float32 {
        let pack = { () -> PackedFloatWeights in
          let packed = PersistentBuffer(bytes: glean_sgemm_packed_size(kInt32, nInt32) * 4)
          let w = weightData.baseAddress!.assumingMemoryBound(to: Float.self)
          glean_sgemm_pack(w, 1, k, kInt32, nInt32, packed.pointer(Float.self))
          return PackedFloatWeights(packed: packed, allFinite: glean_all_finite_f32(w, n * k) != 0)
        }
        // A fused FULLY_CONNECTED is prepared after the node it replaces: share its packed weights.
        let weightsPacked = node.derivedConstants?.value(tensor: weights.index, kind: "sgemm-packed", make: pack) ?? pack()
        let packed = weightsPacked.packed, allFinite = weightsPacked.allFinite
        return PreparedOp { io in
          let x = io.inputs[0].floats.baseAddress!, y = io.outputs[0].floats.baseAddress!, b = packed.pointer(Float.self)
          var e = describe(io)
          // Finite weights let the GEMM skip the input's exact zeros (a RELU's output) without changing a value:
          // 0 · w adds nothing unless w is infinite or NaN.
          if allFinite {
            glean_sgemm_finite_b(pool, mInt32, nInt32, kInt32, x, k, 1, b, &e, y, ldy)
          } else {
            glean_sgemm(pool, mInt32, nInt32, kInt32, x, k, 1, b, &e, y, ldy)
          }
          if activationAfter { activation.apply(to: io.outputs[0].floats) }
        }
      }

      // Hybrid: the reference's prepare checked the scales; repeat its per-column expansion.
      guard let quantization = weights.quantization else { throw node.error("hybrid weights need quantization parameters", tensor: weights) }
      let weightScales = PersistentBuffer(bytes: n * 4)
      for j in 0..<n { weightScales.pointer(Float.self)[j] = quantization.scale.count == 1 ? quantization.scale[0] : quantization.scale[j] }
      let pack = { () -> PersistentBuffer in
        let packed = PersistentBuffer(bytes: glean_qgemm_packed_size(kInt32, nInt32))
        glean_qgemm_pack(weightData.baseAddress!.assumingMemoryBound(to: Int8.self), nInt32, kInt32, packed.pointer(Int8.self))
        return packed
      }
      let packed = node.derivedConstants?.value(tensor: weights.index, kind: "qgemm-packed", make: pack) ?? pack()
      let asymmetric = options.asymmetricQuantizeInputs
      // The quantized rows, their scales and zero points in one buffer, shared by every hybrid FULLY_CONNECTED
      // that quantizes the same tensor the same way into the same layout (the packed weights'): the first to run
      // in an invoke quantizes it, the others multiply the rows it left.
      let rowsBytes = (glean_qgemm_quantized_bytes(mInt32, kInt32) + 63) / 64 * 64
      let input = try node.input(0), layout = glean_qgemm_packed_layout(packed.pointer(Int8.self))
      let quantized = node.requestScratch(bytes: rowsBytes + 8 * m, sharedAs: "hybrid input rows of tensor \(input.index): m \(m), k \(k), "
                                            + "asymmetric \(asymmetric), layout \(layout)")
      return PreparedOp { io in
        let x = io.inputs[0].floats.baseAddress!, y = io.outputs[0].floats.baseAddress!
        let q = io.scratch[quantized].baseAddress!
        let scales = (q + rowsBytes).assumingMemoryBound(to: Float.self)
        let zps = (q + rowsBytes + 4 * m).assumingMemoryBound(to: Int32.self)
        // Each block of rows is quantized (unless an earlier node did) and multiplied in one task, in the layout
        // the weights were packed in (see glean_hybrid_fully_connected). It cannot fail: `packed` was packed just
        // above for this k and n.
        var e = describe(io)
        _ = glean_hybrid_fully_connected(pool, mInt32, nInt32, kInt32, io.isScratchFilled(quantized) ? nil : x, asymmetric ? 1 : 0,
                                         q, scales, zps, packed.pointer(Int8.self), weightScales.pointer(Float.self), &e, y, ldy)
        if activationAfter { activation.apply(to: io.outputs[0].floats) }
      }
    }

    /// The epilogue's operands: which input holds the residual, and the scale and shift constants copied
    /// out (1 or N floats each).
    private struct EpilogueOperands {
      var residual: Int?
      var scale: PersistentBuffer?
      var scalePerColumn = false
      var shift: PersistentBuffer?
      var shiftPerColumn = false
    }

    /// Checks inputs 3... against `epilogue`. Throws: `KernelError` when one is missing, not FLOAT32, a
    /// residual not of the output's shape, or a scale or shift that is not a constant of 1 or N floats.
    private func prepareEpilogue(_ node: inout NodeContext, outputShape: Shape, n: Int) throws(KernelError) -> EpilogueOperands {
      var operands = EpilogueOperands()
      guard let epilogue else {
        try node.expect(inputs: 2...3, outputs: 1...1)
        return operands
      }
      let expected = 3 + [epilogue.residual, epilogue.scale, epilogue.shift].filter { $0 }.count
      let outputs = epilogue.split ? 2 : 1
      try node.expect(inputs: expected...expected, outputs: outputs...outputs)
      if epilogue.split {
        guard epilogue.scale || epilogue.shift else { throw node.error("a split epilogue needs a scale or a shift after its first output") }
        try node.setOutput(1, shape: outputShape, type: .float32)
      }
      var next = 3
      if epilogue.residual {
        let residual = try node.input(next, types: [.float32])
        guard residual.shape == outputShape else {
          throw node.error("(the fused residual) has shape \(residual.shape); the output has \(outputShape)", tensor: residual)
        }
        operands.residual = next
        next += 1
      }
      func constant(_ i: Int) throws(KernelError) -> (PersistentBuffer, perColumn: Bool) {
        let t = try node.input(i, types: [.float32])
        let count = t.shape.elementCount
        guard let data = t.constantData, count == 1 || count == n, data.count >= count * 4 else {
          throw node.error("(a fused scale or shift) must be a constant of 1 or \(n) floats", tensor: t)
        }
        let buffer = PersistentBuffer(bytes: count * 4)
        for j in 0..<count { buffer.pointer(Float.self)[j] = data.loadUnaligned(fromByteOffset: j * 4, as: Float.self) }
        return (buffer, count == n && n > 1)
      }
      if epilogue.scale {
        (operands.scale, operands.scalePerColumn) = try constant(next)
        next += 1
      }
      if epilogue.shift {
        (operands.shift, operands.shiftPerColumn) = try constant(next)
      }
      return operands
    }
  }
}

/// A float FULLY_CONNECTED's weights packed for glean_sgemm, and whether every weight is finite.
final class PackedFloatWeights {
  let packed: PersistentBuffer
  let allFinite: Bool

  init(packed: PersistentBuffer, allFinite: Bool) {
    self.packed = packed
    self.allFinite = allFinite
  }
}
