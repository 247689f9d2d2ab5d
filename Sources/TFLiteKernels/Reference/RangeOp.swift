import TFLiteFormat

extension Reference {
  /// RANGE: start, limit, delta (scalars, constant) INT32, INT64 or FLOAT32 → output (⌈(limit − start) / delta⌉)
  /// holding start, start + delta, …
  public struct RangeOf: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      try node.expect(inputs: 3...3, outputs: 1...1)
      let start = try node.input(0, types: [.int32, .int64, .float32])
      var values: [Double] = [], integers: [Int64] = []   // integers: the exact values of an INT32 or INT64 range
      for i in 0..<3 {
        let t = try node.input(i, types: [start.type])
        guard let data = t.constantData, t.shape.elementCount == 1 else {
          throw node.error("(input \(i)) must be a constant scalar; ranges of unknown length are not supported", tensor: t)
        }
        switch t.type {
        case .int32: integers.append(Int64(data.loadUnaligned(as: Int32.self)))
        case .int64: integers.append(data.loadUnaligned(as: Int64.self))
        default: values.append(Double(data.loadUnaligned(as: Float.self)))
        }
      }
      let count: Int
      if integers.count == 3 {
        // Integers are counted exactly (a Double rounds beyond 2⁵³): the distance from start to limit fits
        // a UInt64 whichever they are.
        let (first, limit, delta) = (integers[0], integers[1], integers[2])
        guard delta != 0, first == limit || (limit > first) == (delta > 0) else {
          throw node.error("range \(first) ..< \(limit) by \(delta) is empty or invalid")
        }
        let span = limit >= first ? UInt64(bitPattern: limit &- first) : UInt64(bitPattern: first &- limit)
        let (quotient, remainder) = span.quotientAndRemainder(dividingBy: delta.magnitude)
        guard quotient < 1 << 28 else { throw node.error("range of \(quotient) or more elements is too large") }
        count = Int(quotient) + (remainder != 0 ? 1 : 0)
      } else {
        let (first, limit, delta) = (values[0], values[1], values[2])
        guard delta != 0, delta.isFinite, first.isFinite, limit.isFinite, (limit - first) / delta >= 0 || first == limit else {
          throw node.error("range \(first) ..< \(limit) by \(delta) is empty or invalid")
        }
        // The length is checked as a Double: a constant range like 0 ..< 1e30 would not fit an Int.
        let length = ((limit - first) / delta).rounded(.up)
        guard length <= Double(1 << 28) else { throw node.error("range of \(length) elements is too large") }
        count = Int(length)
      }
      try node.setOutput(0, shape: Shape([count]), type: start.type)
      return PreparedOp { io in
        let y = io.outputs[0]
        for i in 0..<count {
          if y.type == .float32 { y.store(double: Double(Float(values[0]) + Float(i) * Float(values[2])), at: i) }
          else { y.store(integer: integers[0] &+ Int64(i) &* integers[2], at: i) }   // in range, but wrapping rather than trapping
        }
      }
    }
  }
}
