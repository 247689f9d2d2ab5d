import ArgumentParser

/// `glean gloss`: Gloss a text word by word from an offline dictionary.
struct Gloss: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gloss",
    abstract: "Gloss a text word by word from an offline dictionary."
  )

  func run() async throws {
    throw CLIError("glean gloss is not available yet")
  }
}
