import CKernels
import TFLiteFormat

extension Optimized {
  /// ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE on FLOAT32: left (A...) and right (B...) → output
  /// (broadcast shape), as the reference kernels.
  ///
  /// Vectorised in C when each operand is the full output, a row along the last axis (…, 1, C),
  /// a column (…, R, 1) matching the output's leading dimensions, or a scalar: the shapes of
  /// residual additions, layer-norm arithmetic and bias rows. Every element is one IEEE operation,
  /// so results are bit-identical to the reference; other shapes and types run the reference kernel.
  public struct FloatBinary: Kernel {
    /// A C operator code (GLEAN_BINARY_ADD ...).
    let op: Int32
    let reference: BinaryElementwiseKernel

    public static let add = FloatBinary(op: Int32(GLEAN_BINARY_ADD), reference: Reference.add)
    public static let sub = FloatBinary(op: Int32(GLEAN_BINARY_SUB), reference: Reference.sub)
    public static let mul = FloatBinary(op: Int32(GLEAN_BINARY_MUL), reference: Reference.mul)
    public static let div = FloatBinary(op: Int32(GLEAN_BINARY_DIV), reference: Reference.div)
    public static let squaredDifference = FloatBinary(op: Int32(GLEAN_BINARY_SQUARED_DIFFERENCE), reference: Reference.squaredDifference)

    public func prepare(_ node: inout NodeContext) throws(KernelError) -> PreparedOp {
      var checked = node
      let fallback = try reference.prepare(&checked)
      let a = try node.input(0), b = try node.input(1)
      let output = checked.outputs[0].shape
      let activation: ActivationFunction
      switch node.options {
      case .add(let o), .sub(let o): activation = o.fusedActivation
      case .mul(let f), .div(let f): activation = f
      default: activation = .none
      }
      guard a.type == .float32, output.rank >= 1, output.elementCount > 0,
            let aStrides = Self.strides(of: a.shape, in: output), let bStrides = Self.strides(of: b.shape, in: output) else {
        node = checked
        return fallback
      }
      try node.setOutput(0, shape: output, type: .float32)
      let cols = output.dimensions[output.rank - 1], rows = output.elementCount / cols
      let op = self.op
      let pool = node.threadPool?.pool
      return PreparedOp { io in
        glean_binary_f32(pool, op, io.inputs[0].floats.baseAddress!, aStrides.row, aStrides.col,
                         io.inputs[1].floats.baseAddress!, bStrides.row, bStrides.col,
                         io.outputs[0].floats.baseAddress!, rows, cols)
        activation.apply(to: io.outputs[0].floats)
      }
    }

    /// Row and column strides of an operand over the output seen as (rows, last axis), or nil
    /// when its broadcast is not one of the vectorised patterns.
    static func strides(of shape: Shape, in output: Shape) -> (row: Int, col: Int)? {
      let cols = output.dimensions[output.rank - 1]
      if shape.elementCount == 1 { return (0, 0) }
      guard shape.rank <= output.rank else { return nil }
      let aligned = Array(repeating: 1, count: output.rank - shape.rank) + shape.dimensions
      let leading = aligned.dropLast(), outputLeading = output.dimensions.dropLast()
      if aligned == output.dimensions { return (cols, 1) }
      if aligned.last == cols && leading.allSatisfy({ $0 == 1 }) { return (0, 1) }
      if aligned.last == 1 && Array(leading) == Array(outputLeading) { return (1, 0) }
      return nil
    }
  }
}
