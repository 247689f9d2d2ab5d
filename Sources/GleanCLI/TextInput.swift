import Foundation

/// A text read from a file or standard input, decoded as UTF-8.
struct TextInput {
  /// The decoded text; invalid UTF-8 sequences became U+FFFD.
  let text: String
  /// How many invalid UTF-8 sequences were replaced.
  let replacedSequences: Int
  /// Where it came from, for messages ("-" for standard input).
  let source: String

  /// Reads `path` ("-" for standard input).
  ///
  /// - Throws: `ValidationError`-style `CLIError` for a missing file, a directory, or a binary file (NUL bytes
  ///   in its first 8 KiB, unless `allowBinary`).
  static func read(_ path: String, allowBinary: Bool = false) throws -> TextInput {
    let data: Data
    if path == "-" {
      data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CLIError("no such file: \(path)")
      }
      guard !isDirectory.boolValue else { throw CLIError("\(path) is a directory, not a text file") }
      do {
        data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
      } catch {
        throw CLIError("cannot read \(path): \(error.localizedDescription)")
      }
    }
    if !allowBinary, data.prefix(8192).contains(0) {
      throw CLIError("\(path) looks like a binary file (it contains NUL bytes); give a UTF-8 text file")
    }
    let (text, replaced) = decodeUTF8(data)
    return TextInput(text: text, replacedSequences: replaced, source: path)
  }

  /// Decodes UTF-8, replacing each invalid sequence with U+FFFD, and counts the replacements.
  static func decodeUTF8(_ data: Data) -> (String, Int) {
    if let valid = String(validatingUTF8Data: data) { return (valid, 0) }
    var replaced = 0
    var scalars = String.UnicodeScalarView()
    var decoder = UTF8()
    var iterator = data.makeIterator()
    loop: while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let s): scalars.append(s)
      case .emptyInput: break loop
      case .error:
        replaced += 1
        scalars.append("\u{FFFD}")
      }
    }
    return (String(scalars), replaced)
  }

  /// Says on standard error that invalid UTF-8 was replaced, when it was.
  func warnIfReplaced() {
    if replacedSequences > 0 {
      printError("warning: \(source) is not valid UTF-8; \(replacedSequences) invalid byte sequence(s) were replaced with U+FFFD")
    }
  }
}

extension String {
  /// Strict UTF-8 decoding: nil when `data` is not valid UTF-8.
  init?(validatingUTF8Data data: Data) {
    guard let s = String(data: data, encoding: .utf8) else { return nil }
    // Foundation accepts some invalid input on Linux; confirm by re-encoding length.
    guard s.utf8.count == data.count else { return nil }
    self = s
  }
}

/// An error the CLI reports as one line, with exit code 1.
struct CLIError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Writes a line to standard error.
func printError(_ line: String) {
  FileHandle.standardError.write(Data((line + "\n").utf8))
}
