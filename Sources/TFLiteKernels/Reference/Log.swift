import Foundation

extension Reference {
  /// LOG: input (D...) → output (D...), natural logarithm; FLOAT32.
  public static let log = UnaryFloatKernel { Foundation.log($0) }
}
