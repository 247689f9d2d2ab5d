import Foundation
import TestSupport
import Testing
import TFLiteFormat
@testable import GleanCLI

/// `glean inspect` on real models, checked against the published metadata JSON dumps and
/// against facts read with TensorFlow's schema reader and Python's zipfile.
@Suite struct InspectTests {
  static let regexModel = "real-models/nlclassifier_avgwordvec_imdb_regex_with_metadata"

  @Test(.enabled(if: TestPaths.sharedRoot != nil, "needs ../shared (third-party data)"))
  func textReportOfTheRegexClassifier() throws {
    let path = try #require(TestPaths.shared(Self.regexModel + ".tflite")).path
    let text = try Inspect.render(path: path, json: false)
    let lines = text.split(separator: "\n").map(String.init)
    #expect(lines.first == "model: nlclassifier_avgwordvec_imdb_regex_with_metadata.tflite (769815 bytes, schema v3, \"MLIR Converted.\")")
    #expect(lines.contains("min runtime version: 1.6.0"))
    #expect(lines.contains("  0 input_3  INT32 [1, 256]"))
    #expect(lines.contains("  11 Identity  FLOAT32 [1, 2]"))
    #expect(lines.contains("ops: 5"))
    #expect(lines.contains("     2 FULLY_CONNECTED v1"))
    #expect(lines.contains("  name: Sentiment Analyzer (AverageWordVecModelSpec)"))
    #expect(lines.contains("  author: TensorFlow"))
    #expect(lines.contains("    process unit: RegexTokenizerOptions pattern \"[^\\w\\']+\" [vocab.txt]"))
    // Sizes of the packed files, as Python's zipfile lists them.
    #expect(lines.contains("  vocab.txt  125062 bytes  VOCABULARY"))
    #expect(lines.contains("  labels.txt  17 bytes  TENSOR_AXIS_LABELS"))
    // The arena is the interpreter's own plan for this model.
    let planned = try #require(Inspect.plannedArenaBytes(try ModelFile.load(contentsOf: URL(fileURLWithPath: path))))
    #expect(planned > 0)
    #expect(lines.last == "arena: \(planned) bytes")
  }

  @Test(.enabled(if: TestPaths.sharedRoot != nil, "needs ../shared (third-party data)"),
        arguments: ["nlclassifier_avgwordvec_imdb_regex_with_metadata", "nlclassifier_avgwordvec_imdb_builtin_ops_with_labels"])
  func jsonReportMatchesMetadataDump(name: String) throws {
    let path = try #require(TestPaths.shared("real-models/\(name).tflite")).path
    let report = try #require(try JSONSerialization.jsonObject(with: Data(try Inspect.render(path: path, json: true).utf8)) as? [String: Any])
    let dumpURL = try #require(TestPaths.shared("real-models/\(name).metadata.json"))
    let dump = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dumpURL)) as? [String: Any])
    let metadata = try #require(report["metadata"] as? [String: Any])
    for key in ["name", "description", "version", "author", "license"] {
      #expect(metadata[key] as? String == dump[key] as? String, "\(key)")
    }
    let subgraph = try #require((dump["subgraph_metadata"] as? [[String: Any]])?.first)
    for (reportKey, dumpKey) in [("inputTensors", "input_tensor_metadata"), ("outputTensors", "output_tensor_metadata")] {
      let reported = metadata[reportKey] as? [[String: Any]] ?? []
      let expected = subgraph[dumpKey] as? [[String: Any]] ?? []
      #expect(reported.map { $0["name"] as? String } == expected.map { $0["name"] as? String })
      #expect(reported.map { $0["description"] as? String } == expected.map { $0["description"] as? String })
      let units = reported.map { ($0["processUnits"] as? [String] ?? []).map { String($0.prefix { $0 != " " }) } }
      let expectedUnits = expected.map { ($0["process_units"] as? [[String: Any]] ?? []).map { $0["options_type"] as? String ?? "" } }
      #expect(units == expectedUnits)
    }
    #expect(report["arenaBytes"] as? Int == Inspect.plannedArenaBytes(try ModelFile.load(contentsOf: URL(fileURLWithPath: path))))
    let files = try #require(report["associatedFiles"] as? [[String: Any]])
    #expect(Set(files.compactMap { $0["name"] as? String }) == ["vocab.txt", "labels.txt"])
  }

  @Test func damagedModelGivesTheReaderErrorWithHint() throws {
    let path = TestPaths.models("test/corrupt/zip_crc_mismatch.tflite").path
    #expect {
      _ = try Inspect.render(path: path, json: false)
    } throws: { error in
      let text = String(describing: error)
      return text.contains("CRC-32") && text.contains("hint: ")
    }
  }

  @Test func seedModelReportsQuantizationAndProcessUnits() throws {
    let text = try Inspect.render(path: TestPaths.models("test/corrupt/valid_base.tflite").path, json: false)
    #expect(text.contains("  input process unit: BertTokenizerOptions [vocab.txt]"))
    #expect(text.contains("    process unit: NormalizationOptions mean [0.5] std [2.0]"))
    #expect(text.contains("signatures: serving_default"))
    #expect(text.contains("     1 GELU v2"))
    // The arena hook: what the interpreter reports is printed as is.
    let withArena = try Inspect.render(path: TestPaths.models("test/corrupt/valid_base.tflite").path, json: false, arenaBytes: { _ in 4096 })
    #expect(withArena.hasSuffix("arena: 4096 bytes\n"))
  }
}
