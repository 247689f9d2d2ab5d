import ArgumentParser
import Foundation
import TextTasks

/// The options that choose and run a question-answering model, shared by `ask` and `eval squad`.
struct QAModelOptions: ParsableArguments {
  @Option(help: "A .tflite model with the BERT question-answering contract (default: \(DefaultModel.relativePath)).")
  var model: String?

  @Option(help: "A vocab.txt, when the model carries none in its metadata.")
  var vocab: String?

  @Option(help: "Interpreter threads (default: the cores available).")
  var threads: Int?

  @Option(help: "'tflite' reproduces the TFLite Task Library's BertQuestionAnswerer exactly (one truncated window, top 5×5 logits, words re-joined with spaces).")
  var compat: String?

  func validate() throws {
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    if let compat, compat != "tflite" { throw ValidationError("--compat takes only 'tflite'") }
  }

  /// Loads the model with these options, after `configure` has set the rest.
  func makeAnswerer(_ configure: (inout QuestionAnswerer.Options) -> Void = { _ in }) throws -> QuestionAnswerer {
    var options = QuestionAnswerer.Options()
    options.mode = compat == "tflite" ? .tfliteCompatible : .standard
    options.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
    configure(&options)
    let modelURL = try model.map { URL(fileURLWithPath: $0) } ?? DefaultModel.locate()
    return try QuestionAnswerer(modelAt: modelURL, vocabulary: vocab.map { URL(fileURLWithPath: $0) }, options: options)
  }
}
