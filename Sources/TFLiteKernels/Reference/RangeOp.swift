import TFLiteFormat

extension Reference {
  /// RANGE: start, limit, delta (scalars, constant) INT32, INT64 or FLOAT32 → output (⌈(limit − start) / delta⌉)
  /// holding start, start + delta, …
  public struct RangeOf: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 3...3, outputs: 1...1)
      let start = try node.input(0, types: [.int32, .int64, .float32])
      var values: [Double] = []
      for i in 0..<3 {
        let t = try node.input(i, types: [start.type])
        guard let data = t.constantData, t.shape.elementCount == 1 else {
          throw node.error("(input \(i)) must be a constant scalar; ranges of unknown length are not supported", tensor: t)
        }
        switch t.type {
        case .int32: values.append(Double(data.loadUnaligned(as: Int32.self)))
        case .int64: values.append(Double(data.loadUnaligned(as: Int64.self)))
        default: values.append(Double(data.loadUnaligned(as: Float.self)))
        }
      }
      let (first, limit, delta) = (values[0], values[1], values[2])
      guard delta != 0, delta.isFinite, first.isFinite, limit.isFinite, (limit - first) / delta >= 0 || first == limit else {
        throw node.error("range \(first) ..< \(limit) by \(delta) is empty or invalid")
      }
      let count = Int(((limit - first) / delta).rounded(.up))
      guard count <= 1 << 28 else { throw node.error("range of \(count) elements is too large") }
      try node.setOutput(0, shape: Shape([count]), type: start.type)
      return PreparedOp { io in
        let y = io.outputs[0]
        for i in 0..<count {
          if y.type == .float32 { y.store(double: Double(Float(first) + Float(i) * Float(delta)), at: i) }
          else { y.store(integer: Int64(first) + Int64(i) * Int64(delta), at: i) }
        }
      }
    }
  }
}
