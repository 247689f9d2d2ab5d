import TFLiteFormat

extension Reference {
  /// DEQUANTIZE: input (D...) INT8, UINT8 or INT16 with per-tensor or per-channel quantization,
  /// or FLOAT16 → output (D...) FLOAT32: `x = scale[c] · (q − zeroPoint[c])`, c the index along
  /// the quantized dimension.
  public struct Dequantize: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 1...1, outputs: 1...1)
      let x = try node.input(0, types: [.int8, .uint8, .int16, .float16])
      try node.setOutput(0, shape: x.shape, type: .float32)
      if x.type == .float16 {
        return PreparedOp { io in
          let x = io.inputs[0].buffer(UInt16.self), y = io.outputs[0].floats
          for i in 0..<x.count { y[i] = float16ToFloat(x[i]) }
        }
      }
      guard let q = x.quantization, !q.scale.isEmpty, q.zeroPoint.count == q.scale.count || q.zeroPoint.count <= 1 else {
        throw node.error("(input) needs quantization parameters", tensor: x)
      }
      // Channel c of element i is (i / inner) % channels.
      let channels = q.scale.count
      var inner = 1
      if channels > 1 {
        let axis = Int(q.quantizedDimension)
        guard axis < x.shape.rank, x.shape[axis] == channels else {
          throw node.error("(input) has \(channels) scales but dimension \(axis) of \(x.shape) differs", tensor: x)
        }
        inner = x.shape.count((axis + 1)..<x.shape.rank)
      }
      let scales = q.scale
      let zeroPoints = q.zeroPoint.count == channels ? q.zeroPoint.map { Double($0) } : Array(repeating: Double(q.zeroPoint.first ?? 0), count: channels)
      return PreparedOp { io in
        let x = io.inputs[0], y = io.outputs[0].floats
        for i in 0..<y.count {
          let c = channels == 1 ? 0 : (i / inner) % channels
          y[i] = Float(Double(scales[c]) * (Double(x.integer(at: i)) - zeroPoints[c]))
        }
      }
    }
  }
}
