import ArgumentParser

/// `glean vocab`: Train and check WordPiece vocabularies.
struct Vocab: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vocab",
    abstract: "Train and check WordPiece vocabularies."
  )

  func run() async throws {
    throw CLIError("glean vocab is not available yet")
  }
}
