extension Reference {
  /// LOGICAL_AND: left (A...), right (B...) BOOL → output (broadcast) BOOL.
  public static let logicalAnd = ComparisonKernel(float: { _, _ in false }, integer: { $0 != 0 && $1 != 0 })
  /// LOGICAL_OR: left (A...), right (B...) BOOL → output (broadcast) BOOL.
  public static let logicalOr = ComparisonKernel(float: { _, _ in false }, integer: { $0 != 0 || $1 != 0 })
}
