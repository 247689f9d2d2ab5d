import Foundation
import Testing
import TFLiteFormat
import TFLiteInterpreter
import TestSupport

/// Real third-party models from ../shared/real-models against outputs published upstream.
@Suite("Real TFLite text models")
struct RealModelTests {
  static let classifierPath = "real-models/nlclassifier_avgwordvec_imdb_regex_with_metadata.tflite"

  /// The TFLite Task NLClassifier regex tokenizer contract (test-only): split on `[^\w']+`
  /// (ASCII word characters, as C++ std::regex reads `\w`), no lower-casing, `<START>` first,
  /// `<UNKNOWN>` for words not in the vocabulary, `<PAD>` up to `length`.
  static func tokenize(_ text: String, vocab: [String: Int32], length: Int) -> [Int32] {
    var ids: [Int32] = [vocab["<START>"] ?? 1]
    var word = ""
    func flush() {
      if !word.isEmpty { ids.append(vocab[word] ?? vocab["<UNKNOWN>"] ?? 2) }
      word = ""
    }
    for scalar in text.unicodeScalars {
      let isWord = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "'")
      if isWord { word.unicodeScalars.append(scalar) } else { flush() }
    }
    flush()
    let pad = vocab["<PAD>"] ?? 0
    return Array((ids + Array(repeating: pad, count: max(0, length - ids.count))).prefix(length))
  }

  /// `vocab.txt` from the model's associated files: "word id" per line.
  static func vocabulary(_ file: ModelFile) throws -> [String: Int32] {
    let bytes = try #require(file.associatedFile(named: "vocab.txt"))
    var vocab: [String: Int32] = [:]
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
      guard let space = line.lastIndex(of: " "), let id = Int32(line[line.index(after: space)...]) else { continue }
      vocab[String(line[..<space])] = id
    }
    return vocab
  }

  @Test("NLClassifier (average word vectors, IMDB) reproduces the published scores",
        .enabled(if: TestPaths.shared(classifierPath) != nil, "needs ../shared (third-party data)"),
        arguments: [
          ("What a waste of my time.", Float(0.813130), Float(0.186870)),
          ("This is the best movie I\u{2019}ve seen in recent years. Strongly recommend it!", Float(0.486573), Float(0.513427)),
        ])
  func classifier(_ text: String, negative: Float, positive: Float) throws {
    let file = try ModelFile.load(contentsOf: try #require(TestPaths.shared(Self.classifierPath)))
    let model = Model(file: file)
    let interpreter = try Interpreter(model: model)
    try interpreter.allocateTensors()
    let input = try interpreter.input(0)
    #expect(input.type == .int32 && input.shape == [1, 256])
    let ids = Self.tokenize(text, vocab: try Self.vocabulary(file), length: 256)
    try interpreter.copy(ids, toInput: 0)
    try interpreter.invoke()
    let scores: [Float] = try interpreter.output(0)
    // Published to 6 decimals.
    #expect(Tolerance.firstMismatch(scores, [negative, positive], rtol: 0, atol: 1e-6) == nil, "\(scores)")
  }

  @Test("every real model either runs or is refused at load, listing all its missing ops",
        .enabled(if: TestPaths.sharedRoot != nil, "needs ../shared (third-party data)"))
  func everyRealModel() throws {
    let folder = try #require(TestPaths.shared("real-models"))
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tflite") }.sorted()
    #expect(names.count >= 10)
    for name in names {
      let model = try Model(contentsOf: folder.appendingPathComponent(name))
      let outcome: InterpreterError?
      do {
        let interpreter = try Interpreter(model: model)
        try interpreter.allocateTensors()
        try interpreter.invoke()
        outcome = nil
      } catch {
        outcome = error
      }
      guard let outcome else { continue }
      switch outcome {
      case .unsupportedOperators(let missing):
        // Custom and Flex ops (string tokenizers) are not builtins: each must be named.
        let expected = model.operatorCodes.filter { $0.builtin == .custom }.map { "\($0.customName ?? "") (custom)" }
        #expect(!missing.isEmpty && Set(expected).isSubset(of: Set(missing)), "\(name): \(missing)")
      case .invalidModel(let message):
        // STRING tensors (raw text inputs) are outside the builtin kernels.
        #expect(message.contains("STRING"), "\(name): \(message)")
      default:
        Issue.record("\(name): \(outcome)")
      }
    }
  }
}
