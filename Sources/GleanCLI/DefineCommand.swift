import ArgumentParser

/// `glean define`: Look words up in offline dictionaries.
struct Define: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "define",
    abstract: "Look words up in offline dictionaries."
  )

  func run() async throws {
    throw CLIError("glean define is not available yet")
  }
}
