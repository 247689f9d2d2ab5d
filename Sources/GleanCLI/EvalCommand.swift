import ArgumentParser
import Foundation
import TextTasks

/// `glean eval`: measure a task's quality on a standard dataset.
struct Eval: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval",
    abstract: "Measure quality on standard datasets.",
    subcommands: [Squad.self]
  )
}

extension Eval {
  /// `glean eval squad`: exact match and F1 on a SQuAD v1.1 file, under the official rules.
  struct Squad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "squad",
      abstract: "Answer every question of a SQuAD v1.1 file and score the answers (exact match, F1) by the official rules.",
      discussion: """
        Each question is asked against its own paragraph, or with --document-level against its whole article \
        (paragraphs joined by blank lines), which exercises passage retrieval and the reader together.
        """
    )

    @Argument(help: "A SQuAD v1.1 JSON file.")
    var data: String

    @OptionGroup var modelOptions: QAModelOptions

    @Option(help: "Answer only the first N questions.")
    var limit: Int?

    @Option(parsing: .upToNextOption, help: "Only these articles (by title), e.g. a held-out split.")
    var articles: [String] = []

    @Option(help: "Write the predictions ({id: answer}) to this JSON file.")
    var predictions: String?

    @Flag(help: "Ask each question against its whole article instead of its paragraph.")
    var documentLevel = false

    @Flag(help: "Print {exact_match, f1, count, p50_ms, p95_ms} as JSON.")
    var json = false

    func validate() throws {
      if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
      var dataset: SQuADDataset
      do { dataset = try SQuADDataset(contentsOf: URL(fileURLWithPath: data)) } catch { throw CLIError("\(error)") }
      if !articles.isEmpty {
        let missing = Set(articles).subtracting(dataset.articles.map(\.title))
        guard missing.isEmpty else { throw CLIError("no article titled \(missing.sorted().joined(separator: ", ")) in \(data)") }
        dataset.articles = dataset.articles.filter { articles.contains($0.title) }
      }
      let answerer = try modelOptions.makeAnswerer()

      let total = min(limit ?? .max, dataset.questionCount)
      var answered: [String: String] = [:]
      var latencies: [Double] = []
      var asked = SQuADDataset(version: dataset.version, articles: [])
      let showProgress = isatty(STDERR_FILENO) != 0
      articles: for article in dataset.articles {
        var keptArticle = SQuADDataset.Article(title: article.title, paragraphs: [])
        let articleDocument = documentLevel
          ? try QADocument(text: article.paragraphs.map(\.context).joined(separator: "\n\n")) : nil
        for paragraph in article.paragraphs {
          let document = try articleDocument ?? QADocument(text: paragraph.context)
          var keptParagraph = SQuADDataset.Paragraph(context: paragraph.context, questions: [])
          for question in paragraph.questions {
            if latencies.count == total { break }
            let started = DispatchTime.now().uptimeNanoseconds
            let best = try await answerer.answer(question.question, in: document, limit: 1).first
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
            answered[question.id] = best?.text ?? ""
            keptParagraph.questions.append(question)
            if showProgress { FileHandle.standardError.write(Data("\r\(latencies.count)/\(total) questions".utf8)) }
          }
          if !keptParagraph.questions.isEmpty { keptArticle.paragraphs.append(keptParagraph) }
          if latencies.count == total {
            asked.articles.append(keptArticle)
            break articles
          }
        }
        if !keptArticle.paragraphs.isEmpty { asked.articles.append(keptArticle) }
      }
      if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }

      let score = SQuADEvaluation.evaluate(dataset: asked, predictions: answered)
      let sorted = latencies.sorted()
      func percentile(_ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((p * Double(sorted.count - 1)).rounded()))]
      }
      if let predictions {
        let data = try JSONSerialization.data(withJSONObject: answered, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        try data.write(to: URL(fileURLWithPath: predictions))
      }
      if json {
        let object: [String: Any] = ["exact_match": score.exactMatch, "f1": score.f1, "count": score.count,
                                     "p50_ms": percentile(0.5), "p95_ms": percentile(0.95)]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
      } else {
        print(String(format: "exact match %.2f  F1 %.2f  over %d questions (%@ level)", score.exactMatch, score.f1, score.count,
                     documentLevel ? "document" : "paragraph"))
        print(String(format: "latency per question: p50 %.1f ms, p95 %.1f ms", percentile(0.5), percentile(0.95)))
      }
    }
  }
}
