import ArgumentParser
import Lexicon

/// `glean define`: Look words up in offline dictionaries.
struct Define: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "define",
    abstract: "Look words up in offline dictionaries.",
    discussion: """
      Each word is looked up exactly, then case- and accent-insensitively ("ecole" finds "école"), then as an \
      inflected form ("mangeons" finds "manger"), then within 2 typing errors. Exit code 1 when a word is not found.
      """
  )

  @Argument(help: "The words to look up.")
  var words: [String]

  @OptionGroup var options: DictionaryOptions

  @Flag(help: "Print JSON like `sdcv -j`: [{\"dict\", \"word\", \"definition\", \"match\"}].")
  var json = false

  @Flag(help: "Only exact and case/accent-insensitive matches: no inflection or fuzzy fallback.")
  var exact = false

  func run() throws { try execute().emit() }

  func execute() throws -> CommandOutput {
    // Several words touch several chunks of a compressed dictionary: keep room for them.
    let dictionaries = try options.open(cachedChunks: min(1024, max(32, 4 * words.count)))
    var output = CommandOutput()
    var objects: [String] = []
    var blocks: [String] = []
    var titles: [String: String] = [:]
    for word in words {
      var entries: [DictionaryEntry] = []
      if exact {
        for dictionary in dictionaries { entries += try dictionary.lookup(word, mode: .exact) }
        if entries.isEmpty { for dictionary in dictionaries { entries += try dictionary.lookup(word, mode: .folded) } }
      } else {
        entries = try DictionaryLibrary.define(word, in: dictionaries)
      }
      if entries.isEmpty {
        output.standardError.append("No definitions found for \"\(word)\"")
        output.exitCode = 1
        continue
      }
      if entries.first?.match == .fuzzy {
        output.standardError.append("\"\(word)\" not found; showing the closest headword \"\(entries[0].headword)\"")
      }
      for entry in entries {
        if json {
          objects.append(JSONText.object([
            ("dict", JSONText.string(entry.dictionary)), ("word", JSONText.string(entry.headword)),
            ("definition", JSONText.string(entry.definition)), ("match", JSONText.string(entry.match.rawValue)),
            ("query", JSONText.string(word)),
          ]))
        } else {
          let title: String
          if let known = titles[entry.dictionary] {
            title = known
          } else {
            title = dictionaries.first { $0.name == entry.dictionary }?.title() ?? entry.dictionary
            titles[entry.dictionary] = title
          }
          let note = entry.match == .exact ? "" : " [\(entry.match.rawValue) match for \"\(word)\"]"
          let body = entry.definition.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
          blocks.append("From \(entry.dictionary) (\(title))\(note):\n\n" + body.trimmingTrailingNewlines())
        }
      }
    }
    if json {
      output.standardOutput = "[" + objects.joined(separator: ",\n") + "]\n"
    } else if !blocks.isEmpty {
      output.standardOutput = blocks.joined(separator: "\n\n") + "\n"
    }
    return output
  }
}

extension String {
  func trimmingTrailingNewlines() -> String {
    var text = self
    while text.last == "\n" || text.last == " " { text.removeLast() }
    return text
  }
}
