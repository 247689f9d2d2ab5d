import TFLiteFormat

extension Optimized {
  /// TRANSPOSE: input (D₀ … Dᵣ₋₁) and constant permutation → output (D_perm[0] … ), any type,
  /// as `Reference.Transpose`.
  ///
  /// When the permutation keeps the last axes in place (attention's head split and merge,
  /// perm [0, 2, 1, 3]), each run of those axes is one contiguous block: the kernel copies
  /// blocks with memcpy instead of single elements. The bytes are the reference's.
  public struct Transpose: Kernel {
    public init() {}

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      let reference = try Reference.Transpose().prepare(&node)
      let x = try node.input(0)
      let rank = x.shape.rank
      let perm = try node.constantIndices(1).map { $0 < 0 ? $0 + rank : $0 }
      var kept = 0
      while kept < rank && perm[rank - 1 - kept] == rank - 1 - kept { kept += 1 }
      guard kept > 0, kept < rank, let elementSize = x.type.byteSize else { return reference }
      let blockElements = x.shape.dimensions.suffix(kept).reduce(1, *)
      let blockBytes = blockElements * elementSize
      let outer = rank - kept
      let sizes = (0..<outer).map { x.shape[perm[$0]] }
      let strides = x.shape.strides
      let sourceSteps = (0..<outer).map { strides[perm[$0]] * elementSize }
      let blocks = sizes.reduce(1, *)
      guard blocks > 0, blockBytes > 0 else { return reference }
      return PreparedOp { io in
        let source = UnsafeRawPointer(io.inputs[0].data)
        var destination = io.outputs[0].data
        // An odometer over the outer output axes; `offset` follows it in the source.
        withUnsafeTemporaryAllocation(of: Int.self, capacity: outer) { index in
          index.initialize(repeating: 0)
          var offset = 0
          for _ in 0..<blocks {
            destination.copyMemory(from: source + offset, byteCount: blockBytes)
            destination += blockBytes
            var axis = outer - 1
            while axis >= 0 {
              index[axis] += 1
              offset += sourceSteps[axis]
              if index[axis] < sizes[axis] { break }
              offset -= sourceSteps[axis] * sizes[axis]
              index[axis] = 0
              axis -= 1
            }
          }
        }
      }
    }
  }
}
