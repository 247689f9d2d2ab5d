import ArgumentParser

/// `glean tokenize`: Split text into WordPiece tokens with ids and offsets.
struct Tokenize: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tokenize",
    abstract: "Split text into WordPiece tokens with ids and offsets."
  )

  func run() async throws {
    throw CLIError("glean tokenize is not available yet")
  }
}
