import TFLiteFormat
import TFLiteKernels

/// A tensor given to a kernel under test: type, shape, little-endian bytes, and whether the
/// kernel may treat it as constant (known in prepare).
struct TestTensor {
  var type: TensorType
  var shape: [Int]
  var bytes: [UInt8]
  var constant: Bool = false
  var quantization: QuantizationParameters? = nil

  static func floats(_ shape: [Int], _ values: [Float], constant: Bool = false) -> TestTensor {
    TestTensor(type: .float32, shape: shape, bytes: values.withUnsafeBytes { Array($0) }, constant: constant)
  }
  static func int32s(_ shape: [Int], _ values: [Int32], constant: Bool = true) -> TestTensor {
    TestTensor(type: .int32, shape: shape, bytes: values.withUnsafeBytes { Array($0) }, constant: constant)
  }
  static func int64s(_ shape: [Int], _ values: [Int64], constant: Bool = true) -> TestTensor {
    TestTensor(type: .int64, shape: shape, bytes: values.withUnsafeBytes { Array($0) }, constant: constant)
  }
  static func int8s(_ shape: [Int], _ values: [Int8], constant: Bool = true, scale: [Float] = [], zeroPoint: [Int64] = [], axis: Int32 = 0) -> TestTensor {
    TestTensor(type: .int8, shape: shape, bytes: values.map { UInt8(bitPattern: $0) }, constant: constant,
               quantization: scale.isEmpty ? nil : QuantizationParameters(scale: scale, zeroPoint: zeroPoint.isEmpty ? Array(repeating: 0, count: scale.count) : zeroPoint, quantizedDimension: axis))
  }
}

/// What a kernel produced: shapes and bytes of each output.
struct TestOutput {
  var type: TensorType
  var shape: [Int]
  var bytes: [UInt8]
  var floats: [Float] { bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } }
  var int32s: [Int32] { bytes.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) } }
  var int64s: [Int64] { bytes.withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) } }
  var int8s: [Int8] { bytes.map { Int8(bitPattern: $0) } }
}

/// Runs one kernel the way the interpreter does (prepare, then invoke on fresh memory), tflite-micro's KernelRunner.
func runKernel(_ kernel: any Kernel, options: BuiltinOptions = .none, inputs: [TestTensor?],
               outputTypes: [TensorType], outputQuantization: [QuantizationParameters?] = [],
               threadPool: ThreadPool? = nil) throws(KernelError) -> [TestOutput] {
  // Aligned copies of the inputs, kept alive for the run.
  let inputMemory = inputs.map { t -> UnsafeMutableRawBufferPointer in
    let m = UnsafeMutableRawBufferPointer.allocate(byteCount: max(t?.bytes.count ?? 0, 1), alignment: 64)
    if let t, !t.bytes.isEmpty { m.copyBytes(from: t.bytes) }
    return m
  }
  defer { for m in inputMemory { m.deallocate() } }
  let infos: [TensorInfo?] = inputs.enumerated().map { i, t in
    guard let t else { return nil }
    return TensorInfo(index: i, name: "in\(i)", type: t.type, shape: Shape(t.shape), quantization: t.quantization,
                      constantData: t.constant ? UnsafeRawBufferPointer(start: inputMemory[i].baseAddress, count: t.bytes.count) : nil)
  }
  let outInfos = outputTypes.enumerated().map { j, type in
    TensorInfo(index: inputs.count + j, name: "out\(j)", type: type, shape: Shape([]),
               quantization: j < outputQuantization.count ? outputQuantization[j] : nil)
  }
  var node = NodeContext(opName: "TEST", nodeIndex: 0, version: 1, inputs: infos, outputs: outInfos, options: options)
  node.threadPool = threadPool
  let op = try kernel.prepare(&node)
  let outputs = node.outputs.map { o -> UnsafeMutableRawBufferPointer in
    let m = UnsafeMutableRawBufferPointer.allocate(byteCount: max(o.shape.elementCount * (o.type.byteSize ?? 1), 1), alignment: 64)
    m.initializeMemory(as: UInt8.self, repeating: 0xAB)  // garbage, to catch unwritten elements
    return m
  }
  defer { for m in outputs { m.deallocate() } }
  let scratch = node.scratchSizes.map { UnsafeMutableRawBufferPointer.allocate(byteCount: max($0, 1), alignment: 64) }
  defer { for m in scratch { m.deallocate() } }
  let io = NodeIO(
    inputs: inputs.enumerated().map { i, t in
      TensorView(type: t?.type ?? .float32, shape: Shape(t?.shape ?? [0]), data: inputMemory[i].baseAddress!, quantization: t?.quantization)
    },
    outputs: node.outputs.enumerated().map { j, o in
      TensorView(type: o.type, shape: o.shape, data: outputs[j].baseAddress!, quantization: o.quantization)
    },
    scratch: scratch)
  op.invoke(io)
  return node.outputs.enumerated().map { j, o in
    TestOutput(type: o.type, shape: o.shape.dimensions,
               bytes: Array(UnsafeRawBufferPointer(start: outputs[j].baseAddress, count: o.shape.elementCount * (o.type.byteSize ?? 1))))
  }
}

/// Runs `body` on the machine's best path, on the portable path, and (on AVX2 machines without
/// AVX-512 and VNNI) with the AVX-512 / VNNI tiles compiled for AVX2 (`Optimized.withEmulatedWideKernels`);
/// `body` gets the path's name.
func onEveryPath(_ body: (String) throws -> Void) rethrows {
  try body(Optimized.instructionSet)
  try Optimized.withPortableKernels { try body("portable") }
  if Optimized.canEmulateWideKernels {
    try Optimized.withEmulatedWideKernels { try body(Optimized.instructionSet) }
  }
}
