/// How a word was found.
public enum MatchKind: String, Sendable, Codable, Comparable {
  /// The headword as the dictionary indexes it (dictd: after its own lower-casing).
  case exact
  /// Equal after case and accent folding (`LookupKey.folded`).
  case folded
  /// Starts with the query (folded).
  case prefix
  /// Matches a `*`/`?` pattern (folded).
  case glob
  /// An inflected form reduced to a headword (`Inflection`).
  case inflection
  /// Within 2 edits (Damerau–Levenshtein) of a headword.
  case fuzzy

  private var rank: Int {
    switch self {
    case .exact: 0
    case .folded: 1
    case .prefix: 2
    case .glob: 3
    case .inflection: 4
    case .fuzzy: 5
    }
  }

  /// Better matches sort first: exact, folded, prefix, glob, inflection, fuzzy.
  public static func < (a: MatchKind, b: MatchKind) -> Bool { a.rank < b.rank }
}

/// One definition found in one dictionary.
///
/// ```swift
/// let entries = try dictionary.lookup("école")
/// entries.first?.definition   // "école <n, fem>\nschool\n"
/// ```
public struct DictionaryEntry: Sendable, Equatable {
  /// The dictionary's name.
  public let dictionary: String
  /// The headword as the dictionary writes it in its index.
  public let headword: String
  /// The full definition text (StarDict markup reduced to text).
  public let definition: String
  /// How the query led here.
  public let match: MatchKind
  /// For fuzzy matches, the edit distance; 0 otherwise.
  public let distance: Int

  /// Creates an entry (lookups make them; tests and callers may too).
  public init(dictionary: String, headword: String, definition: String, match: MatchKind, distance: Int = 0) {
    self.dictionary = dictionary
    self.headword = headword
    self.definition = definition
    self.match = match
    self.distance = distance
  }
}

/// How `OfflineDictionary.lookup(_:mode:limit:)` compares the query with headwords.
public enum LookupMode: Sendable, Equatable {
  /// The headword as indexed: dictd's own normalisation (lower case, letters, digits and spaces),
  /// StarDict's byte-exact word. This is what `dict -m -s exact` and `sdcv -e` find.
  case exact
  /// Case- and accent-insensitive: "ecole" finds "école", "Grussen" finds "grüßen".
  case folded
  /// Folded headwords that start with the query.
  case prefix
  /// Folded headwords matching a pattern with `*` (any run) and `?` (one character).
  case glob
  /// Headwords within `maxEdits` (at most 2) Damerau–Levenshtein edits of the folded query,
  /// best first, at most `limit` distinct headwords (10 by default).
  case fuzzy(maxEdits: Int)
  /// Headwords reached by stripping or rewriting inflectional endings (see `Inflection`), for the
  /// dictionary's source language or, when it is unknown, for every language Glean knows.
  case inflection
}
