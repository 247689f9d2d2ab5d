import Foundation

extension Reference {
  /// SQUARED_DIFFERENCE: left (A...), right (B...) → output (broadcast of A and B), `(a − b)²`; FLOAT32 or INT32.
  public static let squaredDifference = BinaryElementwiseKernel(float: { ($0 - $1) * ($0 - $1) }, int32: { ($0 &- $1) &* ($0 &- $1) })
}
