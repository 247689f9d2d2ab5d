// Glean's optimised compute kernels in C: packed GEMM (float, and int8 × int8 → int32 for
// hybrid models), input quantization, and a small thread pool.
//
// Every entry point runs on any x86-64 or arm64 CPU: x86-64 builds hold AVX2+FMA, AVX-512F and
// VNNI variants (compiled with function-level target attributes) chosen at run time by CPUID, arm64
// builds NEON and sdot variants (sdot chosen by the CPU's hardware capabilities), beside a portable C path. Results never depend on the number of threads: each output element is
// computed by one thread with a fixed summation order.
#ifndef GLEAN_KERNELS_H
#define GLEAN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: CPU features

/// The instruction sets the kernels use on the calling thread: "portable", "avx2+fma", "avx2+fma+avxvnni",
/// "avx512f", "avx512f+avxvnni", "avx512f+avx512vnni", "neon" or "neon+dotprod" (see
/// glean_kernels_emulate_wide for one more).
const char *glean_kernels_isa(void);
/// Forces the portable path on the calling thread (kernels it starts use it, whatever pool
/// threads run them), for tests comparing paths; 0 restores run-time detection.
void glean_kernels_force_portable(int force);
/// On an AVX2 machine without AVX-512F or VNNI, makes kernels started from the calling thread run the
/// wide float GEMM tile (written for AVX-512) and the VNNI hybrid tile compiled for AVX2, vpdpbusd
/// emulated exactly, and pack hybrid weights for them: tests check those kernels' logic here, so that
/// only the compiler's encoding of the same code is new on the machines that run them for real. 0 restores
/// run-time detection; no effect on other machines.
void glean_kernels_emulate_wide(int emulate);
/// With 1, float GEMMs started from the calling thread multiply every element of A, never skipping its zeros
/// (glean_sgemm_finite_b behaves as glean_sgemm): the same values, to measure what skipping them saves.
/// 0 restores the default.
void glean_kernels_dense_products(int dense);

// MARK: Thread pool

typedef struct glean_pool glean_pool;
/// A pool running tasks on `threads` threads in all (the caller included); NULL when threads <= 1.
glean_pool *glean_pool_create(int threads);
void glean_pool_destroy(glean_pool *pool);
/// Threads in the pool, the caller included (1 for a NULL pool).
int glean_pool_threads(const glean_pool *pool);
/// Inside a task of glean_pool_run: which thread runs it, 0 ..< glean_pool_threads(pool) (0 is the caller),
/// to index per-thread scratch memory.
int glean_pool_thread_index(void);
/// Runs fn(context, i) for every i in [0, count), spread over the pool's threads; returns when all
/// are done. A NULL pool runs them on the caller. Neither allocates nor takes locks beyond the
/// pool's own signalling.
void glean_pool_run(glean_pool *pool, void (*fn)(void *context, int task), void *context, int count);

// MARK: GEMM epilogue

/// What a GEMM does to each result C[i, j] before storing it, in this order, each step rounded on its
/// own (so the fused result equals FULLY_CONNECTED followed by ADD, MUL and ADD nodes bit for bit):
///
///   v = bias[j] + dot             (bias NULL: v = dot; the hybrid GEMM: (bias ? bias[j] : 0) + dot · scale)
///   v = clamp_lo >= v ? clamp_lo : v,  v = clamp_hi < v ? clamp_hi : v      (when clamp: RELU, RELU6, …)
///   v = v + residual[i · residual_ld + j]       (when residual is not NULL)
///   C[i, j] = v, and the rest goes to second[i · second_ld + j] instead   (when second is not NULL)
///   v = v · scale[per_column ? j : 0]           (when scale is not NULL)
///   v = v + shift[per_column ? j : 0]           (when shift is not NULL)
///
/// A NULL epilogue stores the plain dot products. `second` serves MobileBERT's residual sum, which is
/// both read on and normalised (NoNorm: × γ + β): one pass writes both.
///
/// Where C[i, j] is: c[i · ldc + j], or with block_columns = B > 0 c[(j / B) · block_stride + i · ldc + j mod B]:
/// the columns split into blocks of B, each block an m × B matrix of its own (attention heads: the output
/// FULLY_CONNECTED → RESHAPE (M, H, B) → TRANSPOSE (H, M, B) would give). Panels that fall inside one block
/// are stored as fast as plain ones (B a multiple of 16); others element by element. `second` stays plain.
typedef struct {
  const float *bias;
  int clamp;
  float clamp_lo, clamp_hi;
  const float *residual;
  ptrdiff_t residual_ld;
  float *second;
  ptrdiff_t second_ld;
  const float *scale;
  int scale_per_column;
  const float *shift;
  int shift_per_column;
  ptrdiff_t block_columns, block_stride;
} glean_epilogue;

// MARK: Float GEMM: C (m × n) = epilogue(A (m × k) · B (k × n))

/// Columns per packed panel of B.
#define GLEAN_SGEMM_NR 16
/// Floats needed to pack a k × n matrix B.
size_t glean_sgemm_packed_size(int k, int n);
/// Packs B, whose element (p, j) is b[p * stride_k + j * stride_n], into panels of NR columns
/// (zero-padded), the layout glean_sgemm reads.
void glean_sgemm_pack(const float *b, ptrdiff_t stride_k, ptrdiff_t stride_n, int k, int n, float *packed);
/// C[i, j] = epilogue(Σₚ A[i, p] · B[p, j]), with A's element (i, p) at a[i * stride_m + p * stride_k]
/// and C's at c[i * ldc + j]. `epilogue` may be NULL (plain products).
void glean_sgemm(glean_pool *pool, int m, int n, int k, const float *a, ptrdiff_t stride_m, ptrdiff_t stride_k,
                 const float *packed_b, const glean_epilogue *epilogue, float *c, ptrdiff_t ldc);
/// glean_sgemm for a packed B whose values are all finite (the caller checks, once: constant weights, with
/// glean_all_finite_f32). Where A has many exact zeros (a RELU's output: at least 40 % of a sample of 16 rows with
/// the AVX2 tile, 35 % with the AVX-512F one; x86-64 only), the products by them are left out (sgemm_sparse_a.c): the same values
/// as glean_sgemm, since 0 · b adds nothing to a sum when b is finite (a zero result may differ in sign).
/// Otherwise, and for A strided along depth or C in column blocks, it is glean_sgemm.
void glean_sgemm_finite_b(glean_pool *pool, int m, int n, int k, const float *a, ptrdiff_t stride_m, ptrdiff_t stride_k,
                          const float *packed_b, const glean_epilogue *epilogue, float *c, ptrdiff_t ldc);
/// Whether none of x[0 ..< count] is infinite or NaN.
int glean_all_finite_f32(const float *x, size_t count);

// MARK: Hybrid int8 GEMM

/// Bytes needed to pack k × n int8 weights (either layout, header included).
size_t glean_qgemm_packed_size(int k, int n);
/// Packs int8 weights W (n × k, row-major: element (j, p) at w[j * k + p]) for glean_hybrid_fully_connected,
/// in the layout the calling thread's CPU multiplies fastest: k-pairs for vpmaddwd (AVX2, portable) or
/// k-quads with column sums for vpdpbusd (VNNI); a header records which, and k and n.
void glean_qgemm_pack(const int8_t *w, int n, int k, int8_t *packed);
/// Which layout glean_qgemm_pack chose for `packed` (a small positive number; rows quantized for one layout
/// are multiplied only by weights packed in it).
int glean_qgemm_packed_layout(const int8_t *packed);
/// Bytes of scratch for m quantized rows of depth k (either layout).
size_t glean_qgemm_quantized_bytes(int m, int k);

/// A hybrid FULLY_CONNECTED: y[i, j] = epilogue(float(dot(q_i − zp_i, w_j)) · (scale_i · wscale_j)), the
/// bias added as bias[j] + ·, where row i of x (m × k floats) is quantized to int8 as LiteRT does
/// (symmetric: scale max|x|/127, zp 0; asymmetric: per-row zero point zp), with exact int32 dots: equal to
/// LiteRT's dot(q_i, w_j) − zp_i · Σ_p w_j[p] bit for bit, whatever the layout or instruction set.
/// `q` (glean_qgemm_quantized_bytes(m, k)), `row_scales` and `zero_points` (m each) are scratch, left
/// holding the quantized rows, scales and zero points. Each pool task multiplies a block of rows by 16
/// columns; the first task to reach a block quantizes it, so a thread mostly multiplies rows it has just
/// quantized, while they are in its cache. With x NULL nothing is quantized: the rows are those
/// an earlier call with the same m, k and `asymmetric`, weights packed on this machine, left in `q`,
/// `row_scales` and `zero_points` (so FULLY_CONNECTED nodes reading one tensor quantize it once).
/// `epilogue` may be NULL. Returns 0, or −1 (and writes nothing) when packed_w was not packed by
/// glean_qgemm_pack for this k and n.
int glean_hybrid_fully_connected(glean_pool *pool, int m, int n, int k, const float *x, int asymmetric, void *q,
                                 float *row_scales, int32_t *zero_points, const int8_t *packed_w, const float *weight_scales,
                                 const glean_epilogue *epilogue, float *y, ptrdiff_t ldy);

// MARK: Element-wise float arithmetic

/// The binary operators of glean_binary_f32.
enum { GLEAN_BINARY_ADD = 0, GLEAN_BINARY_SUB = 1, GLEAN_BINARY_MUL = 2, GLEAN_BINARY_DIV = 3, GLEAN_BINARY_SQUARED_DIFFERENCE = 4 };
/// y[i, j] = a[i·a_row + j·a_col] op b[i·b_row + j·b_col] for a rows × cols output (row-major).
/// Strides of 0 broadcast. Each element is one IEEE operation, as in the reference kernels; large
/// outputs are split over the pool.
void glean_binary_f32(glean_pool *pool, int op, const float *a, ptrdiff_t a_row, ptrdiff_t a_col, const float *b, ptrdiff_t b_row,
                      ptrdiff_t b_col, float *y, ptrdiff_t rows, ptrdiff_t cols);
/// y[i] = scale · (x[i] − zero_point) for `count` int8 (is_signed ≠ 0) or uint8 values x, the product rounded
/// once to float. The caller keeps |zero_point| ≤ 2¹⁵, so that x[i] − zero_point is exact in float and y equals
/// the double-precision reference bit for bit. Large inputs are split over the pool.
void glean_dequantize_8bit(glean_pool *pool, const void *x, int is_signed, float *y, ptrdiff_t count, float scale, int32_t zero_point);

// MARK: Softmax and GELU

/// y = softmax(beta · x) along rows of length depth: exp(beta·(x − max)) · (1 / Σ). The exponential
/// is a polynomial within 2 ulp of expf; sums run in 8 interleaved partial sums (AVX2) or in order.
void glean_softmax_f32(glean_pool *pool, const float *x, float *y, ptrdiff_t rows, ptrdiff_t depth, float beta);
/// The fused attention-score softmax: row r of y = softmax(beta · (x_r · scale + mask)), where `scale` (may be
/// NULL: no multiplication) is one float and `mask` one row of `depth` floats; the product and the sum are
/// rounded separately, so y equals MUL, then ADD, then glean_softmax_f32 bit for bit. In place (y == x) is allowed.
void glean_masked_softmax_f32(glean_pool *pool, const float *x, const float *scale, const float *mask, float *y,
                              ptrdiff_t rows, ptrdiff_t depth, float beta);

// MARK: Fused attention

/// Floats of scratch glean_attention_f32 needs: both packed right sides and a key count for every head, and a
/// block of scores for each of `threads` threads.
size_t glean_attention_scratch_floats(int heads, int m, int n, int d, int dv, int threads);
/// For every head h: out_h (m × dv) = softmax(beta · (Q_h K_hᵀ · scale + mask)) V_h, the graph
/// BATCH_MATMUL → [MUL scale] → ADD mask → SOFTMAX → BATCH_MATMUL in one pass, a block of query rows at
/// a time so that its scores stay in cache. out_h's row r is at out + h · out_head + r · out_m (dv contiguous
/// floats: out_head = m · dv, out_m = dv for (heads, m, dv); out_head = dv, out_m = heads · dv writes the
/// heads merged, (m, heads, dv)). Q_h is read through strides (q_m, q_k) like glean_sgemm's A;
/// K_h is the first product's right side (d × n) through (k_k, k_n) and V_h the second's (n × dv) through
/// (v_k, v_n), packed as glean_sgemm_pack does; heads are q_head, k_head, v_head floats apart. `scale` may
/// be NULL; `mask` holds n floats. Every value equals the unfused optimised kernels' bit for bit (same
/// packing, same micro-kernel, same summation order, same softmax). Where the mask ends in padding (values
/// ≤ −1000) whose probabilities are provably +0 for every query of a head, that head leaves those keys out of
/// both products (attention.c): the same values, save that an output of exactly zero may be −0 where the
/// unfused kernels give +0. `scratch` holds
/// glean_attention_scratch_floats(...) floats for glean_pool_threads(pool) threads.
void glean_attention_f32(glean_pool *pool, int heads, int m, int n, int d, int dv,
                         const float *q, ptrdiff_t q_head, ptrdiff_t q_m, ptrdiff_t q_k,
                         const float *k, ptrdiff_t k_head, ptrdiff_t k_k, ptrdiff_t k_n,
                         const float *v, ptrdiff_t v_head, ptrdiff_t v_k, ptrdiff_t v_n,
                         const float *scale, const float *mask, float beta, float *out, ptrdiff_t out_head, ptrdiff_t out_m,
                         float *scratch);
/// y = x·Φ(x): exact (erf, by a fitted rational; Tools/kernels/fit_erf.py) or approximate (tanh, through
/// a polynomial exp) GELU, absolute error below 1e-6 · max(1, |x|).
void glean_gelu_f32(glean_pool *pool, const float *x, float *y, ptrdiff_t count, int approximate);

// MARK: Reductions

/// y[r] = (Σⱼ x[r, j]) / depth for each of `rows` contiguous rows (MEAN over trailing axes). AVX2
/// sums in 16 interleaved partial sums, the portable path in order; rows are split over the pool.
void glean_mean_rows_f32(glean_pool *pool, const float *x, float *y, ptrdiff_t rows, ptrdiff_t depth);

/// Layer normalisation of `rows` contiguous rows of n, as converted graphs spell it: mean = MEAN(x),
/// r = RSQRT(MEAN(SQUARED_DIFFERENCE(x, mean)) + ε), normalized = (x − mean) · r, scaled = normalized · γ,
/// shifted = scaled + β; γ and β one value per column (per_column) or one value, ε one value. Every output
/// equals those steps run one by one with the optimised kernels, bit for bit (sums in glean_mean_rows_f32's
/// order on the same path). Any output may be NULL; gamma NULL stops after normalized, beta NULL after scaled.
void glean_layer_norm_f32(glean_pool *pool, const float *x, const float *epsilon, const float *gamma, int gamma_per_column,
                          const float *beta, int beta_per_column, float *normalized, float *scaled, float *shifted,
                          ptrdiff_t rows, ptrdiff_t n);

// MARK: Fused row-wise chains (layer normalisation)

/// Operations of a row-wise chain: the binary operators (GLEAN_BINARY_*), MEAN along the row, and
/// element-wise RSQRT (1 / sqrt x), SQRT, SQUARE (x · x) and NEG.
enum { GLEAN_ROWWISE_MEAN = 16, GLEAN_ROWWISE_RSQRT = 17, GLEAN_ROWWISE_SQRT = 18, GLEAN_ROWWISE_SQUARE = 19, GLEAN_ROWWISE_NEG = 20 };
/// What one value of a row-wise chain holds, for a rows × n computation: a full rows × n matrix, one
/// float per row, one row of n floats shared by every row (a broadcast constant like gamma), or one float.
enum { GLEAN_ROWWISE_FULL = 0, GLEAN_ROWWISE_PER_ROW = 1, GLEAN_ROWWISE_ROW_VECTOR = 2, GLEAN_ROWWISE_SCALAR = 3 };
/// One step: value `result` = op(value a, value b) (b unused by MEAN and the unary operations). Values
/// 0 ..< input_count are the chain's inputs; value input_count + s is step s's result.
typedef struct {
  int32_t op, a, b;
} glean_rowwise_step;
/// Floats of scratch glean_rowwise_f32 needs for these steps (result_kinds: the kind of each step's result,
/// FULL or PER_ROW; output_steps: the steps whose results are outputs) on `threads` threads.
size_t glean_rowwise_scratch_floats(const int32_t *result_kinds, int step_count, const int32_t *output_steps, int output_count,
                                    ptrdiff_t n, int threads);
/// Runs a chain of row-wise steps over a rows × n computation, a block of rows at a time so that every
/// intermediate value stays in cache: the layer-norm pattern (MEAN, SQUARED_DIFFERENCE, MEAN, ADD, RSQRT,
/// SUB, MUL, MUL, ADD) in one pass instead of nine. Each step computes what the unfused kernel
/// (glean_binary_f32, glean_mean_rows_f32, the reference unary kernels) computes, element by element in the
/// same order, so the outputs equal the unfused chain's bit for bit. The result of step output_steps[o]
/// (FULL) goes to outputs[o] (rows × n), for o < output_count (a layer norm's result and its γ, β copy for
/// the residual); the others to `scratch` (glean_rowwise_scratch_floats(...) floats for
/// glean_pool_threads(pool) threads). The caller checks that every step's operands have kinds it allows.
void glean_rowwise_f32(glean_pool *pool, const glean_rowwise_step *steps, const int32_t *result_kinds, int step_count,
                       const float *const *inputs, const int32_t *input_kinds, int input_count, float *const *outputs,
                       const int32_t *output_steps, int output_count, ptrdiff_t rows, ptrdiff_t n, float *scratch);

#ifdef __cplusplus
}
#endif
#endif
