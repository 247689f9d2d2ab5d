import TFLiteFormat

extension Reference {
  /// FULLY_CONNECTED: input (B, S, K) or (M, K), weights (N, K), optional bias (N)
  /// → output (B, S, N) with `keepNumDims`, else (M, N) where M = input elements / K.
  ///
  /// `y[m, n] = act(bias[n] + Σₖ x[m, k] · w[n, k])`.
  /// Float: FLOAT32 input, weights, bias and output.
  /// Hybrid (dynamic-range quantized models): FLOAT32 input, INT8 weights with a per-tensor scale
  /// or one scale per output row (zero point 0). As in LiteRT, each input row is quantized to int8
  /// (symmetric, or asymmetric with its own zero point when `asymmetricQuantizeInputs`), the dot
  /// products are exact int32 sums, and `y += Float(dot) · (rowScale · weightScale[n])`.
  public struct FullyConnected: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 2...3, outputs: 1...1)
      guard case .fullyConnected(let options) = node.options else { throw node.error("has no FullyConnectedOptions") }
      guard options.weightsFormat == 0 else { throw node.error("shuffled weights (format \(options.weightsFormat)) are not supported") }
      guard options.fusedActivation.isSupportedFused else { throw node.error("fused activation \(options.fusedActivation) is not supported") }
      let input = try node.input(0, types: [.float32])
      let weights = try node.input(1, types: [.float32, .int8])
      let bias = try node.optionalInput(2, types: [.float32])
      guard weights.shape.rank == 2 else { throw node.error("(weights) must be 2-D (N, K); it is \(weights.shape)", tensor: weights) }
      let n = weights.shape[0], k = weights.shape[1]
      guard k > 0, input.shape.rank >= 1, input.shape.elementCount % k == 0 else {
        throw node.error("(input) \(input.shape) cannot be read as rows of K = \(k) features", tensor: input)
      }
      if let bias, bias.shape.elementCount != n {
        throw node.error("(bias) has \(bias.shape.elementCount) elements; expected N = \(n)", tensor: bias)
      }
      let m = input.shape.elementCount / k
      let outputShape: Shape
      if options.keepNumDims {
        guard input.shape.dimensions.last == k else {
          throw node.error("(input) \(input.shape) must end in K = \(k) with keep_num_dims", tensor: input)
        }
        outputShape = Shape(input.shape.dimensions.dropLast() + [n])
      } else {
        outputShape = Shape([m, n])
      }
      try node.setOutput(0, shape: outputShape, type: .float32)
      let hasBias = bias != nil
      let activation = options.fusedActivation

      if weights.type == .float32 {
        return PreparedOp { io in
          let x = io.inputs[0].floats.baseAddress!, w = io.inputs[1].floats.baseAddress!
          let y = io.outputs[0].floats.baseAddress!
          let b: UnsafeMutablePointer<Float>? = hasBias ? io.inputs[2].floats.baseAddress : nil
          for row in 0..<m {
            let xRow = x + row * k
            for col in 0..<n {
              let wRow = w + col * k
              var sum: Float = 0
              for i in 0..<k { sum += xRow[i] * wRow[i] }
              y[row * n + col] = (b?[col] ?? 0) + sum
            }
          }
          activation.apply(to: io.outputs[0].floats)
        }
      }

      // Hybrid: int8 weights.
      guard let quantization = weights.quantization, !quantization.scale.isEmpty else {
        throw node.error("(weights) INT8 weights need quantization scales", tensor: weights)
      }
      guard quantization.zeroPoint.allSatisfy({ $0 == 0 }) else {
        throw node.error("(weights) hybrid INT8 weights must be symmetric (zero point 0)", tensor: weights)
      }
      let weightScales: [Float]
      if quantization.scale.count == 1 {
        weightScales = Array(repeating: quantization.scale[0], count: n)
      } else if quantization.scale.count == n && quantization.quantizedDimension == 0 {
        weightScales = quantization.scale
      } else {
        throw node.error("(weights) has \(quantization.scale.count) scales along dimension \(quantization.quantizedDimension); expected 1 or N = \(n) along 0", tensor: weights)
      }
      let asymmetric = options.asymmetricQuantizeInputs
      let quantizedInput = node.requestScratch(bytes: m * k)
      let rowSums = node.requestScratch(bytes: n * 4)
      return PreparedOp { io in
        let x = io.inputs[0].floats.baseAddress!, w = io.inputs[1].int8s.baseAddress!
        let y = io.outputs[0].floats.baseAddress!
        let b: UnsafeMutablePointer<Float>? = hasBias ? io.inputs[2].floats.baseAddress : nil
        let q = io.scratch[quantizedInput].baseAddress!.assumingMemoryBound(to: Int8.self)
        let sums = io.scratch[rowSums].baseAddress!.assumingMemoryBound(to: Int32.self)
        if asymmetric {
          for col in 0..<n {
            var s: Int32 = 0
            let wRow = w + col * k
            for i in 0..<k { s &+= Int32(wRow[i]) }
            sums[col] = s
          }
        }
        weightScales.withUnsafeBufferPointer { scales in
          for row in 0..<m {
            let xRow = x + row * k, qRow = q + row * k
            let rowScale: Float
            var zeroPoint: Int32 = 0
            if asymmetric {
              (rowScale, zeroPoint) = asymmetricQuantize(xRow, count: k, into: qRow)
            } else {
              rowScale = symmetricQuantize(xRow, count: k, into: qRow)
            }
            for col in 0..<n {
              let wRow = w + col * k
              var dot: Int32 = 0
              for i in 0..<k { dot &+= Int32(wRow[i]) &* Int32(qRow[i]) }
              if asymmetric { dot &-= sums[col] &* zeroPoint }
              let scale = rowScale * scales[col]
              y[row * n + col] = (b?[col] ?? 0) + Float(dot) * scale
            }
          }
        }
        activation.apply(to: io.outputs[0].floats)
      }
    }
  }
}
