import TFLiteFormat
import TFLiteInterpreter

/// Where a BERT question-answering model takes its inputs and gives its outputs.
///
/// The contract is the TFLite Task Library's BertQuestionAnswerer: int32 inputs `ids`, `mask`,
/// `segment_ids` of shape [1, S] and float32 outputs `end_logits`, `start_logits` of shape [1, S].
/// Tensors are found by their metadata names, then by tensor names (also as
/// `serving_default_NAME:0`, as the converter writes them), then by position (inputs ids, mask,
/// segment_ids; outputs end_logits, start_logits), as the Task Library does.
struct QAModelBinding: Sendable, Equatable {
  var ids: Int
  var mask: Int
  var segmentIDs: Int
  var startLogits: Int
  var endLogits: Int
  /// S: tokens per window.
  var sequenceLength: Int

  static let inputNames = ["ids", "mask", "segment_ids"]
  static let outputNames = ["end_logits", "start_logits"]

  static func bind(_ model: Model) throws(QuestionAnsweringError) -> QAModelBinding {
    guard let graph = model.subgraphs.first else {
      throw .modelContract(expected: "one subgraph", found: "none")
    }
    let inputs = graph.inputs.map { graph.tensors[Int($0)] }
    let outputs = graph.outputs.map { graph.tensors[Int($0)] }
    let metadata = model.file?.metadata
    func describe(_ tensors: [TensorDescription]) -> String {
      tensors.map { "\($0.name) \($0.type) \($0.shape)" }.joined(separator: ", ")
    }
    let found = "inputs [\(describe(inputs))], outputs [\(describe(outputs))]"
    let expected = "inputs ids, mask, segment_ids (INT32 [1, S]) and outputs end_logits, start_logits (FLOAT32 [1, S])"

    func position(of name: String, among tensors: [TensorDescription], metadataNames: [String?], fallback: Int) -> Int? {
      if metadataNames.count == tensors.count, let i = metadataNames.firstIndex(of: name) { return i }
      if let i = tensors.firstIndex(where: { $0.name == name || $0.name == "serving_default_\(name):0" }) { return i }
      return tensors.indices.contains(fallback) ? fallback : nil
    }
    let inputMeta = metadata?.inputTensors.map(\.name) ?? []
    let outputMeta = metadata?.outputTensors.map(\.name) ?? []
    guard inputs.count == 3, outputs.count == 2,
          let ids = position(of: "ids", among: inputs, metadataNames: inputMeta, fallback: 0),
          let mask = position(of: "mask", among: inputs, metadataNames: inputMeta, fallback: 1),
          let segments = position(of: "segment_ids", among: inputs, metadataNames: inputMeta, fallback: 2),
          let end = position(of: "end_logits", among: outputs, metadataNames: outputMeta, fallback: 0),
          let start = position(of: "start_logits", among: outputs, metadataNames: outputMeta, fallback: 1),
          Set([ids, mask, segments]).count == 3, start != end
    else { throw .modelContract(expected: expected, found: found) }

    let length = inputs[ids].shape.last.map(Int.init) ?? 0
    for i in [ids, mask, segments] {
      let t = inputs[i]
      guard t.type == .int32, t.shape.count == 2, t.shape[0] == 1, Int(t.shape[1]) == length else {
        throw .modelContract(expected: expected, found: found)
      }
    }
    for o in [start, end] {
      let t = outputs[o]
      // Compared dimension by dimension: a product of declared dimensions can overflow.
      guard t.type == .float32, t.shape.last == Int32(length), t.shape.dropLast().allSatisfy({ $0 == 1 }) else {
        throw .modelContract(expected: expected, found: found)
      }
    }
    guard length >= 8 else { throw .modelContract(expected: expected + " with S ≥ 8", found: found) }
    return QAModelBinding(ids: ids, mask: mask, segmentIDs: segments, startLogits: start, endLogits: end, sequenceLength: length)
  }
}
