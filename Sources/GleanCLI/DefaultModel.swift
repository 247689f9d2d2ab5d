import Foundation

/// Where the CLI finds the shipped question-answering model when `--model` is not given.
enum DefaultModel {
  /// The shipped default, relative to the repository (see Models/README.md).
  static let relativePath = "Models/glean-qa-minilm-l6.tflite"

  /// `$GLEAN_QA_MODEL`, else `Models/…` under the current directory, else under a parent of the executable
  /// (a `swift build` puts it in `.build/<config>/glean`, three levels below the repository).
  static func locate() throws -> URL {
    let fm = FileManager.default
    if let path = ProcessInfo.processInfo.environment["GLEAN_QA_MODEL"], !path.isEmpty {
      guard fm.fileExists(atPath: path) else { throw CLIError("GLEAN_QA_MODEL names \(path), which does not exist") }
      return URL(fileURLWithPath: path)
    }
    var candidates = [URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent(relativePath)]
    var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
      candidates.append(directory.appendingPathComponent(relativePath))
      directory = directory.deletingLastPathComponent()
    }
    if let found = candidates.first(where: { fm.fileExists(atPath: $0.path) }) { return found }
    throw CLIError("the default model \(relativePath) was not found (looked in the current directory and beside the glean executable); hint: run from the repository root, pass --model FILE, or set GLEAN_QA_MODEL")
  }
}
