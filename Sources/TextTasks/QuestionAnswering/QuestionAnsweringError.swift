import TFLiteFormat
import TFLiteInterpreter
import UnicodeText
import WordPiece

/// Why question answering could not start or finish.
public enum QuestionAnsweringError: Error, Sendable, CustomStringConvertible {
  /// The model's inputs and outputs are not the BERT question-answering contract.
  case modelContract(expected: String, found: String)
  /// The model names no vocabulary in its metadata and none was given.
  case noVocabulary(model: String)
  /// The vocabulary could not be loaded.
  case vocabulary(VocabularyError)
  /// The model file could not be read.
  case modelFile(ModelFormatError)
  /// The interpreter refused the model or failed to run it.
  case interpreter(InterpreterError)
  /// ICU failed while analysing text.
  case unicode(UnicodeTextError)
  /// The question has no tokens (empty, or only characters the tokenizer drops).
  case emptyQuestion
  /// The model's sequence is too short to hold the question and any context.
  case sequenceTooShort(sequenceLength: Int, questionTokens: Int)
  /// The model scored a position NaN or +∞: spans cannot be ranked.
  case nonFiniteLogits(output: String, position: Int, value: Float)

  public var description: String {
    switch self {
    case .modelContract(let expected, let found):
      "the model does not fit the BERT question-answering contract: expected \(expected); found \(found). "
        + "Hint: use a model exported with inputs ids, mask, segment_ids and outputs end_logits, start_logits (TFLite Task Library BertQuestionAnswerer)"
    case .noVocabulary(let model):
      "\(model) carries no vocabulary (no BertTokenizerOptions with vocab.txt in its metadata); hint: pass one with --vocab FILE"
    case .vocabulary(let e): "vocabulary: \(e)"
    case .modelFile(let e): "model: \(e)"
    case .interpreter(let e): "interpreter: \(e)"
    case .unicode(let e): "\(e)"
    case .emptyQuestion: "the question is empty (it has no words the tokenizer keeps)"
    case .sequenceTooShort(let s, let q):
      "the model reads \(s) tokens at a time, too few for a question of \(q) tokens and some context; hint: ask a shorter question"
    case .nonFiniteLogits(let output, let position, let value):
      "the model gave \(value) as \(output)[\(position)]; answers cannot be ranked on scores that are not finite numbers"
    }
  }
}
