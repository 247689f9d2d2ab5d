extension Reference {
  /// GREATER: left (A...), right (B...) → output (broadcast) BOOL, `a > b`.
  public static let greater = ComparisonKernel(float: { $0 > $1 }, integer: { $0 > $1 })
}
