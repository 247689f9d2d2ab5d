/// One headword of an index, as read from a dictd `.index` or a StarDict `.idx`/`.syn`, before sorting.
struct IndexEntry: Sendable, Equatable {
  /// The headword exactly as the index writes it (UTF-8, checked).
  var headword: String
  /// Byte offset of the definition in the uncompressed `.dict` text.
  var offset: UInt64
  /// Byte length of the definition.
  var size: UInt64
}

/// What a parser read from an index: its entries in file order, and what it skipped.
struct ParsedIndex: Sendable {
  var entries: [IndexEntry] = []
  var warnings: [IndexWarning] = []
  /// StarDict `.idx` only: every entry by its position in the file, nil where one was skipped
  /// (the `.syn` refers to entries by position).
  var positional: [IndexEntry?] = []
}
