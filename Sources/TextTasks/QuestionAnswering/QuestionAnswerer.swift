import Foundation
import TFLiteFormat
import TFLiteInterpreter
import WordPiece

/// Answers questions about a text with a BERT-style extractive reader: the answer is a span of the text.
///
/// Load once, answer many; the answerer is `Sendable`, and concurrent calls each use their own
/// interpreter. Long documents are split into passages, ranked against the question with BM25, and
/// only the best passages are read (see `Options.passages`).
///
/// ```swift
/// let answerer = try QuestionAnswerer(modelAt: URL(fileURLWithPath: "Models/glean-qa-minilm-l6.tflite"))
/// let answers = try await answerer.answer("When was Tesla born?", in: try QADocument(text: notes))
/// if let best = answers.first {
///   print(best.text, best.score, best.location)   // "10 July 1856" 0.93 3:41
/// }
/// ```
///
/// - Throws (at load): `QuestionAnsweringError.modelFile` for an unreadable model,
///   `.modelContract` when its inputs and outputs are not ids/mask/segment_ids → end_logits/start_logits,
///   `.noVocabulary` or `.vocabulary` when no usable vocabulary is found, `.interpreter` when an op is missing.
public final class QuestionAnswerer: Sendable {
  /// How answers are found.
  public enum Mode: String, Sendable, CaseIterable {
    /// Windows over the whole passage with overlap, maximum-context rule, n-best spans scored against
    /// their window's [CLS] ("no answer") logits, probabilities, answers quoted exactly from the text.
    case standard
    /// The TFLite Task Library's BertQuestionAnswerer, reproduced exactly: one window (the context is
    /// truncated), the top 5 × 5 start and end logits, answers of at most 32 tokens, words re-joined with
    /// single spaces, score = start + end logit.
    case tfliteCompatible = "tflite"
  }

  /// Tuning for `answer(_:in:)`.
  public struct Options: Sendable {
    /// How answers are found.
    public var mode: Mode = .standard
    /// Interpreter threads.
    public var threads: Int = 1
    /// Most tokens of the question that are kept (BERT's SQuAD setting: 64).
    public var maxQuestionTokens: Int = 64
    /// Context tokens shared by consecutive windows (at most half a window).
    public var stride: Int = 128
    /// Start and end positions considered per window.
    public var nBest: Int = 20
    /// Longest answer, in tokens.
    public var maxAnswerTokens: Int = 30
    /// How many passages of a long document to read (the best by BM25); nil reads them all.
    public var passages: Int? = 8

    public init() {}
  }

  /// One answer.
  public struct Answer: Sendable, Equatable {
    /// The answer as it appears in the document (in `.tfliteCompatible` mode: its words joined by single spaces).
    public var text: String
    /// Probability among the candidate answers (0...1); in `.tfliteCompatible` mode the start + end logit.
    public var score: Double
    /// The answer's range in the document's Unicode scalars (code points).
    public var scalarRange: Range<Int>
    /// The answer's range in the document.
    public var range: Range<String.Index>
    /// Line and column where the answer starts.
    public var location: TextLocation

    public init(text: String, score: Double, scalarRange: Range<Int>, range: Range<String.Index>, location: TextLocation) {
      self.text = text
      self.score = score
      self.scalarRange = scalarRange
      self.range = range
      self.location = location
    }
  }

  let model: Model
  let binding: QAModelBinding
  /// Hugging Face BERT rules in `.standard` mode, the Task Library's in `.tfliteCompatible` mode.
  let tokenizer: BertTokenizer
  let pool: InterpreterPool
  public let options: Options

  /// Loads a question-answering model.
  ///
  /// - Parameters:
  ///   - url: a `.tflite` file with the BERT QA contract.
  ///   - vocabulary: a `vocab.txt`; when nil, the vocabulary packed in the model's metadata is used.
  ///   - lowercase: whether the model is uncased (lower-cases and strips accents, as BERT uncased).
  ///   - options: search and decoding settings.
  public convenience init(modelAt url: URL, vocabulary: URL? = nil, lowercase: Bool = true, options: Options = Options()) throws(QuestionAnsweringError) {
    let model: Model
    do { model = try Model(contentsOf: url) } catch { throw .modelFile(error) }
    let vocab: Vocabulary
    if let vocabulary {
      do { vocab = try Vocabulary(contentsOf: vocabulary) } catch { throw .vocabulary(error) }
    } else {
      vocab = try Self.packedVocabulary(of: model, name: url.lastPathComponent)
    }
    try self.init(model: model, vocabulary: vocab, lowercase: lowercase, options: options)
  }

  /// An answerer over a loaded model and vocabulary.
  public init(model: Model, vocabulary: Vocabulary, lowercase: Bool = true, options: Options = Options()) throws(QuestionAnsweringError) {
    self.model = model
    self.binding = try QAModelBinding.bind(model)
    do {
      let rules: BertTokenizerConfiguration = switch options.mode {
      case .standard: .huggingFace(lowercase: lowercase)
      case .tfliteCompatible: .tfliteTaskLibrary
      }
      self.tokenizer = try BertTokenizer(vocabulary: vocabulary, configuration: rules)
    } catch {
      throw .vocabulary(error)
    }
    var interpreterOptions = Interpreter.Options()
    interpreterOptions.threads = max(1, options.threads)
    self.pool = InterpreterPool(model: model, options: interpreterOptions)
    self.options = options
    // Fail now, not at the first question, when an op is missing.
    try pool.withInterpreter { _ throws(QuestionAnsweringError) in }
  }

  /// The vocabulary named by the model's BertTokenizerOptions, read from its packed files.
  static func packedVocabulary(of model: Model, name: String) throws(QuestionAnsweringError) -> Vocabulary {
    guard let (_, bytes) = model.file?.packedVocabulary() else { throw .noVocabulary(model: name) }
    do { return try Vocabulary(data: Data(bytes)) } catch { throw .vocabulary(error) }
  }

  /// Tokens per window the model reads.
  public var sequenceLength: Int { binding.sequenceLength }

  /// The best answers to `question` in `document`, best first.
  ///
  /// - Parameters:
  ///   - limit: how many answers to return.
  ///   - progress: called after each window the model reads, with (windows read, windows to read).
  /// - Throws: `QuestionAnsweringError.emptyQuestion`, `.sequenceTooShort`, `.interpreter` if a run fails,
  ///   `.modelContract` if the logits come out shorter than the sequence, `.nonFiniteLogits` for NaN or +∞,
  ///   and `CancellationError` when the task is cancelled (checked between windows).
  public func answer(_ question: String, in document: QADocument, limit: Int = 5,
                     progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> [Answer] {
    switch options.mode {
    case .standard: try answerStandard(question, in: document, limit: limit, progress: progress)
    case .tfliteCompatible: try answerCompatible(question, context: document.text, document: document, limit: limit)
    }
  }

  /// Convenience: the best answers to `question` in `text`.
  public func answer(_ question: String, in text: String, limit: Int = 5) async throws -> [Answer] {
    try await answer(question, in: try QADocument(text: text), limit: limit)
  }

  /// Runs the model on one window and returns (start logits, end logits).
  func run(ids: [Int32], mask: [Int32], segments: [Int32]) throws(QuestionAnsweringError) -> (start: [Float], end: [Float]) {
    try pool.withInterpreter { interpreter throws(QuestionAnsweringError) in
      let start: [Float], end: [Float]
      do throws(InterpreterError) {
        try interpreter.copy(ids, toInput: binding.ids)
        try interpreter.copy(mask, toInput: binding.mask)
        try interpreter.copy(segments, toInput: binding.segmentIDs)
        try interpreter.invoke()
        start = try interpreter.output(binding.startLogits)
        end = try interpreter.output(binding.endLogits)
      } catch {
        throw .interpreter(error)
      }
      try Self.checkLogits(start: start, end: end, sequenceLength: binding.sequenceLength)
      return (start, end)
    }
  }

  /// The decoders index every position of the window and rank spans by sums of logits, so a model
  /// whose outputs come out shorter than declared, or that scores NaN or +∞ anywhere, is refused here
  /// rather than trapping or ranking answers arbitrarily. −∞ is allowed: a model may mask positions
  /// that way, and a span scored −∞ is never an answer (`AnswerRanking` drops it).
  static func checkLogits(start: [Float], end: [Float], sequenceLength: Int) throws(QuestionAnsweringError) {
    for (name, logits) in [("start_logits", start), ("end_logits", end)] {
      guard logits.count >= sequenceLength else {
        throw .modelContract(expected: "\(name) holding \(sequenceLength) values", found: "\(logits.count) after running the model")
      }
      if let i = logits.prefix(sequenceLength).firstIndex(where: { $0.isNaN || $0 == .infinity }) {
        throw .nonFiniteLogits(output: name, position: i, value: logits[i])
      }
    }
  }
}
