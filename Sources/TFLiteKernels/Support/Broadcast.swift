/// How two inputs of an elementwise binary op are read to fill the output:
/// precomputed in prepare so that invoke only walks memory.
struct BroadcastPlan: Sendable {
  enum Kind: Sendable { case sameShape, leftScalar, rightScalar, general }
  let kind: Kind
  let outputShape: Shape
  let leftStrides: [Int]
  let rightStrides: [Int]

  /// nil when the shapes do not broadcast.
  init?(_ left: Shape, _ right: Shape) {
    guard let out = Shape.broadcast(left, right) else { return nil }
    outputShape = out
    leftStrides = left.broadcastStrides(to: out)
    rightStrides = right.broadcastStrides(to: out)
    if left == right { kind = .sameShape }
    else if left.elementCount == 1 { kind = .leftScalar }
    else if right.elementCount == 1 { kind = .rightScalar }
    else { kind = .general }
  }

  /// Fills `out[i] = op(left[...], right[...])` following NumPy broadcasting.
  @inline(__always)
  func run<T, R>(_ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>, _ out: UnsafeMutablePointer<R>, _ op: (T, T) -> R) {
    let count = outputShape.elementCount
    switch kind {
    case .sameShape: for i in 0..<count { out[i] = op(a[i], b[i]) }
    case .leftScalar: let x = a[0]; for i in 0..<count { out[i] = op(x, b[i]) }
    case .rightScalar: let y = b[0]; for i in 0..<count { out[i] = op(a[i], y) }
    case .general:
      var o = 0
      walk(0, 0, 0, a, b, out, &o, op)
    }
  }

  private func walk<T, R>(_ axis: Int, _ aOffset: Int, _ bOffset: Int,
                          _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>, _ out: UnsafeMutablePointer<R>,
                          _ o: inout Int, _ op: (T, T) -> R) {
    let size = outputShape.dimensions[axis]
    let sa = leftStrides[axis], sb = rightStrides[axis]
    if axis == outputShape.rank - 1 {
      for i in 0..<size { out[o + i] = op(a[aOffset + i * sa], b[bOffset + i * sb]) }
      o += size
    } else {
      for i in 0..<size { walk(axis + 1, aOffset + i * sa, bOffset + i * sb, a, b, out, &o, op) }
    }
  }
}
