import TFLiteFormat

/// Why a kernel refused a node while preparing it.
///
/// The message names the operator, its position in the graph and the tensor at fault,
/// e.g. `FULLY_CONNECTED (node 3): input 0 "x" has type INT8; expected FLOAT32`.
public struct KernelError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The operator's name, e.g. "FULLY_CONNECTED v9" or a custom op's name.
  public var op: String
  /// The node's index in its subgraph's execution order.
  public var nodeIndex: Int
  /// The tensor at fault, when there is one.
  public var tensorIndex: Int?
  /// What is wrong and what was expected.
  public var message: String

  public init(op: String, nodeIndex: Int, tensorIndex: Int? = nil, message: String) {
    self.op = op
    self.nodeIndex = nodeIndex
    self.tensorIndex = tensorIndex
    self.message = message
  }

  public var description: String {
    "\(op) (node \(nodeIndex)): \(message)"
  }
}
