import ArgumentParser
import Foundation
import Lexicon

/// `glean dict`: List offline dictionaries (and, hidden, time lookups in one).
struct Dict: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dict",
    abstract: "List and manage offline dictionaries.",
    subcommands: [DictList.self, DictBench.self],
    defaultSubcommand: DictList.self
  )
}

/// Options shared by `define`, `gloss` and `dict`: where dictionaries are and which to use.
struct DictionaryOptions: ParsableArguments {
  @Option(name: .customLong("dict"), help: ArgumentHelp("Use this dictionary (repeatable, in order of preference): its name as `glean dict list` shows it, with or without a freedict- prefix.", valueName: "NAME"))
  var names: [String] = []

  @Option(help: ArgumentHelp("Only dictionaries translating from this language (fr or fra, de or deu, en or eng, es or spa ...).", valueName: "LANG"))
  var from: String?

  @Option(help: ArgumentHelp("Only dictionaries translating into this language.", valueName: "LANG"))
  var to: String?

  @Option(name: .customLong("dict-dir"), help: ArgumentHelp("Also look for dictionaries in this folder, before the default ones (repeatable).", valueName: "DIR"))
  var directories: [String] = []

  @Option(name: .customLong("cache-dir"), help: ArgumentHelp("Where lookup indexes are cached (default $XDG_CACHE_HOME/glean).", valueName: "DIR"))
  var cacheDirectory: String?

  /// Every dictionary found in `--dict-dir` folders and the default ones.
  func library() -> DictionaryLibrary {
    DictionaryLibrary.discover(in: directories + DictionaryLibrary.defaultDirectories)
  }

  /// The chosen dictionaries, opened, keeping `cachedChunks` inflated chunks each.
  func open(cachedChunks: Int = 32) throws -> [OfflineDictionary] {
    let sources = try library().select(names: names, from: from, to: to)
    return try sources.map { source in
      try OfflineDictionary.open(source, cacheDirectory: cacheDirectory ?? LookupCache.defaultDirectory, cachedChunks: cachedChunks)
    }
  }
}

/// What a command printed, kept apart from printing so tests can check it.
struct CommandOutput: Equatable {
  var standardOutput = ""
  var standardError: [String] = []
  var exitCode: Int32 = 0

  /// Prints it and exits with its code when that is not 0.
  func emit() throws {
    if !standardOutput.isEmpty { FileHandle.standardOutput.write(Data(standardOutput.utf8)) }
    for line in standardError { printError(line) }
    if exitCode != 0 { throw ExitCode(exitCode) }
  }
}

/// `glean dict list`: the dictionaries Glean can see.
struct DictList: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List the installed dictionaries: name, format, languages, entries, size."
  )

  @OptionGroup var options: DictionaryOptions

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  func run() throws { try execute().emit() }

  func execute() throws -> CommandOutput {
    var output = CommandOutput()
    let sources = try options.library().select(names: options.names, from: options.from, to: options.to)
    var rows: [[String]] = []
    var objects: [String] = []
    for source in sources {
      let size = source.sizeInBytes
      let languages = source.languages
      do {
        let dictionary = try OfflineDictionary.open(source, cacheDirectory: options.cacheDirectory ?? LookupCache.defaultDirectory)
        for warning in dictionary.warnings.prefix(5) { output.standardError.append("warning: \(warning)") }
        if dictionary.warnings.count > 5 {
          output.standardError.append("warning: \(source.name): \(dictionary.warnings.count - 5) more entries skipped")
        }
        let title = dictionary.title()
        rows.append([source.name, source.format.rawValue, languages.map { "\($0.source)-\($0.target)" } ?? "-",
                     String(dictionary.entryCount), Self.humanSize(size), title])
        objects.append(JSONText.object([
          ("name", JSONText.string(source.name)), ("format", JSONText.string(source.format.rawValue)),
          ("from", languages.map { JSONText.string($0.source) } ?? "null"),
          ("to", languages.map { JSONText.string($0.target) } ?? "null"),
          ("entries", String(dictionary.entryCount)), ("size", String(size)), ("title", JSONText.string(title)),
          ("index", JSONText.string(source.indexPath)), ("data", JSONText.string(source.dataPath)),
        ]))
      } catch {
        output.standardError.append("warning: \(source.name) cannot be opened: \(error)")
      }
    }
    if json {
      output.standardOutput = "[" + objects.joined(separator: ",\n") + "]\n"
    } else {
      let header = ["NAME", "FORMAT", "LANGUAGES", "ENTRIES", "SIZE", "TITLE"]
      output.standardOutput = Table.render([header] + rows)
    }
    return output
  }

  static func humanSize(_ bytes: UInt64) -> String {
    let units = ["B", "KiB", "MiB", "GiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
    return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
  }
}

/// `glean dict bench` (hidden): times warm lookups in one dictionary, for Tools/dictionary/benchmark.sh.
struct DictBench: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench",
    abstract: "Time warm lookups of the words in a file (one per line).",
    shouldDisplay: false
  )

  @OptionGroup var options: DictionaryOptions

  @Option(help: "A file with one word per line.")
  var words: String

  @Option(help: "Timed passes over the words after one warm-up pass.")
  var passes = 5

  /// The medians index the timings of at least one pass.
  func validate() throws {
    guard passes >= 1 else { throw ValidationError("--passes must be at least 1") }
  }

  func run() throws {
    func microseconds(_ body: () throws -> Void) rethrows -> Double {
      let start = DispatchTime.now().uptimeNanoseconds
      try body()
      return Double(DispatchTime.now().uptimeNanoseconds - start) / 1000
    }
    var dictionaries: [OfflineDictionary] = []
    let openTime = try microseconds { dictionaries = try options.open() }
    let list = try String(contentsOfFile: words, encoding: .utf8).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    guard !list.isEmpty else { throw CLIError("\(words) holds no words") }
    var indexOnly: [Double] = [], sameWordAgain: [Double] = [], shuffled: [Double] = []
    var found = 0
    for word in list { found += dictionaries.reduce(0) { $0 + $1.entryCount(for: word) } > 0 ? 1 : 0 }
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<passes {
      for word in list {
        indexOnly.append(microseconds { _ = dictionaries.reduce(0) { $0 + $1.entryCount(for: word) } })
      }
      for word in list {
        _ = try dictionaries.map { try $0.lookup(word, mode: .exact) }
        sameWordAgain.append(try microseconds { _ = try dictionaries.map { try $0.lookup(word, mode: .exact) } })
      }
      for word in list.shuffled(using: &generator) {
        shuffled.append(try microseconds { _ = try dictionaries.map { try $0.lookup(word, mode: .exact) } })
      }
    }
    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    func p90(_ values: [Double]) -> Double { values.sorted()[values.count * 9 / 10] }
    print(String(format: "open (cached index): %.2f ms; words=%d found=%d passes=%d", openTime / 1000, list.count, found, passes))
    for (label, values) in [("index lookup, no text", indexOnly), ("exact lookup + text, warm (word just read)", sameWordAgain),
                            ("exact lookup + text, random order", shuffled)] {
      print(String(format: "%@: median %.2f us, p90 %.2f us", label, median(values), p90(values)))
    }
  }
}

/// Left-aligned text columns separated by two spaces.
enum Table {
  static func render(_ rows: [[String]]) -> String {
    guard let columns = rows.map(\.count).max() else { return "" }
    var widths = Array(repeating: 0, count: columns)
    for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
    return rows.map { row in
      row.enumerated().map { i, cell in
        i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
      }.joined(separator: "  ")
    }.joined(separator: "\n") + "\n"
  }
}
