import TFLiteFormat

extension Reference {
  /// QUANTIZE: input (D...) FLOAT32 → output (D...) INT8, UINT8 or INT16 with the output's
  /// per-tensor scale and zero point: `q = clamp(round(x / scale) + zeroPoint)`, rounding half away from zero.
  public struct Quantize: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 1...1, outputs: 1...1)
      let x = try node.input(0, types: [.float32])
      let y = try node.output(0, types: [.int8, .uint8, .int16])
      guard let q = y.quantization, q.scale.count == 1, q.scale[0] > 0 else {
        throw node.error("(output) needs one positive quantization scale", tensor: y)
      }
      try node.setOutput(0, shape: x.shape)
      let (low, high): (Float, Float) = switch y.type {
      case .int8: (-128, 127)
      case .uint8: (0, 255)
      default: (-32768, 32767)
      }
      // NaN is stored as the zero point, so the zero point must itself be storable.
      let zero = q.zeroPoint.first ?? 0
      guard Float(zero) >= low, Float(zero) <= high else {
        throw node.error("(output) zero point \(zero) is outside the \(y.type) range", tensor: y)
      }
      let scale = q.scale[0], zeroPoint = Float(zero)
      return PreparedOp { io in
        let x = io.inputs[0].floats, y = io.outputs[0]
        for i in 0..<x.count {
          let r = roundHalfAwayFromZero(x[i] / scale) + zeroPoint
          // NaN is tested before clamping: max(low, .nan) is low, which would store NaN as the lowest value.
          y.store(integer: Int64(r.isNaN ? zeroPoint : min(high, max(low, r))), at: i)
        }
      }
    }
  }
}
