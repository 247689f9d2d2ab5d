/// A position in a text as a person finds it: 1-based line and column (columns count Unicode scalars).
public struct TextLocation: Sendable, Equatable, CustomStringConvertible {
  public var line: Int
  public var column: Int
  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }
  public var description: String { "\(line):\(column)" }
}

/// Maps scalar offsets of a text to lines and columns, after one pass over the text.
///
/// Lines end at "\n" (a "\r\n" pair counts as one line end; a lone "\r" is a character of its line).
///
/// ```swift
/// let lines = LineIndex("first\nsecond")
/// lines.location(ofScalarOffset: 7)  // line 2, column 2
/// ```
public struct LineIndex: Sendable {
  /// Scalar offset where each line starts.
  let lineStarts: [Int]

  public init(_ text: String) {
    var starts = [0]
    var offset = 0
    for s in text.unicodeScalars {
      offset += 1
      if s == "\n" { starts.append(offset) }
    }
    lineStarts = starts
  }

  /// The line and column of a scalar offset (offsets past the end land on the last line).
  public func location(ofScalarOffset offset: Int) -> TextLocation {
    var low = 0, high = lineStarts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
    }
    return TextLocation(line: low + 1, column: max(0, offset - lineStarts[low]) + 1)
  }
}
