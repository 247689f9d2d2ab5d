import ArgumentParser
import Foundation
import WordPiece

/// `glean vocab`: Train and check WordPiece vocabularies.
struct Vocab: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vocab",
    abstract: "Train and check WordPiece vocabularies.",
    subcommands: [Train.self, Check.self]
  )

  /// `glean vocab train`: learn a WordPiece vocabulary from text files.
  struct Train: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Learn a WordPiece vocabulary (vocab.txt) from text files, as Hugging Face's WordPieceTrainer does.",
      discussion: """
        Words are normalised and split by the BERT rules of --mode (lower-cased with accents stripped unless \
        --cased), counted, and merged pair by pair (BPE) into WordPiece tokens. Ties are broken deterministically.

        Example:
          glean vocab train --vocab-size 8000 --min-frequency 2 --output vocab.txt corpus.txt
        """
    )

    @Option(help: "The vocabulary size, special tokens included.")
    var vocabSize: Int = 30_000

    @Option(help: "The fewest occurrences of a pair for it to be merged.")
    var minFrequency: Int = 2

    @Option(help: "Keep at most this many characters in the initial alphabet (the most frequent).")
    var limitAlphabet: Int = 1000

    enum Casing: String, EnumerableFlag {
      case lowercase, cased

      static func help(for value: Casing) -> ArgumentHelp? {
        switch value {
        case .lowercase: return "Lower-case and strip accents (the default)."
        case .cased: return "Keep case and accents."
        }
      }
    }

    @Flag var casing: Casing = .lowercase

    @Option(help: "Whose normalisation rules to use: hf or google.")
    var mode: String = "hf"

    @Option(parsing: .upToNextOption, help: "Special tokens, given the first ids.")
    var specialTokens: [String] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    @Option(help: "The prefix of pieces that continue a word.")
    var prefix: String = "##"

    @Option(name: .shortAndLong, help: "Where to write vocab.txt.")
    var output: String

    @Argument(help: "Text files to learn from (UTF-8, one or more; '-' for standard input).")
    var files: [String]

    func validate() throws {
      if files.isEmpty { throw ValidationError("give at least one text FILE to learn from") }
      if vocabSize < 1 { throw ValidationError("--vocab-size must be positive") }
      if minFrequency < 0 { throw ValidationError("--min-frequency must not be negative") }
      if limitAlphabet < 1 { throw ValidationError("--limit-alphabet must be positive") }
      if mode != "hf" && mode != "google" { throw ValidationError("--mode must be hf or google") }
      if prefix.isEmpty { throw ValidationError("--prefix must not be empty") }
    }

    func run() async throws {
      let vocabulary = try train()
      do {
        try vocabulary.write(to: URL(fileURLWithPath: output))
      } catch {
        throw CLIError("\(error)")
      }
      print("wrote \(vocabulary.count) tokens to \(output)")
    }

    /// Reads the files and trains.
    func train() throws -> Vocabulary {
      let lower = casing == .lowercase
      let configuration: BertTokenizer.Configuration = mode == "google" ? .googleBERT(lowercase: lower) : .huggingFace(lowercase: lower)
      do {
        var trainer = try WordPieceTrainer(vocabularySize: vocabSize, minimumFrequency: minFrequency, limitAlphabet: limitAlphabet,
                                           specialTokens: specialTokens, continuingSubwordPrefix: prefix, configuration: configuration)
        for file in files {
          let input = try TextInput.read(file, allowBinary: true)
          input.warnIfReplaced()
          trainer.feed(Tokenize.lines(of: input.text))
        }
        if trainer.distinctWords == 0 { printError("warning: the input holds no words; the vocabulary has only the special tokens") }
        return try trainer.train()
      } catch let error as VocabularyError {
        throw CLIError("\(error)")
      }
    }
  }

  /// `glean vocab check`: load a vocabulary and describe it.
  struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Load a vocabulary and report its size, special tokens and longest token; errors name the bad line."
    )

    @Flag(help: "The file is a word-index vocabulary ('token id' per line), not one token per line.")
    var wordIndex = false

    @Argument(help: "The vocabulary file.")
    var file: String

    func run() async throws {
      print(try report())
    }

    func report() throws -> String {
      let vocabulary: Vocabulary
      do {
        vocabulary = try Vocabulary(contentsOf: URL(fileURLWithPath: file), format: wordIndex ? .wordIndex : .lines)
      } catch {
        throw CLIError("\(error)")
      }
      let specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map { token in
        "\(token)=\(vocabulary.id(for: token).map(String.init) ?? "missing")"
      }
      let longest = vocabulary.tokens.max { $0.utf8.count < $1.utf8.count } ?? ""
      let continuing = vocabulary.tokens.filter { $0.utf8.starts(with: "##".utf8) }.count
      return """
        \(file): \(vocabulary.count) tokens (\(continuing) continuing with ##)
        special tokens: \(specials.joined(separator: " "))
        longest token: \(JSONText.string(longest)) (\(longest.utf8.count) bytes)
        """
    }
  }
}
