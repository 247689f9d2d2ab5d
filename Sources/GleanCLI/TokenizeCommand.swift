import ArgumentParser
import Foundation
import TFLiteFormat
import WordPiece

/// `glean tokenize`: Split text into WordPiece tokens with ids and offsets.
struct Tokenize: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tokenize",
    abstract: "Split text into WordPiece tokens with ids and offsets.",
    discussion: """
      Reproduces Hugging Face tokenizers (--mode hf, the default), google-research/bert (--mode google) or the \
      TFLite Task Library (--mode tflite) token for token. Offsets are [start, end) in Unicode scalars of the \
      text (of each line with --file), as Python tokenizers counts them.

      Examples:
        glean tokenize "Hello, world!"
        glean tokenize --json --file questions.txt
        glean tokenize --special --pair "It is blue." "What colour is it?"
      """
  )

  enum Mode: String, ExpressibleByArgument, CaseIterable {
    case hf, google, tflite
  }

  @Option(help: "BERT vocab.txt (one token per line). Default: the bert-base-uncased vocabulary: $GLEAN_BERT_VOCAB, else ./Vocab/bert-base-uncased/vocab.txt, else the copy packed in the default QA model (Models/glean-qa-minilm-l6.tflite), else ../shared/vocab/.")
  var vocab: String?

  @Option(help: "Whose rules to reproduce: hf, google or tflite.")
  var mode: Mode = .hf

  @Flag(help: "Keep case and accents (hf and google modes; use a cased vocabulary).")
  var cased = false

  @Option(help: "A second text, encoded as the pair: [CLS] TEXT [SEP] PAIR [SEP].")
  var pair: String?

  @Flag(help: "Print one JSON object per text (per line with --file): tokens, ids, offsets.")
  var json = false

  @Flag(help: "Add the special tokens ([CLS], [SEP]).")
  var special = false

  @Option(help: "Read the texts from FILE, one per line ('-' for standard input).")
  var file: String?

  @Flag(help: "Print only counts and tokenization speed (MB/s of UTF-8 input, reading excluded), not the tokens.")
  var stats = false

  @Argument(help: "The text to tokenize.")
  var text: String?

  func validate() throws {
    if text != nil && file != nil { throw ValidationError("give either TEXT or --file, not both") }
    if text == nil && file == nil { throw ValidationError("give a TEXT to tokenize or --file FILE") }
    if cased && mode == .tflite { throw ValidationError("--cased does not apply to --mode tflite (it always lower-cases ASCII)") }
  }

  func run() async throws {
    let tokenizer = try makeTokenizer()
    if let file {
      let input = try TextInput.read(file, allowBinary: true)
      input.warnIfReplaced()
      if input.text.utf8.contains(0) { printError("note: \(file) contains NUL bytes; they are tokenized as text") }
      let lines = Self.lines(of: input.text)
      if stats {
        print(try Self.measure(lines, pair: pair, special: special, tokenizer: tokenizer))
        return
      }
      var out = ""
      for line in lines {
        out += try render(line, pair: pair, tokenizer: tokenizer)
        if out.utf8.count > 1 << 20 {
          FileHandle.standardOutput.write(Data(out.utf8))
          out = ""
        }
      }
      FileHandle.standardOutput.write(Data(out.utf8))
    } else if let text {
      if stats {
        print(try Self.measure([text], pair: pair, special: special, tokenizer: tokenizer))
        return
      }
      FileHandle.standardOutput.write(Data(try render(text, pair: pair, tokenizer: tokenizer).utf8))
    }
  }

  /// Encodes every line and reports the throughput, one line of text.
  static func measure(_ lines: [String], pair: String?, special: Bool, tokenizer: BertTokenizer) throws -> String {
    let bytes = lines.reduce(0) { $0 + $1.utf8.count }
    var tokens = 0
    let clock = ContinuousClock()
    let elapsed = try clock.measure {
      for line in lines {
        do {
          tokens += try tokenizer.encode(line, pair: pair, options: EncodingOptions(addSpecialTokens: special)).count
        } catch {
          throw CLIError("\(error)")
        }
      }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let mbps = seconds > 0 ? Double(bytes) / 1e6 / seconds : 0
    return "\(lines.count) lines, \(bytes) bytes, \(tokens) tokens in \(String(format: "%.3f", seconds)) s: "
      + String(format: "%.2f", mbps) + " MB/s"
  }

  /// The tokenizer the options describe.
  func makeTokenizer() throws -> BertTokenizer {
    let vocabulary = try BertVocabularyLocator.vocabulary(vocab)
    let configuration: BertTokenizer.Configuration
    switch mode {
    case .hf: configuration = .huggingFace(lowercase: !cased)
    case .google: configuration = .googleBERT(lowercase: !cased)
    case .tflite: configuration = .tfliteTaskLibrary
    }
    do {
      return try BertTokenizer(vocabulary: vocabulary, configuration: configuration)
    } catch {
      throw CLIError("\(error)")
    }
  }

  /// Lines of a file: split on LF (scalar-wise: "\r\n" is one Character), a trailing CR dropped,
  /// no line after a final LF.
  static func lines(of text: String) -> [String] {
    var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      var scalars = String.UnicodeScalarView(line)
      if scalars.last == "\r" { scalars.removeLast() }
      return String(scalars)
    }
    if lines.last == "" { lines.removeLast() }
    return lines
  }

  /// The output for one text: a JSON line, or a table for people.
  func render(_ text: String, pair: String?, tokenizer: BertTokenizer) throws -> String {
    let encoding: Encoding
    do {
      encoding = try tokenizer.encode(text, pair: pair, options: EncodingOptions(addSpecialTokens: special))
    } catch {
      throw CLIError("\(error)")
    }
    if json {
      var out = "{\"tokens\": [" + encoding.tokens.map(JSONText.string).joined(separator: ", ") + "]"
      out += ", \"ids\": [" + encoding.ids.map(String.init).joined(separator: ", ") + "]"
      out += ", \"offsets\": [" + encoding.offsets.map { "[\($0.lowerBound), \($0.upperBound)]" }.joined(separator: ", ") + "]"
      if pair != nil { out += ", \"type_ids\": [" + encoding.typeIDs.map(String.init).joined(separator: ", ") + "]" }
      return out + "}\n"
    }
    var rows: [[String]] = [["#", "token", "id", "offsets", "text"]]
    for i in encoding.ids.indices {
      let source = encoding.sequenceIDs[i] == 1 ? (pair ?? "") : text
      let quoted = encoding.range(ofToken: i, in: source).map { JSONText.string(String(source[$0])) } ?? ""
      let offsets = encoding.sequenceIDs[i] == nil ? "-" : "\(encoding.offsets[i].lowerBound)..<\(encoding.offsets[i].upperBound)"
      rows.append([String(i), encoding.tokens[i], String(encoding.ids[i]), offsets, quoted])
    }
    let widths = (0..<5).map { c in rows.map { $0[c].count }.max() ?? 0 }
    var out = rows.map { row in
      row.enumerated().map { c, cell in c == 4 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
        .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
    out += "\n\(encoding.count) token\(encoding.count == 1 ? "" : "s")\n"
    return out
  }


}

/// Finds the default BERT (bert-base-uncased) vocabulary.
///
/// Glean ships it packed in the default question-answering model (Models/README.md; Vocab/README.md). The
/// search order is `$GLEAN_BERT_VOCAB`, `Vocab/bert-base-uncased/vocab.txt` (a file of your own there wins),
/// the vocabulary packed in the default model (`DefaultModel.locate()`), then
/// `../shared/vocab/bert-base-uncased-vocab.txt`; the files relative to the working directory and to the
/// repository the executable was built in.
enum BertVocabularyLocator {
  /// The default's file candidates, in order, the default model's packed copy aside.
  static func candidates() -> (preferred: [URL], fallback: [URL]) {
    var roots = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
    // The executable lives in <repo>/.build/<triple>/<config>/glean.
    var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<5 {
      if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
        roots.append(dir)
        break
      }
      dir = dir.deletingLastPathComponent()
    }
    var preferred: [URL] = []
    if let env = ProcessInfo.processInfo.environment["GLEAN_BERT_VOCAB"], !env.isEmpty {
      preferred.append(URL(fileURLWithPath: env))
    }
    preferred += roots.map { $0.appendingPathComponent("Vocab/bert-base-uncased/vocab.txt") }
    let fallback = roots.map { $0.deletingLastPathComponent().appendingPathComponent("shared/vocab/bert-base-uncased-vocab.txt") }
    return (preferred, fallback)
  }

  /// The vocabulary at `explicit` when given (it must exist), else the default (search order above).
  ///
  /// - Throws: `CLIError` when a file does not parse as a vocabulary, or, with nothing found, naming the places
  ///   searched, with a hint to pass `--vocab`.
  static func vocabulary(_ explicit: String?) throws -> Vocabulary {
    func load(_ url: URL) throws -> Vocabulary {
      do { return try Vocabulary(contentsOf: url) } catch { throw CLIError("\(url.path): \(error)") }
    }
    if let explicit {
      guard FileManager.default.fileExists(atPath: explicit) else { throw CLIError("no such vocabulary file: \(explicit)") }
      return try load(URL(fileURLWithPath: explicit))
    }
    let (preferred, fallback) = candidates()
    if let found = preferred.first(where: { FileManager.default.fileExists(atPath: $0.path) }) { return try load(found) }
    if let packed = try packedInDefaultModel() { return packed }
    if let found = fallback.first(where: { FileManager.default.fileExists(atPath: $0.path) }) { return try load(found) }
    throw CLIError("no vocabulary given and the default bert-base-uncased vocab.txt was not found (looked in: "
                   + preferred.map(\.path).joined(separator: ", ") + ", the default model " + DefaultModel.relativePath + ", "
                   + fallback.map(\.path).joined(separator: ", ") + "); hint: pass --vocab FILE or set GLEAN_BERT_VOCAB")
  }

  /// The vocabulary packed in the default QA model (`ModelFile.packedVocabulary()`), or nil when the model is
  /// not found or packs none.
  ///
  /// - Throws: `CLIError` when the model is there but does not load, or its vocabulary does not parse.
  static func packedInDefaultModel() throws -> Vocabulary? {
    guard let url = try? DefaultModel.locate() else { return nil }
    let file: ModelFile
    do { file = try ModelFile.load(contentsOf: url) } catch { throw CLIError("\(url.path): \(error)") }
    guard let (name, bytes) = file.packedVocabulary() else { return nil }
    do { return try Vocabulary(data: Data(bytes)) } catch { throw CLIError("\(url.path), packed \(name): \(error)") }
  }
}
