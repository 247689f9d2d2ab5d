extension Reference {
  /// GREATER_EQUAL: left (A...), right (B...) → output (broadcast) BOOL, `a >= b`.
  public static let greaterEqual = ComparisonKernel(float: { $0 >= $1 }, integer: { $0 >= $1 })
}
