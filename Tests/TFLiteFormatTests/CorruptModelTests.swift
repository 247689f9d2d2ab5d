import Foundation
import TestSupport
import Testing
@testable import TFLiteFormat

/// The committed corrupted models (Models/test/corrupt, written by Tools/models/make_corrupt_models.py):
/// each must fail with the error case its manifest names, with a hint, and without crashing.
@Suite struct CorruptModelTests {
  struct Entry: Decodable, CustomTestStringConvertible, Sendable {
    var file: String
    var expected: String
    var why: String
    /// LiteRT's verdict when the generator loaded the file ("loads", "rejects: ...").
    var litert: String?
    var testDescription: String { file }
  }

  static let folder = TestPaths.models("test/corrupt")

  static let manifest: [Entry] = {
    guard let data = try? Data(contentsOf: folder.appendingPathComponent("manifest.json")),
          let entries = try? JSONDecoder().decode([Entry].self, from: data) else { return [] }
    return entries
  }()

  /// The enum case name of an error, e.g. "outOfBounds".
  static func caseName(_ error: ModelFormatError) -> String {
    Mirror(reflecting: error).children.first?.label ?? String(describing: error)
  }

  @Test func manifestListsEveryCorruption() {
    #expect(Self.manifest.count >= 25)
    let files = (try? FileManager.default.contentsOfDirectory(atPath: Self.folder.path)) ?? []
    #expect(Set(files.filter { $0.hasSuffix(".tflite") }) == Set(Self.manifest.map(\.file)))
  }

  /// The reference runtime as oracle: whatever LiteRT rejects, Glean rejects too. Glean is stricter only
  /// where LiteRT does not look (metadata and the zip) and for an unknown options union tag, which
  /// the FlatBuffers verifier accepts for forward compatibility.
  @Test func rejectsEverythingLiteRTRejects() {
    #expect(Self.manifest.allSatisfy { $0.litert != nil })
    for entry in Self.manifest where entry.litert?.hasPrefix("rejects") == true {
      #expect(entry.expected != "valid", "\(entry.file): LiteRT \(entry.litert ?? "")")
    }
    let stricter = Self.manifest.filter { $0.litert == "loads" && $0.expected != "valid" }.map(\.file)
    #expect(stricter.allSatisfy { $0.hasPrefix("zip_") || $0.hasPrefix("metadata_") || $0 == "unknown_options_type.tflite" }, "\(stricter)")
  }

  @Test(arguments: manifest)
  func corruptedModelFailsWithItsTypedError(entry: Entry) throws {
    let url = Self.folder.appendingPathComponent(entry.file)
    let bytes = Array(try Data(contentsOf: url))
    for mapped in [true, false] {
      do throws(ModelFormatError) {
        let model = mapped ? try ModelFile.load(contentsOf: url) : try ModelFile(bytes: bytes)
        #expect(entry.expected == "valid", "\(entry.file) (\(entry.why)) loaded but should fail with \(entry.expected)")
        touchEveryView(of: model)
      } catch {
        #expect(Self.caseName(error) == entry.expected, "\(entry.file): \(entry.why)\n\(error)")
        #expect(error.description.contains("\nhint: "))
        #expect(!error.hint.isEmpty)
      }
    }
  }

  /// Reads every byte of every view the model hands out, so AddressSanitizer sees any bad range.
  func touchEveryView(of model: ModelFile) {
    var sum = 0
    for index in 0..<model.bufferCount { for byte in model.bufferBytes(index) { sum &+= Int(byte) } }
    for file in model.packedFiles { for byte in model.associatedFile(named: file.name) ?? UnsafeRawBufferPointer(start: nil, count: 0) { sum &+= Int(byte) } }
    for subgraph in model.subgraphs { for op in subgraph.operators { for byte in model.bytes(in: op.customOptions) { sum &+= Int(byte) } } }
    #expect(sum >= 0)
  }

  // MARK: The seed model, decoded

  /// Values the generator wrote into valid_base.tflite (see build_model_object and build_metadata).
  @Test func seedModelDecodesAsWritten() throws {
    let model = try ModelFile.load(contentsOf: Self.folder.appendingPathComponent("valid_base.tflite"))
    #expect(model.modelDescription == "Glean corrupt-model seed")
    #expect(model.operatorCodes == [
      OperatorCode(builtin: .fullyConnected, version: 4), OperatorCode(builtin: .softmax, version: 1),
      // deprecated_builtin_code 127 (placeholder) and builtin_code 150: the larger wins.
      OperatorCode(builtin: .gelu, version: 2),
    ])
    let graph = try #require(model.subgraphs.first)
    #expect(graph.name == "main")
    #expect(graph.tensors.map(\.name) == ["features", "weights", "bias", "logits", "probability", "quantized_weights", "gelu"])
    #expect(graph.inputs == [0] && graph.outputs == [6])
    #expect(graph.operators.map(\.inputs) == [[0, 1, 2], [3], [4]])
    #expect(graph.operators[0].options == .fullyConnected(FullyConnectedOptions(fusedActivation: .relu, keepNumDims: true)))
    #expect(graph.operators[1].options == .softmax(SoftmaxOptions(beta: 1)))
    #expect(graph.operators[2].options == .gelu(GeluOptions(approximate: true)))
    let quantized = graph.tensors[5]
    #expect(quantized.type == .int8)
    #expect(quantized.quantization == QuantizationParameters(scale: [0.5, 0.25], zeroPoint: [0, 0], quantizedDimension: 0))
    #expect(quantized.quantization?.isPerChannel == true)
    #expect(Array(model.bufferBytes(Int(quantized.buffer))) == [1, 2, 3, 4, 0xFF, 0xFE, 0xFD, 0xFC])
    let weights = model.bufferBytes(Int(graph.tensors[1].buffer))
    #expect((0..<8).map { weights.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } == [0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4])
    #expect(String(decoding: model.bufferBytes(4), as: UTF8.self) == "1.14.0\0")
    #expect(model.minRuntimeVersion == "1.14.0")
    #expect(model.signatures.count == 1)
    #expect(model.signatures[0].key == "serving_default")
    #expect(model.signatures[0].inputs.map(\.name) == ["features"] && model.signatures[0].outputs.map(\.tensor) == [6])
  }

  @Test func seedMetadataDecodesAsWritten() throws {
    for file in ["valid_base.tflite", "valid_deflated_zip.tflite", "valid_concatenated_zip.tflite"] {
      let model = try ModelFile.load(contentsOf: Self.folder.appendingPathComponent(file))
      let metadata = try #require(model.metadata)
      #expect(metadata.name == "Glean test classifier")
      #expect(metadata.description == "A tiny model for reader tests.")
      #expect(metadata.version == "v1" && metadata.author == "Glean" && metadata.license == "Apache-2.0")
      #expect(metadata.minParserVersion == "1.1.0")
      let vocab = AssociatedFile(name: "vocab.txt", description: "WordPiece vocabulary.", type: .vocabulary)
      let labels = AssociatedFile(name: "labels.txt", description: "Class names.", type: .tensorAxisLabels)
      #expect(metadata.inputProcessUnits == [.bertTokenizer(vocabFiles: [vocab])])
      #expect(metadata.inputTensors == [TensorMetadata(name: "features", description: "Four input features.", content: .feature,
                                                       processUnits: [.normalization(mean: [0.5], std: [2])])])
      #expect(metadata.outputTensors == [TensorMetadata(name: "probability", description: "Class probabilities.", content: .feature,
                                                        statsMin: [0], statsMax: [1], associatedFiles: [labels])])
      #expect(metadata.allAssociatedFiles == [vocab, labels])
      #expect(model.packedFiles.map(\.name) == ["vocab.txt", "labels.txt"])
      #expect(model.packedFiles.allSatisfy { $0.wasCompressed == (file == "valid_deflated_zip.tflite") })
      #expect(String(decoding: try #require(model.associatedFile(named: "vocab.txt")), as: UTF8.self) == "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nworld\n")
      #expect(String(decoding: try #require(model.associatedFile(named: "labels.txt")), as: UTF8.self) == "negative\npositive\n")
    }
  }

  /// Buffer.offset/size (the >2 GB layout): the bias lies after the flatbuffer, 16-byte aligned.
  @Test func externalBufferIsAViewPastTheFlatbuffer() throws {
    let model = try ModelFile.load(contentsOf: Self.folder.appendingPathComponent("valid_external_buffer.tflite"))
    let bias = try #require(model.subgraphs.first?.tensors[2])
    #expect(bias.name == "bias")
    let range = model.bufferByteRange(Int(bias.buffer))
    #expect(range.count == 8 && range.lowerBound % 16 == 0)
    #expect(range.lowerBound > model.bufferByteRange(5).upperBound, "after the metadata, the flatbuffer's last buffer")
    let bytes = model.bufferBytes(Int(bias.buffer))
    #expect([bytes.loadUnaligned(fromByteOffset: 0, as: Float.self), bytes.loadUnaligned(fromByteOffset: 4, as: Float.self)] == [0.5, -0.5])
    #expect(model.bufferAlignment(Int(bias.buffer)) >= 16)
    #expect(model.associatedFile(named: "labels.txt").map { String(decoding: $0, as: UTF8.self) } == "negative\npositive\n")
  }

  @Test func missingFileIsUnreadable() {
    #expect(throws: ModelFormatError.self) { try ModelFile.load(contentsOf: Self.folder.appendingPathComponent("no-such-model.tflite")) }
    do throws(ModelFormatError) {
      _ = try ModelFile.load(contentsOf: Self.folder.appendingPathComponent("no-such-model.tflite"))
    } catch {
      #expect(Self.caseName(error) == "unreadable")
    }
    do throws(ModelFormatError) {
      _ = try ModelFile(bytes: [])
    } catch {
      #expect(Self.caseName(error) == "truncated")
    }
  }
}

/// A `ModelFile` is immutable after init: many tasks may read it at once.
@Test func modelFileIsReadConcurrently() async throws {
  let model = try ModelFile.load(contentsOf: TestPaths.models("test/corrupt/valid_base.tflite"))
  let sums = await withTaskGroup(of: Int.self) { group in
    for _ in 0..<8 {
      group.addTask {
        var sum = 0
        for _ in 0..<200 {
          for index in 0..<model.bufferCount { for byte in model.bufferBytes(index) { sum &+= Int(byte) } }
          for byte in model.associatedFile(named: "vocab.txt") ?? UnsafeRawBufferPointer(start: nil, count: 0) { sum &+= Int(byte) }
        }
        return sum
      }
    }
    return await group.reduce(into: [Int]()) { $0.append($1) }
  }
  #expect(Set(sums).count == 1)
}
