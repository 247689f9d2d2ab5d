import Foundation

extension Reference {
  /// MUL: left (A...) × right (B...) → output (broadcast of A and B); FLOAT32, INT32 or INT64,
  /// with the fused activation from `MulOptions`.
  public static let mul = BinaryElementwiseKernel(float: { $0 * $1 }, int32: { $0 &* $1 }, int64: { $0 &* $1 })
}
