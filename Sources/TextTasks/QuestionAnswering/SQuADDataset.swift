import Foundation

/// A dataset in the SQuAD v1.1 JSON format: articles of paragraphs, each with questions and reference answers.
///
/// ```swift
/// let dataset = try SQuADDataset(contentsOf: URL(fileURLWithPath: "dev-v1.1.json"))
/// print(dataset.questionCount)
/// ```
public struct SQuADDataset: Sendable, Decodable {
  public struct Answer: Sendable, Decodable, Equatable {
    public var text: String
    /// Offset of the answer in the paragraph's context, in Unicode code points (as Python counts it).
    public var answerStart: Int
    enum CodingKeys: String, CodingKey { case text, answerStart = "answer_start" }
  }
  public struct Question: Sendable, Decodable {
    public var id: String
    public var question: String
    public var answers: [Answer]
  }
  public struct Paragraph: Sendable, Decodable {
    public var context: String
    public var questions: [Question]
    enum CodingKeys: String, CodingKey { case context, questions = "qas" }
    public init(context: String, questions: [Question]) {
      self.context = context
      self.questions = questions
    }
  }
  public struct Article: Sendable, Decodable {
    public var title: String
    public var paragraphs: [Paragraph]
    public init(title: String, paragraphs: [Paragraph]) {
      self.title = title
      self.paragraphs = paragraphs
    }
  }

  public var version: String
  public var articles: [Article]
  enum CodingKeys: String, CodingKey { case version, articles = "data" }

  /// A dataset from its articles.
  public init(version: String = "1.1", articles: [Article]) {
    self.version = version
    self.articles = articles
  }

  /// Reads a SQuAD JSON file.
  ///
  /// - Throws: `SQuADDatasetError` when the file cannot be read or is not SQuAD JSON.
  public init(contentsOf url: URL) throws {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw SQuADDatasetError(message: "cannot read \(url.path): \(error.localizedDescription)")
    }
    try self.init(json: data, source: url.path)
  }

  /// Parses SQuAD JSON.
  public init(json: Data, source: String = "input") throws {
    do {
      self = try JSONDecoder().decode(SQuADDataset.self, from: json)
    } catch {
      throw SQuADDatasetError(message: "\(source) is not a SQuAD v1.1 JSON file (expected {\"version\", \"data\": [{\"title\", \"paragraphs\": [{\"context\", \"qas\"}]}]}): \(error)")
    }
  }

  /// The number of questions in all articles.
  public var questionCount: Int { articles.reduce(0) { $0 + $1.paragraphs.reduce(0) { $0 + $1.questions.count } } }
}

/// A SQuAD file could not be read.
public struct SQuADDatasetError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var description: String { message }
}
