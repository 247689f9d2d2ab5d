/// Copies a strided selection of a tensor into a contiguous output: the shared body of TRANSPOSE,
/// SLICE and STRIDED_SLICE. For output dimension d, element j is read at input element offset
/// `start + Σ_d j_d · step[d]` (steps may be negative or permuted strides).
///
/// Axes that read the input contiguously are merged when the copy is made, and a contiguous innermost
/// axis is copied as one block of memory: a slice that keeps whole rows (MobileBERT's embedding
/// STRIDED_SLICEs, 384 × 128 floats) is one copy, not one load and store per element.
struct StridedCopy: Sendable {
  let start: Int
  /// The output's axes, size-1 axes dropped and contiguous neighbours merged: the same elements in the
  /// same order.
  let sizes: [Int]
  let steps: [Int]
  let elementSize: Int

  init(start: Int, sizes: [Int], steps: [Int], elementSize: Int) {
    self.start = start
    self.elementSize = elementSize
    var mergedSizes: [Int] = [], mergedSteps: [Int] = []
    for (size, step) in zip(sizes, steps) where size != 1 {   // a size-1 axis reads one element whatever its step
      mergedSizes.append(size)
      mergedSteps.append(step)
    }
    // From the innermost axis out: an axis stepping over exactly the contiguous run inside it extends the run.
    var axis = mergedSizes.count - 1
    while axis > 0 {
      if mergedSteps[axis] == 1 && mergedSteps[axis - 1] == mergedSizes[axis] {
        mergedSizes[axis - 1] *= mergedSizes[axis]
        mergedSteps[axis - 1] = 1
        mergedSizes.remove(at: axis)
        mergedSteps.remove(at: axis)
      }
      axis -= 1
    }
    self.sizes = mergedSizes
    self.steps = mergedSteps
  }

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
      if step == 1 {
        (dst + o).update(from: src + offset, count: n)
      } else {
        for j in 0..<n { dst[o + j] = src[offset + j * step] }
      }
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
