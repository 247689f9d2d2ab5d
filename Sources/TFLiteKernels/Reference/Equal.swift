extension Reference {
  /// EQUAL: left (A...), right (B...) → output (broadcast) BOOL, `a == b`.
  public static let equal = ComparisonKernel(float: { $0 == $1 }, integer: { $0 == $1 })
}
