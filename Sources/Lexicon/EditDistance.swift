/// Damerau–Levenshtein distance in its "optimal string alignment" form (insertions, deletions,
/// substitutions and transpositions of two adjacent characters, each costing 1), bounded: the search
/// stops as soon as the distance must exceed `bound`.
///
/// ```swift
/// var distance = EditDistance(maximumLength: 64)
/// distance.between(Array("ecoel".unicodeScalars.map(\.value)), Array("ecole".unicodeScalars.map(\.value)), bound: 2)  // 1
/// ```
struct EditDistance {
  private var previousPrevious: [Int]
  private var previous: [Int]
  private var current: [Int]

  /// Room for words up to `maximumLength` characters.
  init(maximumLength: Int) {
    previousPrevious = Array(repeating: 0, count: maximumLength + 1)
    previous = previousPrevious
    current = previousPrevious
  }

  /// The distance between `a` and `b`, or nil when it is more than `bound` (or a word is too long).
  mutating func between<A: RandomAccessCollection, B: RandomAccessCollection>(_ a: A, _ b: B, bound: Int) -> Int?
  where A.Element == UInt32, B.Element == UInt32, A.Index == Int, B.Index == Int {
    let n = a.count, m = b.count
    guard abs(n - m) <= bound, m < current.count, n < current.count else { return nil }
    if n == 0 { return m }
    if m == 0 { return n }
    let aStart = a.startIndex, bStart = b.startIndex
    for j in 0...m { previous[j] = j }
    for i in 1...n {
      current[0] = i
      var rowMinimum = i
      let ai = a[aStart + i - 1]
      for j in 1...m {
        let bj = b[bStart + j - 1]
        let cost = ai == bj ? 0 : 1
        var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if i > 1, j > 1, ai == b[bStart + j - 2], a[aStart + i - 2] == bj {
          value = min(value, previousPrevious[j - 2] + 1)
        }
        current[j] = value
        rowMinimum = min(rowMinimum, value)
      }
      if rowMinimum > bound { return nil }
      swap(&previousPrevious, &previous)
      swap(&previous, &current)
    }
    let distance = previous[m]
    return distance <= bound ? distance : nil
  }
}
