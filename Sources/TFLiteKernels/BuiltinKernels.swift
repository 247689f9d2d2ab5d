import TFLiteFormat

/// The reference kernel of every builtin operator Glean runs, with the highest op version it accepts.
///
/// Versions follow LiteRT's `op_version.cc`: a higher version adds input types or options. A kernel
/// accepts every version up to `maxVersion` and rejects, in `prepare`, the types it does not handle
/// (say, INT16 activations), naming them.
///
/// ```swift
/// let softmax = BuiltinKernels.reference[.softmax]!.kernel
/// ```
public enum BuiltinKernels {
  /// A builtin's kernel and the versions it accepts.
  public struct Entry: Sendable {
    public let kernel: any Kernel
    public let maxVersion: Int
    public init(_ kernel: any Kernel, maxVersion: Int) {
      self.kernel = kernel
      self.maxVersion = maxVersion
    }
  }

  /// The kernels of a kernel set: `.optimized` or `.reference`.
  public static func table(_ kernels: KernelSet) -> [BuiltinOperator: Entry] {
    kernels == .optimized ? optimized : reference
  }

  /// Every builtin, with the optimised kernel where Glean has one (FULLY_CONNECTED, BATCH_MATMUL,
  /// float ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, SOFTMAX, GELU, MEAN over trailing axes,
  /// TRANSPOSE keeping its last axes) and the reference kernel otherwise. Same versions as `reference`.
  public static let optimized: [BuiltinOperator: Entry] = {
    var table = reference
    table[.fullyConnected] = Entry(Optimized.FullyConnected(), maxVersion: 13)
    table[.batchMatmul] = Entry(Optimized.BatchMatMul(), maxVersion: 4)
    table[.add] = Entry(Optimized.FloatBinary.add, maxVersion: 5)
    table[.sub] = Entry(Optimized.FloatBinary.sub, maxVersion: 5)
    table[.mul] = Entry(Optimized.FloatBinary.mul, maxVersion: 7)
    table[.div] = Entry(Optimized.FloatBinary.div, maxVersion: 2)
    table[.squaredDifference] = Entry(Optimized.FloatBinary.squaredDifference, maxVersion: 2)
    table[.softmax] = Entry(Optimized.Softmax(), maxVersion: 3)
    table[.dequantize] = Entry(Optimized.Dequantize(), maxVersion: 6)
    table[.gelu] = Entry(Optimized.Gelu(), maxVersion: 2)
    table[.mean] = Entry(Optimized.Mean(), maxVersion: 3)
    table[.transpose] = Entry(Optimized.Transpose(), maxVersion: 6)
    return table
  }()

  /// Every builtin with a reference kernel.
  public static let reference: [BuiltinOperator: Entry] = [
    .add: Entry(Reference.add, maxVersion: 5),
    .sub: Entry(Reference.sub, maxVersion: 5),
    .mul: Entry(Reference.mul, maxVersion: 7),
    .div: Entry(Reference.div, maxVersion: 2),
    .squaredDifference: Entry(Reference.squaredDifference, maxVersion: 2),
    .pow: Entry(Reference.pow, maxVersion: 1),
    .maximum: Entry(Reference.maximum, maxVersion: 4),
    .minimum: Entry(Reference.minimum, maxVersion: 4),
    .floorDiv: Entry(Reference.floorDiv, maxVersion: 3),
    .tanh: Entry(Reference.tanh, maxVersion: 3),
    .logistic: Entry(Reference.logistic, maxVersion: 3),
    .exp: Entry(Reference.exp, maxVersion: 2),
    .log: Entry(Reference.log, maxVersion: 2),
    .sqrt: Entry(Reference.sqrt, maxVersion: 1),
    .rsqrt: Entry(Reference.rsqrt, maxVersion: 3),
    .square: Entry(Reference.square, maxVersion: 1),
    .neg: Entry(Reference.neg, maxVersion: 2),
    .abs: Entry(Reference.abs, maxVersion: 5),
    .relu: Entry(Reference.relu, maxVersion: 3),
    .gelu: Entry(Reference.Gelu(), maxVersion: 2),
    .fullyConnected: Entry(Reference.FullyConnected(), maxVersion: 13),
    .batchMatmul: Entry(Reference.BatchMatMul(), maxVersion: 4),
    .softmax: Entry(Reference.Softmax(), maxVersion: 3),
    .gather: Entry(Reference.Gather(), maxVersion: 7),
    .mean: Entry(Reference.Mean(), maxVersion: 3),
    .sum: Entry(Reference.Sum(), maxVersion: 2),
    .reduceMax: Entry(Reference.ReduceMax(), maxVersion: 3),
    .cast: Entry(Reference.Cast(), maxVersion: 7),
    .quantize: Entry(Reference.Quantize(), maxVersion: 3),
    .dequantize: Entry(Reference.Dequantize(), maxVersion: 6),
    .reshape: Entry(Reference.Reshape(), maxVersion: 2),
    .squeeze: Entry(Reference.Squeeze(), maxVersion: 2),
    .expandDims: Entry(Reference.ExpandDims(), maxVersion: 2),
    .transpose: Entry(Reference.Transpose(), maxVersion: 6),
    .pad: Entry(Reference.Pad(), maxVersion: 4),
    .padv2: Entry(Reference.PadV2(), maxVersion: 4),
    .stridedSlice: Entry(Reference.StridedSlice(), maxVersion: 8),
    .slice: Entry(Reference.Slice(), maxVersion: 6),
    .concatenation: Entry(Reference.Concatenation(), maxVersion: 4),
    .pack: Entry(Reference.Pack(), maxVersion: 4),
    .unpack: Entry(Reference.Unpack(), maxVersion: 4),
    .split: Entry(Reference.Split(), maxVersion: 4),
    .splitV: Entry(Reference.SplitV(), maxVersion: 2),
    .shape: Entry(Reference.ShapeOf(), maxVersion: 1),
    .argMax: Entry(Reference.ArgMax(), maxVersion: 3),
    .fill: Entry(Reference.Fill(), maxVersion: 4),
    .zerosLike: Entry(Reference.ZerosLike(), maxVersion: 1),
    .equal: Entry(Reference.equal, maxVersion: 4),
    .notEqual: Entry(Reference.notEqual, maxVersion: 3),
    .less: Entry(Reference.less, maxVersion: 3),
    .lessEqual: Entry(Reference.lessEqual, maxVersion: 3),
    .greater: Entry(Reference.greater, maxVersion: 3),
    .greaterEqual: Entry(Reference.greaterEqual, maxVersion: 3),
    .logicalAnd: Entry(Reference.logicalAnd, maxVersion: 1),
    .logicalOr: Entry(Reference.logicalOr, maxVersion: 1),
    .logSoftmax: Entry(Reference.LogSoftmax(), maxVersion: 2),
    .selectV2: Entry(Reference.SelectV2(), maxVersion: 2),
    .select: Entry(Reference.SelectV2(), maxVersion: 4),
    .tile: Entry(Reference.Tile(), maxVersion: 3),
    .broadcastTo: Entry(Reference.BroadcastTo(), maxVersion: 3),
    .range: Entry(Reference.RangeOf(), maxVersion: 2),
    .embeddingLookup: Entry(Reference.EmbeddingLookup(), maxVersion: 3),
  ]
}
