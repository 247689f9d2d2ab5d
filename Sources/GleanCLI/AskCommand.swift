import ArgumentParser
import Foundation
import TextTasks

/// `glean ask`: answer questions about a text file with the exact words of the file.
struct Ask: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ask",
    abstract: "Answer questions about a text file with the exact span of the file that answers.",
    discussion: """
      Long files are split into passages; the passages that best match the question (BM25) are read by the \
      model. With no question, glean reads questions from standard input, one per line, keeping the file loaded.

      Examples:
        glean ask notes.txt "When was Tesla born?"
        glean ask --json --top 3 book.txt "Who is the narrator?" "Where does it end?"
        cat notes.txt | glean ask - "What is due on Friday?"
      """
  )

  @Argument(help: "A UTF-8 text file, or - for standard input.")
  var file: String

  @Argument(help: "Questions to answer (none: read them from standard input, one per line).")
  var questions: [String] = []

  @Option(help: "How many answers to show per question.")
  var top: Int = 1

  @Flag(help: "Print one JSON array of answers per question: {text, score, start, end, line, column}, start/end as character (code point) offsets into the file.")
  var json = false

  @OptionGroup var modelOptions: QAModelOptions

  @Option(help: "How many of the best-matching passages to read.")
  var passages: Int = 8

  @Flag(help: "Read every passage of the file, not only the best-matching ones.")
  var exhaustive = false

  @Option(help: "Longest answer, in tokens.")
  var maxAnswerTokens: Int = 30

  func validate() throws {
    guard top >= 1 else { throw ValidationError("--top must be at least 1") }
    guard passages >= 1 else { throw ValidationError("--passages must be at least 1") }
    guard maxAnswerTokens >= 1 else { throw ValidationError("--max-answer-tokens must be at least 1") }
    if questions.isEmpty && file == "-" {
      throw ValidationError("with the file on standard input, give the questions as arguments")
    }
  }

  func run() async throws {
    let input = try TextInput.read(file)
    input.warnIfReplaced()
    guard input.text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
      throw CLIError("\(file) is empty: there is nothing to answer from")
    }
    // Loading the model and indexing the file are independent: do both at once.
    let (passages, exhaustive, maxAnswerTokens, modelOptions) = (self.passages, self.exhaustive, self.maxAnswerTokens, self.modelOptions)
    async let loading = Task.detached {
      try modelOptions.makeAnswerer { options in
        options.passages = exhaustive ? nil : passages
        options.maxAnswerTokens = maxAnswerTokens
      }
    }.value
    async let indexing = Task.detached { try QADocument(text: input.text) }.value
    let answerer = try await loading
    let document = try await indexing

    if questions.isEmpty {
      let interactive = isatty(STDIN_FILENO) != 0
      if interactive { printError("\(document.passages.count) passage(s) loaded. Ask a question (Ctrl-D to quit).") }
      while true {
        if interactive { FileHandle.standardError.write(Data("? ".utf8)) }
        guard let line = readLine() else { break }
        let question = line.trimmingCharacters(in: .whitespaces)
        if question.isEmpty { continue }
        do {
          try await answer(question, answerer: answerer, document: document)
        } catch let error as QuestionAnsweringError {
          printError("error: \(error)")
        }
      }
    } else {
      for question in questions {
        try await answer(question, answerer: answerer, document: document)
      }
    }
  }

  func answer(_ question: String, answerer: QuestionAnswerer, document: QADocument) async throws {
    let progress = Progress(enabled: true)
    let answers = try await answerer.answer(question, in: document, limit: top, progress: progress.report)
    progress.finish()
    print(try render(answers, question: question, mode: answerer.options.mode))
  }

  /// The answers to one question as the command prints them.
  func render(_ answers: [QuestionAnswerer.Answer], question: String, mode: QuestionAnswerer.Mode) throws -> String {
    if json {
      let objects = answers.map { a -> [String: Any] in
        ["text": a.text, "score": a.score, "start": a.scalarRange.lowerBound, "end": a.scalarRange.upperBound,
         "line": a.location.line, "column": a.location.column]
      }
      let data = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .withoutEscapingSlashes])
      return String(decoding: data, as: UTF8.self)
    }
    var lines: [String] = []
    if questions.count > 1 { lines.append("Q: \(question)") }
    if answers.isEmpty { lines.append("(no answer found)") }
    for a in answers {
      let score = mode == .standard ? String(format: "%.3f", a.score) : String(format: "logit %.3f", a.score)
      lines.append(a.text)
      lines.append("  score \(score) · line \(a.location.line), column \(a.location.column) · characters \(a.scalarRange.lowerBound)–\(a.scalarRange.upperBound)")
    }
    return lines.joined(separator: "\n")
  }
}

/// A one-line progress report on standard error, shown only when it is a terminal and work takes more than a moment.
final class Progress: @unchecked Sendable {
  private let enabled: Bool
  private let started = Date()
  private var shown = false
  private let lock = NSLock()

  init(enabled: Bool) { self.enabled = enabled && isatty(STDERR_FILENO) != 0 }

  /// Called with (windows read, windows to read).
  var report: @Sendable (Int, Int) -> Void {
    { [self] done, total in
      guard enabled, Date().timeIntervalSince(started) > 0.5 else { return }
      lock.lock()
      defer { lock.unlock() }
      shown = true
      FileHandle.standardError.write(Data("\rreading \(done)/\(total) windows…".utf8))
    }
  }

  func finish() {
    lock.lock()
    defer { lock.unlock() }
    if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
  }
}
