import ArgumentParser

/// `glean inspect`: Describe a TensorFlow Lite model: inputs, outputs, ops, metadata.
struct Inspect: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Describe a TensorFlow Lite model: inputs, outputs, ops, metadata."
  )

  func run() async throws {
    throw CLIError("glean inspect is not available yet")
  }
}
