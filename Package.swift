// swift-tools-version:6.0
//
// Glean: on-device text understanding. Modules follow the data flow:
// Unicode (ICU) → WordPiece tokenization → TFLite format → kernels → interpreter → tasks → CLI.
// Dictionaries (Lexicon) stand beside them on the Unicode layer.
import PackageDescription

let package = Package(
  name: "Glean",
  products: [
    // MARK: Public API
    .library(name: "UnicodeText", targets: ["UnicodeText"]),
    .library(name: "WordPiece", targets: ["WordPiece"]),
    .library(name: "TFLiteFormat", targets: ["TFLiteFormat"]),
    .library(name: "TFLiteKernels", targets: ["TFLiteKernels"]),
    .library(name: "TFLiteInterpreter", targets: ["TFLiteInterpreter"]),
    .library(name: "TextTasks", targets: ["TextTasks"]),
    .library(name: "Lexicon", targets: ["Lexicon"]),
    // MARK: CLI
    .executable(name: "glean", targets: ["glean"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    // MARK: Implementation details (C shims over system libraries)
    .target(
      name: "CICU",
      linkerSettings: [.linkedLibrary("icuuc")]
    ),
    .systemLibrary(name: "CZlib"),
    // Optimised GEMM micro-kernels and the thread pool (AVX2+FMA chosen at run time, portable C otherwise).
    .target(name: "CKernels"),

    // MARK: Text layer
    .target(name: "UnicodeText", dependencies: ["CICU"]),
    .target(name: "WordPiece", dependencies: ["UnicodeText"]),

    // MARK: Interpreter layer
    .target(name: "TFLiteFormat", dependencies: ["CZlib"]),
    .target(name: "TFLiteKernels", dependencies: ["TFLiteFormat", "CKernels"]),
    .target(name: "TFLiteInterpreter", dependencies: ["TFLiteFormat", "TFLiteKernels"]),

    // MARK: Tasks (question answering, retrieval, evaluation)
    .target(name: "TextTasks", dependencies: ["UnicodeText", "WordPiece", "TFLiteInterpreter"]),

    // MARK: Dictionaries
    .target(name: "Lexicon", dependencies: ["UnicodeText", "CZlib"]),

    // MARK: CLI
    .target(
      name: "GleanCLI",
      dependencies: [
        "UnicodeText", "WordPiece", "TFLiteFormat", "TFLiteInterpreter", "TextTasks", "Lexicon",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "glean", dependencies: ["GleanCLI"]),

    // MARK: Tests
    .target(name: "TestSupport", path: "Tests/TestSupport"),
    .testTarget(name: "UnicodeTextTests", dependencies: ["UnicodeText", "TestSupport"]),
    .testTarget(name: "WordPieceTests", dependencies: ["WordPiece", "TestSupport"]),
    .testTarget(name: "TFLiteFormatTests", dependencies: ["TFLiteFormat", "TestSupport"]),
    .testTarget(name: "TFLiteKernelsTests", dependencies: ["TFLiteKernels", "TFLiteFormat", "TestSupport"]),
    .testTarget(name: "TFLiteInterpreterTests", dependencies: ["TFLiteInterpreter", "TFLiteKernels", "TFLiteFormat", "TestSupport"]),
    .testTarget(name: "TextTasksTests", dependencies: ["TextTasks", "TFLiteInterpreter", "TFLiteFormat", "WordPiece", "TestSupport"]),
    .testTarget(name: "LexiconTests", dependencies: ["Lexicon", "CZlib", "TestSupport"]),
    .testTarget(name: "GleanCLITests", dependencies: ["GleanCLI", "TFLiteFormat", "TextTasks", "WordPiece", "TestSupport"]),
  ]
)
