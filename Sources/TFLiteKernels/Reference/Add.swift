import Foundation

extension Reference {
  /// ADD: left (A...) + right (B...) → output (broadcast of A and B); FLOAT32, INT32 or INT64,
  /// with the fused activation from `AddOptions` (versions 1–5 for these types).
  public static let add = BinaryElementwiseKernel(float: { $0 + $1 }, int32: { $0 &+ $1 }, int64: { $0 &+ $1 })
}
