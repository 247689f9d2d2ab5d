import Foundation

extension Reference {
  /// DIV: left (A...) ÷ right (B...) → output (broadcast of A and B); FLOAT32 or INT32
  /// (integer division truncates toward zero; dividing by zero gives 0 rather than trapping).
  public static let div = BinaryElementwiseKernel(float: { $0 / $1 }, int32: { $1 == 0 ? 0 : $0 / $1 })
}
