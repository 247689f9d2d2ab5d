import Testing
import TFLiteKernels

@Suite("Shape rules")
struct ShapeTests {
  @Test("element count, strides and axes")
  func basics() {
    let s = Shape([2, 3, 4])
    #expect(s.elementCount == 24)
    #expect(s.strides == [12, 4, 1])
    #expect(Shape([Int]()).elementCount == 1)
    #expect(s.normalizedAxis(-1) == 2)
    #expect(s.normalizedAxis(3) == nil)
  }

  @Test("NumPy broadcasting both ways, and refusal")
  func broadcast() {
    #expect(Shape.broadcast(Shape([2, 1, 4]), Shape([3, 1])) == Shape([2, 3, 4]))
    #expect(Shape.broadcast(Shape([5]), Shape([])) == Shape([5]))
    #expect(Shape.broadcast(Shape([2, 3]), Shape([2])) == nil)
    #expect(Shape([3, 1]).broadcastStrides(to: Shape([2, 3, 4])) == [0, 1, 0])
    // Batch offsets: [1, 3] read as [2, 3] repeats its row; [2, 1] read as [2, 3] repeats each element.
    #expect(Shape([1, 3]).broadcastIndices(to: Shape([2, 3])) == [0, 1, 2, 0, 1, 2])
    #expect(Shape([2, 1]).broadcastIndices(to: Shape([2, 3])) == [0, 0, 0, 1, 1, 1])
    #expect(Shape([]).broadcastIndices(to: Shape([])) == [0])
  }
}
