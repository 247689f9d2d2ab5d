import TFLiteFormat
import TFLiteKernels

/// Which kernel runs each operator: every builtin by default, a model's own list (selective
/// registration), and custom ops registered by name.
///
/// ```swift
/// var resolver = OpResolver.builtins
/// resolver.register(custom: "MyTokenizer") { options in MyTokenizerKernel(options: options) }
/// let interpreter = try Interpreter(model: model, options: .init(resolver: resolver))
/// ```
public struct OpResolver: Sendable {
  /// Builds a custom op's kernel from its `custom_options` bytes (valid only during the call).
  public typealias CustomKernelFactory = @Sendable (_ customOptions: UnsafeRawBufferPointer) throws -> any Kernel

  private var builtinEntries: [BuiltinOperator: BuiltinKernels.Entry]
  private var customFactories: [String: CustomKernelFactory]

  /// An empty resolver: register what you need.
  public init() {
    builtinEntries = [:]
    customFactories = [:]
  }

  /// Every builtin operator, with the optimised kernels where Glean has them.
  public static var builtins: OpResolver { builtins(.optimized) }

  /// Every builtin operator, from the given kernel set (`.reference`: the plain reference kernels).
  public static func builtins(_ kernels: KernelSet) -> OpResolver {
    var r = OpResolver()
    r.builtinEntries = BuiltinKernels.table(kernels)
    return r
  }

  /// Only the builtins `model` uses (selective registration); the model's missing ops stay missing.
  public static func selective(for model: Model, kernels: KernelSet = .optimized) -> OpResolver {
    var r = OpResolver()
    let table = BuiltinKernels.table(kernels)
    for code in model.operatorCodes where code.builtin != .custom {
      if let entry = table[code.builtin] { r.builtinEntries[code.builtin] = entry }
    }
    return r
  }

  /// Registers (or replaces) the kernel of a builtin, for versions 1 through `maxVersion`.
  public mutating func register(_ op: BuiltinOperator, kernel: any Kernel, maxVersion: Int = .max) {
    builtinEntries[op] = BuiltinKernels.Entry(kernel, maxVersion: maxVersion)
  }

  /// Registers a custom operator by the name the model gives it.
  public mutating func register(custom name: String, factory: @escaping CustomKernelFactory) {
    customFactories[name] = factory
  }

  /// The builtin entry for an operator code, when registered at that version.
  func builtin(_ code: OperatorCode) -> BuiltinKernels.Entry? {
    guard let entry = builtinEntries[code.builtin], Int(code.version) <= entry.maxVersion else { return nil }
    return entry
  }

  func custom(_ name: String) -> CustomKernelFactory? { customFactories[name] }

  /// The operators of `model` this resolver cannot run, as "NAME vN" (or the custom name), without repeats.
  public func missingOperators(in model: Model) -> [String] {
    var missing: [String] = []
    for code in model.operatorCodes {
      let found = code.builtin == .custom ? custom(code.customName ?? "") != nil : builtin(code) != nil
      let name = code.builtin == .custom ? "\(code.customName ?? "CUSTOM") (custom)" : code.displayName
      if !found && !missing.contains(name) { missing.append(name) }
    }
    return missing
  }
}
