import Foundation

extension Reference {
  /// MAXIMUM: left (A...), right (B...) → output (broadcast of A and B), elementwise max; FLOAT32, INT32 or INT64.
  public static let maximum = BinaryElementwiseKernel(float: { Swift.max($0, $1) }, int32: { Swift.max($0, $1) }, int64: { Swift.max($0, $1) })
}
