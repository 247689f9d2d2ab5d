import TFLiteFormat
import TFLiteKernels

/// Why the interpreter could not load, prepare or run a model.
public enum InterpreterError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The model uses operators (or versions) the op resolver has no kernel for: every one is listed.
  case unsupportedOperators([String])
  /// A kernel refused a node while preparing it (wrong types, shapes or options).
  case kernel(KernelError)
  /// The graph itself is inconsistent (a tensor index out of range, a tensor read but never written ...).
  case invalidModel(String)
  /// `invoke()` or an input/output accessor was called before `allocateTensors()`.
  case notAllocated
  /// Input data that does not fit the tensor: wrong type, count or shape.
  case inputMismatch(String)
  /// No input, output or tensor with this name or index.
  case noSuchTensor(String)
  /// No signature with this key.
  case noSuchSignature(key: String, available: [String])
  /// A custom op's factory failed on its options.
  case customOpFailed(name: String, message: String)

  public var description: String {
    switch self {
    case .unsupportedOperators(let ops):
      "the model needs operators this interpreter does not provide: \(ops.joined(separator: ", ")) (register a kernel for each with OpResolver)"
    case .kernel(let e): e.description
    case .invalidModel(let m): "invalid model: \(m)"
    case .notAllocated: "tensors are not allocated: call allocateTensors() first (and again after resizeInput)"
    case .inputMismatch(let m): m
    case .noSuchTensor(let m): m
    case .noSuchSignature(let key, let available):
      "no signature \"\(key)\"; the model has \(available.isEmpty ? "none" : available.map { "\"\($0)\"" }.joined(separator: ", "))"
    case .customOpFailed(let name, let message): "custom op \(name) rejected its options: \(message)"
    }
  }
}
