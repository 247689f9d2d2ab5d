import Foundation
import TestSupport
import Testing
@testable import TFLiteFormat

/// The reader against real converter output in ../shared/real-models.
///
/// Expected graph facts (tensor names, types, shapes, op counts and versions) were read with
/// TensorFlow's own generated schema reader (`tensorflow.lite.python.schema_py_generated`);
/// expected metadata comes from the `*.metadata.json` dumps published by tflite-support;
/// expected associated-file contents are the published vocab and label files beside them.
@Suite struct RealModelTests {
  static let modelNames = [
    "dummy_sentencepiece_text_embedder", "nlclassifier_avgwordvec_imdb_builtin_ops_with_labels",
    "nlclassifier_avgwordvec_imdb_regex_with_metadata", "synthetic_nlclassifier_bool_output",
    "synthetic_nlclassifier_test_model", "synthetic_nlclassifier_with_associated_label", "text_classification_v1",
    "text_classification_v1_movie_review_no_metadata", "text_classification_v2_avgwordvec_with_metadata",
    "text_embedder_regex_one_embedding_with_metadata", "text_embedder_regex_two_embeddings_with_metadata",
    "whitespace_tokenizer_to_tensor", "wiki40b_lm_en_sentencepiece", "wordvec_text_classification_v2_with_metadata",
  ]

  static func url(_ name: String) -> URL? { TestPaths.shared("real-models/\(name).tflite") }

  @Test(.enabled(if: TestPaths.sharedRoot != nil, "needs ../shared (third-party data)"), arguments: modelNames)
  func everyRealModelLoadsAndMatchesWhenCopied(name: String) throws {
    let url = try #require(Self.url(name), Comment(rawValue: TestPaths.sharedMissing("real-models/\(name).tflite")))
    let mapped = try ModelFile.load(contentsOf: url)
    let copied = try ModelFile(bytes: Array(try Data(contentsOf: url)))
    #expect(mapped.schemaVersion == 3)
    #expect(mapped.subgraphs == copied.subgraphs)
    #expect(mapped.operatorCodes == copied.operatorCodes)
    #expect(mapped.metadata == copied.metadata)
    #expect(mapped.byteCount == (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int))
    for index in 0..<mapped.bufferCount {
      #expect(Array(mapped.bufferBytes(index)) == Array(copied.bufferBytes(index)))
    }
  }

  @Test(.enabled(if: TestPaths.sharedRoot != nil, "needs ../shared (third-party data)"))
  func regexClassifierGraph() throws {
    let url = try #require(Self.url("nlclassifier_avgwordvec_imdb_regex_with_metadata"))
    let model = try ModelFile.load(contentsOf: url)
    #expect(model.modelDescription == "MLIR Converted.")
    #expect(model.subgraphs.count == 1)
    #expect(model.bufferCount == 15)
    #expect(model.metadataEntries.map(\.name) == ["min_runtime_version", "TFLITE_METADATA"])
    #expect(model.metadataEntries.map(\.buffer) == [13, 14])
    let graph = model.subgraphs[0]
    #expect(graph.tensors.count == 12)
    #expect(graph.operators.count == 5)
    let input = graph.tensors[Int(graph.inputs[0])]
    #expect(input.name == "input_3" && input.type == .int32 && input.shape == [1, 256])
    let output = graph.tensors[Int(graph.outputs[0])]
    #expect(output.name == "Identity" && output.type == .float32 && output.shape == [1, 2])
    let ops = graph.operators.map { model.operatorCodes[$0.opcodeIndex].displayName }.sorted()
    #expect(ops == ["FULLY_CONNECTED v1", "FULLY_CONNECTED v1", "GATHER v1", "MEAN v1", "SOFTMAX v1"])
    // Every constant tensor's buffer holds exactly shape x element size bytes.
    for tensor in graph.tensors where !model.bufferBytes(Int(tensor.buffer)).isEmpty {
      #expect(model.bufferBytes(Int(tensor.buffer)).count == DecodedModel.byteCount(of: tensor))
      // Only 4-byte alignment is guaranteed: this converter output places some buffers at 4 (mod 16).
      #expect(model.bufferAlignment(Int(tensor.buffer)) >= 4)
    }
    // The options the kernels will read.
    for op in graph.operators {
      switch model.operatorCodes[op.opcodeIndex].builtin {
      case .softmax: #expect(op.options == .softmax(SoftmaxOptions(beta: 1)))
      case .mean: #expect(op.options == .reducer(ReducerOptions(keepDims: false)))
      case .fullyConnected:
        guard case .fullyConnected(let options) = op.options else { Issue.record("FULLY_CONNECTED without its options"); continue }
        #expect(options.weightsFormat == 0)
      default: break
      }
    }
  }

  @Test(.enabled(if: TestPaths.sharedRoot != nil, "needs ../shared (third-party data)"))
  func customOpsAndQuantization() throws {
    let model = try ModelFile.load(contentsOf: try #require(Self.url("synthetic_nlclassifier_test_model")))
    let graph = model.subgraphs[0]
    #expect(graph.outputs.map { graph.tensors[Int($0)].name }
      == ["OUTPUT_SCORE_DEQUANTIZED", "OUTPUT_SCORE_QUANTIZED", "LABELS", "OUTPUT_SCORE_DEQUANTIZED_FLOAT64"])
    let quantized = graph.tensors[Int(graph.outputs[1])]
    #expect(quantized.type == .uint8)
    #expect(quantized.quantization == QuantizationParameters(scale: [255], zeroPoint: [0]))
    #expect(graph.tensors[Int(graph.outputs[3])].type == .float64)
    let names = Set(model.operatorCodes.map(\.displayName))
    #expect(names == ["CUSTOM_OP_GENERATE_LABELS", "CUSTOM_OP_STRING_TO_DOUBLES", "CUSTOM_OP_STRING_TO_FLOATS", "QUANTIZE v1"])

    let sentencePiece = try ModelFile.load(contentsOf: try #require(Self.url("dummy_sentencepiece_text_embedder")))
    #expect(sentencePiece.signatures.count == 1)
    #expect(sentencePiece.subgraphs[0].tensors[Int(sentencePiece.subgraphs[0].inputs[0])].type == .string)
    let mul = try #require(sentencePiece.operatorCodes.first { $0.builtin == .mul })
    #expect(mul.version == 5)
    let tokenizer = try #require(sentencePiece.subgraphs[0].operators.first {
      sentencePiece.operatorCodes[$0.opcodeIndex].customName == "TFSentencepieceTokenizeOp"
    })
    // A custom op's options are a byte range inside the file.
    #expect(tokenizer.customOptions.upperBound <= sentencePiece.byteCount)
  }

  // MARK: Metadata against the published JSON dumps

  @Test(.enabled(if: TestPaths.sharedRoot != nil, "needs ../shared (third-party data)"),
        arguments: ["nlclassifier_avgwordvec_imdb_regex_with_metadata", "nlclassifier_avgwordvec_imdb_builtin_ops_with_labels"])
  func metadataMatchesJSONDump(name: String) throws {
    let model = try ModelFile.load(contentsOf: try #require(Self.url(name)))
    let jsonURL = try #require(TestPaths.shared("real-models/\(name).metadata.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: jsonURL)) as? [String: Any])
    let metadata = try #require(model.metadata)
    #expect(metadata.name == json["name"] as? String)
    #expect(metadata.description == json["description"] as? String)
    #expect(metadata.version == json["version"] as? String)
    #expect(metadata.author == json["author"] as? String)
    #expect(metadata.license == json["license"] as? String)
    #expect(metadata.minParserVersion == json["min_parser_version"] as? String)
    let subgraphs = try #require(json["subgraph_metadata"] as? [[String: Any]])
    #expect(metadata.subgraphs.count == subgraphs.count)
    let subgraph = subgraphs[0]
    Self.expectTensors(metadata.inputTensors, subgraph["input_tensor_metadata"] as? [[String: Any]] ?? [])
    Self.expectTensors(metadata.outputTensors, subgraph["output_tensor_metadata"] as? [[String: Any]] ?? [])
  }

  static func expectTensors(_ tensors: [TensorMetadata], _ json: [[String: Any]]) {
    #expect(tensors.count == json.count)
    for (tensor, expected) in zip(tensors, json) {
      #expect(tensor.name == expected["name"] as? String)
      #expect(tensor.description == expected["description"] as? String)
      let content = expected["content"] as? [String: Any]
      #expect(tensor.content?.schemaName == content?["content_properties_type"] as? String)
      let stats = expected["stats"] as? [String: Any]
      #expect(tensor.statsMax == (stats?["max"] as? [Double] ?? []).map(Float.init))
      #expect(tensor.statsMin == (stats?["min"] as? [Double] ?? []).map(Float.init))
      expectFiles(tensor.associatedFiles, expected["associated_files"] as? [[String: Any]] ?? [])
      let units = expected["process_units"] as? [[String: Any]] ?? []
      #expect(tensor.processUnits.map(\.schemaName) == units.map { $0["options_type"] as? String ?? "" })
      for (unit, expectedUnit) in zip(tensor.processUnits, units) {
        let options = expectedUnit["options"] as? [String: Any] ?? [:]
        if case .regexTokenizer(let pattern, let vocabFiles) = unit {
          #expect(pattern == options["delim_regex_pattern"] as? String)
          expectFiles(vocabFiles, options["vocab_file"] as? [[String: Any]] ?? [])
        }
      }
    }
  }

  static func expectFiles(_ files: [AssociatedFile], _ json: [[String: Any]]) {
    #expect(files.count == json.count)
    for (file, expected) in zip(files, json) {
      #expect(file.name == expected["name"] as? String)
      #expect(file.description == expected["description"] as? String)
      #expect(file.type.description == expected["type"] as? String ?? "UNKNOWN")
    }
  }

  // MARK: Associated files

  @Test(.enabled(if: TestPaths.sharedRoot != nil, "needs ../shared (third-party data)"))
  func associatedFilesAreTheOriginalVocabAndLabels() throws {
    let vocab = try Data(contentsOf: try #require(TestPaths.shared("real-models/text_classification_v1_vocab.txt")))
    let labels = try Data(contentsOf: try #require(TestPaths.shared("real-models/text_classification_v1_labels.txt")))
    let model = try ModelFile.load(contentsOf: try #require(Self.url("nlclassifier_avgwordvec_imdb_regex_with_metadata")))
    #expect(model.packedFiles.map(\.name) == ["vocab.txt", "labels.txt"])
    #expect(model.packedFiles.allSatisfy { !$0.wasCompressed })
    let packedVocab = try #require(model.associatedFile(named: "vocab.txt"))
    #expect(Data(packedVocab) == vocab)
    #expect(Data(try #require(model.associatedFile(named: "labels.txt"))) == labels)
    #expect(model.associatedFile(named: "missing.txt") == nil)
    // Zero-copy: the view points into the model's own bytes.
    model.withUnsafeBytes { file in
      let start = packedVocab.baseAddress! - file.baseAddress!
      #expect(start > 0 && start + packedVocab.count <= file.count)
    }
    // The metadata names both files, with their types.
    let files = try #require(model.metadata).allAssociatedFiles
    // Input tensor's tokenizer first, then the output tensor's labels.
    #expect(files.map(\.name) == ["vocab.txt", "labels.txt"])
    #expect(files.map(\.type) == [.vocabulary, .tensorAxisLabels])

    let v2 = try ModelFile.load(contentsOf: try #require(Self.url("text_classification_v2_avgwordvec_with_metadata")))
    #expect(Data(try #require(v2.associatedFile(named: "vocab"))) == vocab)
    #expect(Data(try #require(v2.associatedFile(named: "labels.txt"))) == labels)
  }
}
