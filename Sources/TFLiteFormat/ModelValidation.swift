// Semantic checks on a decoded model: every index the graph uses points at
// something that exists, and constant data is large enough for its tensor.
// These are the checks TFLite's InterpreterBuilder makes before it trusts a model.

extension DecodedModel {
  /// The tensor index TFLite uses for an omitted optional input (`kTfLiteOptionalTensor`).
  static let omittedTensor: Int32 = -1

  /// Throws the first broken reference or undersized buffer.
  func validate() throws(ModelFormatError) {
    for (s, subgraph) in subgraphs.enumerated() {
      let tensorCount = subgraph.tensors.count
      func check(_ indices: [Int32], _ what: String, allowOmitted: Bool) throws(ModelFormatError) {
        for index in indices where !(allowOmitted && index == Self.omittedTensor) {
          guard index >= 0, Int(index) < tensorCount else {
            throw .invalidReference(what: "model: subgraphs[\(s)].\(what) (tensor index)", index: Int(index), count: tensorCount)
          }
        }
      }
      try check(subgraph.inputs, "inputs", allowOmitted: false)
      try check(subgraph.outputs, "outputs", allowOmitted: false)
      for (o, op) in subgraph.operators.enumerated() {
        guard op.opcodeIndex < operatorCodes.count else {
          throw .invalidReference(what: "model: subgraphs[\(s)].operators[\(o)].opcode_index", index: op.opcodeIndex, count: operatorCodes.count)
        }
        try check(op.inputs, "operators[\(o)].inputs", allowOmitted: true)
        try check(op.outputs, "operators[\(o)].outputs", allowOmitted: false)
        try check(op.intermediates, "operators[\(o)].intermediates", allowOmitted: true)
      }
      for (t, tensor) in subgraph.tensors.enumerated() {
        try validateBuffer(of: tensor, path: "subgraphs[\(s)].tensors[\(t)]", isSparse: sparseTensors.contains([s, t]))
      }
    }
    for (m, entry) in metadataEntries.enumerated() where Int(entry.buffer) >= bufferRanges.count {
      throw .invalidReference(what: "model: metadata[\(m)] \"\(entry.name)\" buffer", index: Int(entry.buffer), count: bufferRanges.count)
    }
    for (g, signature) in signatures.enumerated() {
      guard signature.subgraphIndex < subgraphs.count else {
        throw .invalidReference(what: "model: signature_defs[\(g)].subgraph_index", index: signature.subgraphIndex, count: subgraphs.count)
      }
      let tensorCount = subgraphs[signature.subgraphIndex].tensors.count
      for (name, tensor) in signature.inputs + signature.outputs where Int(tensor) >= tensorCount {
        throw .invalidReference(what: "model: signature_defs[\(g)] \"\(signature.key)\" tensor \"\(name)\"", index: Int(tensor), count: tensorCount)
      }
    }
  }

  /// The tensor's buffer exists, and when it holds data, holds at least shape × element size bytes.
  private func validateBuffer(of tensor: TensorDescription, path: String, isSparse: Bool) throws(ModelFormatError) {
    let index = Int(tensor.buffer)
    // Buffer 0 is the empty sentinel; a model with no buffers at all still uses index 0 to mean "none".
    guard index < bufferRanges.count || index == 0 else {
      throw .invalidReference(what: "model: \(path).buffer (tensor \"\(tensor.name)\")", index: index, count: bufferRanges.count)
    }
    let actual = index < bufferRanges.count ? bufferRanges[index].count : 0
    guard actual > 0, !isSparse, let needed = Self.byteCount(of: tensor) else { return }
    guard actual >= needed else { throw .bufferTooSmall(tensor: tensor.name, buffer: index, needed: needed, actual: actual) }
  }

  /// Bytes a dense tensor of this type and shape occupies; nil for strings and other variable-size types,
  /// `Int.max` when the count overflows (no buffer can be that large).
  static func byteCount(of tensor: TensorDescription) -> Int? {
    var elements = 1
    for dimension in tensor.shape {
      let (product, overflow) = elements.multipliedReportingOverflow(by: Int(dimension))
      if overflow { return Int.max }
      elements = product
    }
    switch tensor.type {
    case .int4, .uint4: return (elements + 1) / 2
    case .int2: return (elements + 3) / 4
    default:
      guard let size = tensor.type.byteSize else { return nil }
      let (bytes, overflow) = elements.multipliedReportingOverflow(by: size)
      return overflow ? Int.max : bytes
    }
  }
}
