// The shape rules of every tensor, written once.
//
// Glossary of the letters kernels use in their shape sentences:
//   B batch, S sequence, H heads, K input features (reduction), N output features,
//   M rows (everything before the last dimension, flattened), V vocabulary, D any dimension.

/// A tensor's dimensions, row-major (the last dimension varies fastest).
///
/// ```swift
/// let s = Shape([2, 3, 4])
/// s.elementCount   // 24
/// s.strides        // [12, 4, 1]
/// try Shape.broadcast(Shape([2, 1, 4]), Shape([3, 1]))  // [2, 3, 4]
/// ```
public struct Shape: Sendable, Hashable, CustomStringConvertible {
  /// The size of each dimension; empty for a scalar.
  public var dimensions: [Int]

  public init(_ dimensions: [Int]) { self.dimensions = dimensions }
  /// A shape from the schema's `int32` dimensions.
  public init(schemaDimensions dimensions: [Int32]) { self.dimensions = dimensions.map(Int.init) }

  /// The number of dimensions (0 for a scalar).
  public var rank: Int { dimensions.count }
  /// The number of elements: the product of the dimensions (1 for a scalar).
  public var elementCount: Int { dimensions.reduce(1, *) }
  /// The most elements a shape from outside (a model, a constant tensor) may describe: 2^40, more
  /// than any memory holds, and small enough that byte counts and strides computed from it cannot overflow.
  public static let maxElementCount = 1 << 40

  /// The number of elements, or nil when a dimension is negative or the dimensions, zeros counted
  /// as ones, multiply past `maxElementCount`. A shape that passes can be given to `elementCount`
  /// and `strides` (which multiply in any order, zeros included) without overflowing.
  public var checkedElementCount: Int? {
    var bound = 1
    for d in dimensions {
      guard d >= 0 else { return nil }
      let (product, overflow) = bound.multipliedReportingOverflow(by: Swift.max(d, 1))
      guard !overflow, product <= Shape.maxElementCount else { return nil }
      bound = product
    }
    return elementCount
  }

  /// Elements to step over for each dimension (row-major, contiguous).
  public var strides: [Int] {
    var result = [Int](repeating: 1, count: rank)
    var step = 1
    for axis in stride(from: rank - 1, through: 0, by: -1) {
      result[axis] = step
      step *= dimensions[axis]
    }
    return result
  }
  public subscript(axis: Int) -> Int { dimensions[axis] }

  /// `[2, 3, 4]`.
  public var description: String { "[" + dimensions.map(String.init).joined(separator: ", ") + "]" }

  /// The product of the dimensions in `range`.
  public func count(_ range: Range<Int>) -> Int { dimensions[range].reduce(1, *) }

  /// An axis that may be negative (counted from the end), made non-negative; nil when out of range.
  public func normalizedAxis(_ axis: Int) -> Int? {
    let a = axis < 0 ? axis + rank : axis
    return (0..<rank).contains(a) ? a : nil
  }

  /// The NumPy broadcast of two shapes: dimensions are aligned at the end and each pair
  /// must be equal or contain a 1. Returns nil when they cannot be broadcast.
  public static func broadcast(_ a: Shape, _ b: Shape) -> Shape? {
    let rank = max(a.rank, b.rank)
    var result = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
      let da = i < rank - a.rank ? 1 : a.dimensions[i - (rank - a.rank)]
      let db = i < rank - b.rank ? 1 : b.dimensions[i - (rank - b.rank)]
      if da == db || db == 1 { result[i] = da } else if da == 1 { result[i] = db } else { return nil }
    }
    return Shape(result)
  }

  /// Strides for reading a tensor of this shape as if it had shape `target` (its broadcast):
  /// 0 along dimensions this shape repeats. `target.rank >= rank`.
  public func broadcastStrides(to target: Shape) -> [Int] {
    let own = strides
    let lead = target.rank - rank
    return (0..<target.rank).map { i in
      i < lead ? 0 : (dimensions[i - lead] == 1 && target.dimensions[i] != 1 ? 0 : own[i - lead])
    }
  }

  /// For each element of `target` (its broadcast, in row-major order), the flat index of the element
  /// of this shape it reads: the batch offsets of BATCH_MATMUL's operands. `target.rank >= rank`.
  public func broadcastIndices(to target: Shape) -> [Int] {
    let from = broadcastStrides(to: target), targetStrides = target.strides
    return (0..<target.elementCount).map { flat in
      var index = 0, rest = flat
      for axis in 0..<target.rank {
        index += rest / targetStrides[axis] * from[axis]
        rest %= targetStrides[axis]
      }
      return index
    }
  }
}
