import Foundation
import Testing
@testable import GleanCLI
import TestSupport

/// Arrays written by NumPy 2.4 (`np.save`, and `write_array(version=(2, 0))` for the last), base64.
enum NumPyWritten {
  static let int32_1x3 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAgAAAAMAAAA="
  static let float32_half_minus2 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAA/AAAAwA=="
  static let bool_true_false = "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAA=="
  static let int64_arange3 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAEAAAAAAAAAAgAAAAAAAAA="
  static let uint8_v2_7_8 = "k05VTVBZAgB0AAAAeydkZXNjcic6ICd8dTEnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoHCA=="

  static func bytes(_ base64: String) -> [UInt8] { Array(Data(base64Encoded: base64) ?? Data()) }
}

/// A scratch folder for input files, removed when the test ends.
final class ScratchFolder {
  let url: URL
  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("glean-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }
  func write(_ name: String, _ bytes: [UInt8]) throws -> String {
    let file = url.appendingPathComponent(name)
    try Data(bytes).write(to: file)
    return file.path
  }
  func write(_ name: String, text: String) throws -> String { try write(name, Array(text.utf8)) }
}

@Suite("glean run")
struct RunCommandTests {
  @Test("NumPy .npy headers and data as NumPy writes them (v1 and v2)")
  func numpy() throws {
    let a = try NumPyFile.parse(NumPyWritten.bytes(NumPyWritten.int32_1x3), source: "a.npy")
    #expect(a.shape == [1, 3])
    guard case .integer(let ints) = a.values else { Issue.record("\(a.values)"); return }
    #expect(ints == [1, 2, 3])
    let f = try NumPyFile.parse(NumPyWritten.bytes(NumPyWritten.float32_half_minus2), source: "f.npy")
    #expect(f.shape == [2])
    guard case .real(let reals) = f.values else { Issue.record("\(f.values)"); return }
    #expect(reals == [0.5, -2])
    let b = try NumPyFile.parse(NumPyWritten.bytes(NumPyWritten.bool_true_false), source: "b.npy")
    guard case .boolean(let bools) = b.values else { Issue.record("\(b.values)"); return }
    #expect(bools == [true, false])
    let l = try NumPyFile.parse(NumPyWritten.bytes(NumPyWritten.int64_arange3), source: "l.npy")
    guard case .integer(let longs) = l.values else { Issue.record("\(l.values)"); return }
    #expect(longs == [0, 1, 2])
    let u = try NumPyFile.parse(NumPyWritten.bytes(NumPyWritten.uint8_v2_7_8), source: "u.npy")
    guard case .integer(let bytes) = u.values else { Issue.record("\(u.values)"); return }
    #expect(bytes == [7, 8])
    // Truncated data is refused, not read past the end.
    #expect(throws: CLIError.self) { _ = try NumPyFile.parse(Array(NumPyWritten.bytes(NumPyWritten.int32_1x3).dropLast(4)), source: "t.npy") }
    #expect(throws: CLIError.self) { _ = try NumPyFile.parse(Array(NumPyWritten.bytes(NumPyWritten.int32_1x3).prefix(12)), source: "h.npy") }
    // Shapes whose element or byte count overflows are refused, not trapped on.
    for shape in ["(4294967296, 4294967296)", "(4611686018427387904,)"] {
      let header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }\n".utf8)
      let file = NumPyFile.magic + [1, 0, UInt8(header.count), 0] + header + [0, 0, 0, 0]
      #expect(throws: CLIError.self, "\(shape)") { _ = try NumPyFile.parse(file, source: "big.npy") }
    }
  }

  @Test("JSON arrays: nested gives the shape, flat takes the tensor's; ragged arrays are refused")
  func json() throws {
    let nested = try JSONArrayFile.parse(Data("[[1, 2], [3, 4]]".utf8), source: "n.json")
    #expect(nested.shape == [2, 2])
    let flat = try JSONArrayFile.parse(Data("[0.5, 1, -2e3]".utf8), source: "f.json")
    #expect(flat.shape == nil && flat.count == 3)
    guard case .real(let reals) = flat.values else { Issue.record("\(flat.values)"); return }
    #expect(reals == [0.5, 1, -2000])
    let bools = try JSONArrayFile.parse(Data("[true, false]".utf8), source: "b.json")
    guard case .boolean(let b) = bools.values else { Issue.record("\(bools.values)"); return }
    #expect(b == [true, false])
    #expect(throws: CLIError.self) { _ = try JSONArrayFile.parse(Data("[[1, 2], [3]]".utf8), source: "r.json") }
    #expect(throws: CLIError.self) { _ = try JSONArrayFile.parse(Data("{\"a\": 1}".utf8), source: "o.json") }
    // Integers narrower than the data are refused; fractions never become integers.
    #expect(throws: CLIError.self) { _ = try InputArray(values: .integer([300]), shape: nil, source: "x").bytes(as: .int8, for: "t") }
    #expect(throws: CLIError.self) { _ = try InputArray(values: .real([1.5]), shape: nil, source: "x").bytes(as: .int32, for: "t") }
  }

  @Test("--input parsing")
  func assignments() throws {
    #expect(try InputAssignment(parsing: "input_ids=a=b.npy") == InputAssignment(name: "input_ids=a", path: "b.npy"))
    #expect(throws: CLIError.self) { _ = try InputAssignment(parsing: "ids.npy") }
    #expect(throws: CLIError.self) { _ = try InputAssignment(parsing: "x=") }
  }

  @Test("runs the BERT fixture from JSON inputs and writes LiteRT's outputs")
  func bertFixture() throws {
    let folder = try ScratchFolder()
    let golden = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: TestPaths.corpora("goldens/interpreter/bert_tiny_float.json"))) as? [String: Any])
    let inputs = try #require(golden["inputs"] as? [String: [String: Any]])
    var assignments: [InputAssignment] = []
    for (name, tensor) in inputs {
      // Nested JSON, shaped like the tensor (1, 32).
      let data = try #require(tensor["data"] as? [Int])
      let path = try folder.write("\(name).json", text: "[[" + data.map(String.init).joined(separator: ",") + "]]")
      assignments.append(InputAssignment(name: name, path: path))
    }
    let text = try ModelRunner.run(modelPath: TestPaths.models("test/bert_tiny_float.tflite").path, inputs: assignments, threads: 1)
    let result = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String: Any]])
    let expected = try #require(golden["outputs"] as? [String: [String: Any]])
    #expect(Set(result.keys) == Set(expected.keys))
    for (name, tensor) in expected {
      let output = try #require(result[name])
      #expect(output["dtype"] as? String == "float32")
      #expect(output["shape"] as? [Int] == tensor["shape"] as? [Int])
      let actual = (output["data"] as? [NSNumber] ?? []).map(\.floatValue)
      let reference = (tensor["data"] as? [NSNumber] ?? []).map(\.floatValue)
      #expect(actual.count == reference.count && Tolerance.maxScaledError(actual, reference) <= 1e-4)
    }
  }

  @Test("a missing or misshapen input names the tensor, its type and shape")
  func inputErrors() throws {
    let folder = try ScratchFolder()
    let model = TestPaths.models("test/bert_tiny_float.tflite").path
    do {
      _ = try ModelRunner.run(modelPath: model, inputs: [], threads: 1)
      Issue.record("expected an error")
    } catch {
      #expect("\(error)".contains("\"ids\" (INT32 [1, 32])"), "\(error)")
    }
    let wrong = try folder.write("ids.npy", NumPyWritten.bytes(NumPyWritten.int32_1x3))
    let zeros = try folder.write("z.json", text: "[" + Array(repeating: "0", count: 32).joined(separator: ",") + "]")
    do {
      _ = try ModelRunner.run(modelPath: model, inputs: [.init(name: "ids", path: wrong), .init(name: "mask", path: zeros), .init(name: "segment_ids", path: zeros)], threads: 1)
      Issue.record("expected an error")
    } catch {
      #expect("\(error)".contains("\"ids\"") && "\(error)".contains("[1, 3]") && "\(error)".contains("[1, 32]"), "\(error)")
    }
    do {
      _ = try ModelRunner.run(modelPath: model, inputs: [.init(name: "nope", path: zeros)], threads: 1)
      Issue.record("expected an error")
    } catch {
      #expect("\(error)".contains("no input \"nope\""), "\(error)")
    }
    #expect(throws: CLIError.self) { _ = try ModelRunner.run(modelPath: "/nonexistent.tflite", inputs: [], threads: 1) }
  }

  @Test("the IMDB classifier from an .npy input reproduces the published scores",
        .enabled(if: TestPaths.shared("real-models/nlclassifier_avgwordvec_imdb_regex_with_metadata.tflite") != nil, "needs ../shared (third-party data)"))
  func classifierFromNumPy() throws {
    let folder = try ScratchFolder()
    // "What a waste of my time." in the model's vocabulary (checked with Python on vocab.txt):
    // <START>=1, What (unknown)=2, a=6, waste=437, of=7, my=61, time=58, then <PAD>=0.
    var ids: [Int32] = [1, 2, 6, 437, 7, 61, 58]
    ids += Array(repeating: 0, count: 256 - ids.count)
    var header = "{'descr': '<i4', 'fortran_order': False, 'shape': (1, 256), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    let length = header.utf8.count
    let bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + ids.withUnsafeBytes { Array($0) }
    let path = try folder.write("ids.npy", bytes)
    let model = try #require(TestPaths.shared("real-models/nlclassifier_avgwordvec_imdb_regex_with_metadata.tflite")).path
    let text = try ModelRunner.run(modelPath: model, inputs: [.init(name: "input_3", path: path)], threads: 1)
    let result = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: [String: Any]])
    let scores = (result["Identity"]?["data"] as? [NSNumber])?.map(\.floatValue) ?? []
    #expect(Tolerance.firstMismatch(scores, [0.813130, 0.186870], rtol: 0, atol: 1e-6) == nil, "\(text)")
  }
}
