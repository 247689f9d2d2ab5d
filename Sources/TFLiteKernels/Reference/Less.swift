extension Reference {
  /// LESS: left (A...), right (B...) → output (broadcast) BOOL, `a < b`.
  public static let less = ComparisonKernel(float: { $0 < $1 }, integer: { $0 < $1 })
}
