import Foundation

extension Reference {
  /// MINIMUM: left (A...), right (B...) → output (broadcast of A and B), elementwise min; FLOAT32, INT32 or INT64.
  public static let minimum = BinaryElementwiseKernel(float: { Swift.min($0, $1) }, int32: { Swift.min($0, $1) }, int64: { Swift.min($0, $1) })
}
