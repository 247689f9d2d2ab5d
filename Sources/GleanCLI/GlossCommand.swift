import ArgumentParser
import Foundation
import Lexicon

/// `glean gloss`: Gloss a text word by word from an offline dictionary.
struct Gloss: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gloss",
    abstract: "Gloss a text word by word from an offline dictionary.",
    discussion: """
      Splits the text into words (ICU word breaks), looks each up (exact, case/accent-insensitive, inflected \
      forms; --fuzzy adds typing errors) and prints each word above its first sense. Unknown words get "?".
      """
  )

  @Argument(help: "A text file, - for standard input, or the text itself.")
  var input: String

  @OptionGroup var options: DictionaryOptions

  @Flag(help: "Print JSON: one object per word with its range in Unicode scalars.")
  var json = false

  @Flag(help: "Also try words within 2 typing errors (slower on large dictionaries).")
  var fuzzy = false

  @Option(help: "Wrap the interlinear gloss at this many columns.")
  var width = 80

  func run() throws { try execute().emit() }

  func execute() throws -> CommandOutput {
    var output = CommandOutput()
    let text: String
    if input == "-" || FileManager.default.fileExists(atPath: input) {
      let read = try TextInput.read(input)
      if read.replacedSequences > 0 {
        output.standardError.append("warning: \(input) is not valid UTF-8; \(read.replacedSequences) invalid byte sequence(s) were replaced with U+FFFD")
      }
      text = read.text
    } else {
      text = input
    }
    // A long text touches most of a dictionary: keep up to 1024 inflated chunks (about 60 MiB at most).
    let glosser = Glosser(dictionaries: try options.open(cachedChunks: 1024), fuzzy: fuzzy)
    let words = try glosser.gloss(text)
    if json {
      let objects = words.map { word in
        JSONText.object([
          ("word", JSONText.string(word.text)),
          ("range", "[\(word.scalarRange.lowerBound), \(word.scalarRange.upperBound)]"),
          ("gloss", word.gloss.map(JSONText.string) ?? "null"),
          ("headword", word.headword.map(JSONText.string) ?? "null"),
          ("dict", word.dictionary.map(JSONText.string) ?? "null"),
          ("match", word.match.map { JSONText.string($0.rawValue) } ?? "null"),
        ])
      }
      output.standardOutput = "[" + objects.joined(separator: ",\n") + "]\n"
    } else {
      output.standardOutput = Self.interlinear(words, width: width)
    }
    return output
  }

  /// Two aligned lines per row: the words, then their glosses ("?" when unknown), wrapped at `width`.
  static func interlinear(_ words: [Glosser.Word], width: Int) -> String {
    var rows: [String] = []
    var top = "", bottom = ""
    for word in words {
      let gloss = word.gloss ?? (word.scalarRange.isEmpty ? "" : "?")
      let cell = max(word.text.count, gloss.count) + 2
      if !top.isEmpty, top.count + cell > width {
        rows.append(top.trimmingTrailingNewlines() + "\n" + bottom.trimmingTrailingNewlines())
        top = ""; bottom = ""
      }
      top += word.text + String(repeating: " ", count: cell - word.text.count)
      bottom += gloss + String(repeating: " ", count: cell - gloss.count)
    }
    if !top.isEmpty { rows.append(top.trimmingTrailingNewlines() + "\n" + bottom.trimmingTrailingNewlines()) }
    return rows.isEmpty ? "" : rows.joined(separator: "\n\n") + "\n"
  }
}
