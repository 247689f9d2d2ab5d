import ArgumentParser

/// The `glean` command: on-device text understanding, offline.
public struct Glean: AsyncParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "glean",
    abstract: "On-device text understanding: tokenize, run TensorFlow Lite text models, look words up offline.",
    version: "0.1.0",
    subcommands: [
      Ask.self,
      Eval.self,
      Tokenize.self,
      Vocab.self,
      Inspect.self,
      Run.self,
      Benchmark.self,
      Define.self,
      Gloss.self,
      Dict.self,
    ]
  )

  public init() {}
}

extension Glean {
  /// Runs the command line: parses `CommandLine.arguments`, runs the chosen subcommand, exits.
  ///
  /// The executable calls this rather than `main()`: from another module, `await Glean.main()`
  /// resolves to ParsableCommand's synchronous `main()`, which refuses asynchronous subcommands.
  public static func start() async {
    await (Glean.self as AsyncParsableCommand.Type).main()
  }
}
