import CKernels

/// Glean's optimised kernels: packed, cache-blocked GEMM micro-kernels in C (AVX2+FMA, AVX-512F,
/// AVX-VNNI or AVX512-VNNI chosen at run time by CPUID; NEON and sdot on arm64; portable C elsewhere),
/// spread over a `ThreadPool`.
///
/// Float results differ from `Reference` only by summation rounding (FMA, same order for every
/// thread count and for AVX2 and AVX-512); hybrid (int8) results are bit-identical to the reference
/// on every instruction set.
///
/// ```swift
/// let fullyConnected = BuiltinKernels.optimized[.fullyConnected]!.kernel
/// print(Optimized.instructionSet)   // "avx2+fma", "avx512f+avx512vnni", "portable", …
/// ```
public enum Optimized {
  /// The instruction sets the C kernels use on the calling thread: "portable", "avx2+fma",
  /// "avx2+fma+avxvnni", "avx512f", "avx512f+avxvnni", "avx512f+avx512vnni", "neon" or "neon+dotprod".
  public static var instructionSet: String { String(cString: glean_kernels_isa()) }

  /// Whether `withEmulatedWideKernels` changes anything on this machine: it is an x86-64 machine with AVX2.
  public static var canEmulateWideKernels: Bool {
    withEmulatedWideKernels { instructionSet } != instructionSet
  }

  /// Runs `body` with the kernels written for AVX-512F and VNNI running on AVX2 on the calling thread:
  /// the float GEMM's wide tiles (12 × 16 and 8 × 32) compiled for AVX2, and the VNNI hybrid tiles with
  /// `vpdpbusd` emulated exactly (hybrid weights packed in those tiles' layout). They give the AVX2 and
  /// AVX-512 kernels' results bit for bit, so tests on a machine without AVX-512 check everything about those
  /// kernels but the compiler's encoding of the same source, and tests on a machine with it compare the
  /// real instructions with the emulation (the softmax, GELU and input quantization then take their AVX2
  /// versions, which give their AVX-512 versions' values). No effect without AVX2.
  public static func withEmulatedWideKernels<R>(_ body: () throws -> R) rethrows -> R {
    glean_kernels_emulate_wide(1)
    defer { glean_kernels_emulate_wide(0) }
    return try body()
  }

  /// Runs `body` with the float FULLY_CONNECTED multiplying every input element on the calling thread, never
  /// skipping the zeros of a RELU's output (which it does when the weights are finite and at least 40 % of the
  /// input is zero, on AVX2 machines). The results are the same; `glean benchmark --dense-products` uses it to
  /// measure what skipping saves. `body`'s errors are rethrown.
  ///
  /// ```swift
  /// try Optimized.withDenseProducts { try interpreter.invoke() }   // the same outputs, every zero multiplied
  /// ```
  public static func withDenseProducts<R>(_ body: () throws -> R) rethrows -> R {
    glean_kernels_dense_products(1)
    defer { glean_kernels_dense_products(0) }
    return try body()
  }

  /// Runs `body` with the portable C path forced on the calling thread (kernels invoked from it
  /// use portable code even on AVX2 machines), to test both paths on one machine.
  public static func withPortableKernels<R>(_ body: () throws -> R) rethrows -> R {
    glean_kernels_force_portable(1)
    defer { glean_kernels_force_portable(0) }
    return try body()
  }
}

/// Which implementation runs each builtin operator.
///
/// ```swift
/// let options = Interpreter.Options(kernels: .reference)   // the straightforward kernels
/// ```
public enum KernelSet: String, Sendable, CaseIterable {
  /// Optimised kernels where Glean has them (FULLY_CONNECTED, BATCH_MATMUL), reference otherwise.
  case optimized
  /// The reference kernels only: plain loops, the specification of every op.
  case reference
}

/// Worker threads kernels share: a fixed pool (the calling thread counts as one).
///
/// ```swift
/// let pool = ThreadPool(threads: 2)   // one worker thread plus the caller
/// ```
/// Running work on it neither allocates nor locks beyond the pool's own signalling. Meant for one
/// interpreter at a time; a job started while another caller's job runs is run on its caller alone.
public final class ThreadPool: @unchecked Sendable {
  let pool: OpaquePointer?
  /// Threads in all, the caller included (1: everything runs on the caller).
  public let threads: Int

  /// A pool of `threads` threads in all; 1 or less runs everything on the caller.
  public init(threads count: Int) {
    pool = glean_pool_create(Int32(clamping: count))
    threads = Int(glean_pool_threads(pool))
  }

  deinit { glean_pool_destroy(pool) }
}

/// Memory a kernel fills once while preparing (packed weights) and reads on every run.
final class PersistentBuffer: @unchecked Sendable {
  let raw: UnsafeMutableRawBufferPointer

  init(bytes: Int) {
    raw = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes, 1), alignment: 64)
  }

  func pointer<T>(_: T.Type) -> UnsafeMutablePointer<T> { raw.baseAddress!.assumingMemoryBound(to: T.self) }

  deinit { raw.deallocate() }
}
