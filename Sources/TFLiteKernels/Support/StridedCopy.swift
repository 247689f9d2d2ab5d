/// Copies a strided selection of a tensor into a contiguous output: the shared body of TRANSPOSE,
/// SLICE and STRIDED_SLICE. For output dimension d, element j is read at input element offset
/// `start + Σ_d j_d · step[d]` (steps may be negative or permuted strides).
struct StridedCopy: Sendable {
  let start: Int
  let sizes: [Int]
  let steps: [Int]
  let elementSize: Int

  func run(from source: UnsafeMutableRawPointer, to destination: UnsafeMutableRawPointer) {
    if sizes.contains(0) { return }
    var o = 0
    switch elementSize {
    case 1: walk(0, start, source.assumingMemoryBound(to: UInt8.self), destination.assumingMemoryBound(to: UInt8.self), &o)
    case 2: walk(0, start, source.assumingMemoryBound(to: UInt16.self), destination.assumingMemoryBound(to: UInt16.self), &o)
    case 4: walk(0, start, source.assumingMemoryBound(to: UInt32.self), destination.assumingMemoryBound(to: UInt32.self), &o)
    case 8: walk(0, start, source.assumingMemoryBound(to: UInt64.self), destination.assumingMemoryBound(to: UInt64.self), &o)
    default:
      // Any other element size: byte copies, one element at a time.
      walkBytes(0, start, source, destination, &o)
    }
  }

  private func walk<T>(_ axis: Int, _ offset: Int, _ src: UnsafeMutablePointer<T>, _ dst: UnsafeMutablePointer<T>, _ o: inout Int) {
    if sizes.isEmpty { dst[0] = src[offset]; return }
    let n = sizes[axis], step = steps[axis]
    if axis == sizes.count - 1 {
      for j in 0..<n { dst[o + j] = src[offset + j * step] }
      o += n
    } else {
      for j in 0..<n { walk(axis + 1, offset + j * step, src, dst, &o) }
    }
  }

  private func walkBytes(_ axis: Int, _ offset: Int, _ src: UnsafeMutableRawPointer, _ dst: UnsafeMutableRawPointer, _ o: inout Int) {
    if sizes.isEmpty { dst.copyMemory(from: src + offset * elementSize, byteCount: elementSize); return }
    let n = sizes[axis], step = steps[axis]
    for j in 0..<n {
      if axis == sizes.count - 1 {
        (dst + o * elementSize).copyMemory(from: src + (offset + j * step) * elementSize, byteCount: elementSize)
        o += 1
      } else {
        walkBytes(axis + 1, offset + j * step, src, dst, &o)
      }
    }
  }
}
