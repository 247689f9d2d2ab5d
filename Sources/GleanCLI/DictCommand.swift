import ArgumentParser

/// `glean dict`: List and manage offline dictionaries.
struct Dict: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dict",
    abstract: "List and manage offline dictionaries."
  )

  func run() async throws {
    throw CLIError("glean dict is not available yet")
  }
}
