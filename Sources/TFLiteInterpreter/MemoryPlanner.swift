/// Lays out every non-constant tensor (and scratch buffer) of a graph in one arena, so that
/// buffers whose lifetimes overlap never share bytes and the others may.
///
/// Algorithm (the greedy-by-size planner of tflite-micro and LiteRT's arena planner):
/// buffers are placed from the largest to the smallest; each goes into the smallest gap
/// (best fit) between already-placed buffers that are alive at the same time, or above all of
/// them when no gap fits. Offsets are multiples of `alignment`. Cost: O(n²) in the number of buffers.
///
/// ```swift
/// let plan = MemoryPlanner.plan([
///   .init(size: 100, firstUse: 0, lastUse: 1),
///   .init(size: 100, firstUse: 2, lastUse: 3),   // may reuse the first one's bytes
/// ])
/// plan.arenaBytes  // 128
/// ```
public enum MemoryPlanner {
  /// The alignment of every buffer in the arena (a cache line; enough for SIMD loads).
  public static let alignment = 64

  /// One buffer to place: its size and the first and last node (inclusive) that use it.
  public struct Request: Sendable, Equatable {
    public var size: Int
    public var firstUse: Int
    public var lastUse: Int
    public init(size: Int, firstUse: Int, lastUse: Int) {
      self.size = size
      self.firstUse = firstUse
      self.lastUse = lastUse
    }
    func overlapsInTime(_ other: Request) -> Bool { firstUse <= other.lastUse && other.firstUse <= lastUse }
  }

  /// Offsets (in request order) and the arena size they need.
  public struct Plan: Sendable, Equatable {
    public var offsets: [Int]
    public var arenaBytes: Int
  }

  static func aligned(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

  /// Places every request; sizes of 0 get offset 0 and take no space.
  public static func plan(_ requests: [Request]) -> Plan {
    var offsets = [Int](repeating: 0, count: requests.count)
    // Largest first; ties by earlier first use, then by index, so plans are deterministic.
    let order = requests.indices.filter { requests[$0].size > 0 }.sorted {
      let (a, b) = (requests[$0], requests[$1])
      if a.size != b.size { return a.size > b.size }
      if a.firstUse != b.firstUse { return a.firstUse < b.firstUse }
      return $0 < $1
    }
    var placed: [Int] = []
    var arena = 0
    for i in order {
      let request = requests[i]
      let size = aligned(request.size)
      // Live neighbours, sorted by offset.
      let live = placed.filter { requests[$0].overlapsInTime(request) }.sorted { offsets[$0] < offsets[$1] }
      var best: (offset: Int, gap: Int)? = nil
      var cursor = 0
      for j in live {
        let gap = offsets[j] - cursor
        if gap >= size && (best == nil || gap < best!.gap) { best = (cursor, gap) }
        cursor = max(cursor, offsets[j] + aligned(requests[j].size))
      }
      let offset = best?.offset ?? cursor
      offsets[i] = offset
      placed.append(i)
      arena = max(arena, offset + size)
    }
    return Plan(offsets: offsets, arenaBytes: arena)
  }

  /// Pairs of requests that are alive at the same time and share bytes under `plan`.
  /// For tests only: a correct plan has none. O(n²).
  static func overlappingPairs(_ requests: [Request], _ plan: Plan) -> [(Int, Int)] {
    var pairs: [(Int, Int)] = []
    for a in requests.indices where requests[a].size > 0 {
      for b in requests.indices where b > a && requests[b].size > 0 {
        let (ra, rb) = (requests[a], requests[b])
        guard ra.overlapsInTime(rb) else { continue }
        let (oa, ob) = (plan.offsets[a], plan.offsets[b])
        if oa < ob + rb.size && ob < oa + ra.size { pairs.append((a, b)) }
      }
    }
    return pairs
  }
}
