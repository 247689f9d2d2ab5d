import ArgumentParser

/// `glean run`: Run any TensorFlow Lite model on inputs from .npy or JSON files.
struct Run: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run any TensorFlow Lite model on inputs from .npy or JSON files."
  )

  func run() async throws {
    throw CLIError("glean run is not available yet")
  }
}
