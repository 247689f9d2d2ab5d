// Shared between the kernel files; not part of the public header.
#ifndef GLEAN_KERNELS_INTERNAL_H
#define GLEAN_KERNELS_INTERNAL_H
#include "glean_kernels.h"

/// Starts a function on a 64-byte boundary; given to the kernels compiled for a target (AVX2, AVX-512, VNNI,
/// dot product) that are not inlined. A kernel's speed
/// depends on where its inner loops fall relative to the core's instruction fetch blocks: on the QA model
/// (AMD Zen 3), an edit that moved every later kernel by 32 bytes in the link made every op 3-10 % slower.
/// Aligned, a function's loops sit at the same offsets whatever changes around it, so speed no longer
/// depends on unrelated edits and link order, and comparisons between two builds measure the change. (The
/// NEON kernels, arm64's baseline, have no target attribute and are left as they are: unmeasured here.)
#define GLEAN_ALIGNED __attribute__((aligned(64)))

int glean_has_avx2_fma(void);
#if defined(__clang__)
/// Sixteen floats, the wide GEMM tiles' row of a panel (a ZMM register with AVX-512F, two YMM with AVX2).
typedef float glean_v16f __attribute__((ext_vector_type(16)));
#endif
#if defined(__x86_64__)
#include <immintrin.h>
/// The lanes of s0 + s1 summed one after another from lane 0: how every AVX2 and AVX-512 row sum (softmax,
/// layer norm, means) ends, single-row and two-row versions alike, so that they agree bit for bit.
__attribute__((target("avx2"), always_inline))
static inline float glean_lane_sum_avx2(__m256 s0, __m256 s1) {
  float lanes[8], sum = 0;
  _mm256_storeu_ps(lanes, _mm256_add_ps(s0, s1));
  for (int j = 0; j < 8; j++) sum += lanes[j];
  return sum;
}
#endif
/// Whether the calling thread may use the vector softmax, GELU, row means and input quantization: AVX2+FMA on
/// x86-64, NEON on arm64 (every arm64 CPU), unless glean_kernels_force_portable is set: 0 (no), 1 (yes), or
/// GLEAN_SIMD_AVX512 where the machine has AVX-512F too (some of them have AVX-512 versions; others take
/// any nonzero value as 1), unless glean_kernels_emulate_wide is set.
enum { GLEAN_SIMD_AVX512 = 2 };
int glean_simd(void);

/// The float GEMM's micro-kernel on the calling thread: portable C, AVX2 (6 × 16 tiles), or the wide
/// tiles (8 × 32 over a pair of panels, 12 × 16 for a lone one; one 16-float vector per row and panel)
/// compiled for AVX-512F, or the same wide tiles compiled for AVX2 (only when a test asks for them with
/// glean_kernels_emulate_wide, on any AVX2 machine: they check the wide tiles' logic, and on AVX-512 machines
/// compare them with the real instructions). Every value is nonzero on AVX2 machines, so `isa != 0` means "AVX2 allowed".
/// On arm64: NEON (6 × 16 tiles) or portable.
enum { GLEAN_SGEMM_PORTABLE = 0, GLEAN_SGEMM_AVX2 = 1, GLEAN_SGEMM_WIDE_ON_AVX2 = 2, GLEAN_SGEMM_AVX512 = 3, GLEAN_SGEMM_NEON = 4 };
int glean_sgemm_isa(void);
/// The hybrid GEMM's int8 dot product on the calling thread: none (vpmaddwd on AVX2, or portable C), or
/// vpdpbusd in its VEX (AVX-VNNI) or EVEX (AVX512-VNNI + VL) encoding, or vpdpbusd emulated exactly with
/// AVX2 (tests only, as above); on arm64, sdot (the dot-product extension). With any but the first, weights
/// are packed in quads (see qgemm.c).
enum { GLEAN_VNNI_NONE = 0, GLEAN_VNNI_EMULATED = 1, GLEAN_VNNI_AVX = 2, GLEAN_VNNI_AVX512 = 3, GLEAN_VNNI_SDOT = 4 };
int glean_vnni(void);
/// Rows of y = softmax(beta · (x · scale + mask)) on the calling thread (glean_masked_softmax_f32's rows).
void glean_masked_softmax_rows(const float *x, const float *scale, const float *mask, float *y, ptrdiff_t rows,
                               ptrdiff_t depth, float beta, int simd);
/// glean_sgemm on the calling thread with the instruction set (glean_sgemm_isa) chosen by the caller (a task of a pool job
/// passes the job's choice, made on the thread that started it).
void glean_sgemm_serial(int isa, int m, int n, int k, const float *a, ptrdiff_t stride_m, ptrdiff_t stride_k,
                        const float *packed_b, const glean_epilogue *epilogue, float *c, ptrdiff_t ldc);
/// Whether glean_kernels_dense_products(1) is in effect on the calling thread.
int glean_dense_products(void);
/// The float GEMM skipping A's exact zeros (sgemm_sparse_a.c), whatever their number, on any x86-64 machine
/// with AVX2 (glean_sgemm_finite_b decides when it pays); glean_sgemm elsewhere, for column blocks and for k 0.
/// B must hold only finite values. A's rows are lda apart and contiguous along depth.
void glean_sgemm_skipping_zeros(glean_pool *pool, int m, int n, int k, const float *a, ptrdiff_t lda, const float *packed_b,
                                const glean_epilogue *epilogue, float *c, ptrdiff_t ldc);
/// The block of a GEMM that pool task `task` computes when tasks run over (row block × column chunk):
/// rows [*i_begin, *i_end) of m in blocks of `row_block`, panels [*panel_begin, *panel_end) of the n columns'
/// panels of `panel_width` in chunks of `panels_per_task`, `column_chunks` chunks per row block.
static inline void glean_gemm_task_block(int task, int column_chunks, int m, int row_block, int n, int panel_width,
                                         int panels_per_task, int *i_begin, int *i_end, int *panel_begin, int *panel_end) {
  int block = task / column_chunks, chunk = task % column_chunks;
  int panels = (n + panel_width - 1) / panel_width;
  *i_begin = block * row_block;
  *i_end = *i_begin + row_block < m ? *i_begin + row_block : m;
  *panel_begin = chunk * panels_per_task;
  *panel_end = *panel_begin + panels_per_task < panels ? *panel_begin + panels_per_task : panels;
}
/// Quantizes rows begin ..< end of x (m × k) on the calling thread as LiteRT does, with the instruction set
/// chosen by the caller. Rows are stored in one of two forms: with `q16`, as q − zp widened to int16 (rows of
/// k rounded up to 2 elements, padding 0); with `q8`, as q + 128 in uint8 (rows of k rounded up to 4
/// bytes, padding 128, which stands for 0). zero_points[row] is always written (0 when symmetric).
void glean_quantize_row_range(const float *x, int k, int asymmetric, int simd, int16_t *q16, uint8_t *q8, float *scales,
                              int32_t *zero_points, int begin, int end);
/// glean_binary_f32 on the calling thread, `rows` rows of `cols` outputs (y's rows are `cols` apart), with the
/// instruction set chosen by the caller: the same element-wise operation, so the same values.
void glean_binary_rows(int op, int avx2, const float *a, ptrdiff_t a_row, ptrdiff_t a_col, const float *b, ptrdiff_t b_row,
                       ptrdiff_t b_col, float *y, ptrdiff_t rows, ptrdiff_t cols);
/// The mean of one contiguous row as glean_mean_rows_f32 computes it (same summation order).
float glean_row_mean(const float *x, ptrdiff_t depth, int simd);
#endif
