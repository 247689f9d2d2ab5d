// Float GEMM over a packed B: panels of NR = 16 columns, each stored k-major (16 floats per depth
// step), zero-padded past n. The micro-kernel computes a 6 × 16 tile of C (AVX2, portable) or, with
// AVX-512F, an 8 × 32 tile over two adjacent panels and a 12 × 16 one for a lone panel (one ZMM per row and
// panel; sgemm_wide_tile.h), or a 6 × 16 tile in NEON's 24
// accumulators (arm64), summing over p in order 0 ..< k
// (AVX2, AVX-512F, NEON: one FMA per step, so they agree bit for bit; portable: multiply then add), then
// applies the epilogue (bias, activation clamp, residual, scale, shift; see glean_epilogue) before storing.
// Work is split into (row block × column chunk) tasks; each C element belongs to one task. Within a task,
// a panel's whole tiles of a plain matrix run in one call (a strip: rows found by arithmetic); partial tiles
// and strided A go tile by tile through row pointers.
#include "glean_kernels.h"
#include "internal.h"
#include "epilogue.h"
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

#pragma clang fp contract(off)

#define NR GLEAN_SGEMM_NR
#define MR 6
#define WIDE_MR 12
#define PAIR_MR 8           // rows of the wide pair tile (two panels: 8 × 32)
#define ROW_BLOCK 96        // rows of A per task (a multiple of MR, WIDE_MR and PAIR_MR)
// One panel (16 columns) per task. A thread runs its tasks in the same order whatever their size (the
// panels of a row block one after another, A's block staying in L2), so small tasks cost only a counter
// increment each; what they buy is a short wait at the end of a job, where one thread finishes its last
// task while the other has nothing left to take. On one thread there is no such wait to shorten: a task is
// a whole row block, every panel (attention's scores of a block of 24 queries, 24 calls a head: ~2 %
// faster so).
#define PANELS_PER_TASK 1

size_t glean_sgemm_packed_size(int k, int n) {
  size_t panels = ((size_t)n + NR - 1) / NR;
  return panels * (size_t)k * NR;
}

#if defined(__x86_64__)
/// out[r][c] = rows[c][r] for an 8 × 8 block: eight rows of 8 floats (rows[c], c < 8) become eight columns; out's
/// rows are `out_stride` floats apart.
__attribute__((target("avx2"), always_inline))
static inline void transpose8_avx2(const float *const rows[8], float *out, ptrdiff_t out_stride) {
  __m256 r0 = _mm256_loadu_ps(rows[0]), r1 = _mm256_loadu_ps(rows[1]), r2 = _mm256_loadu_ps(rows[2]), r3 = _mm256_loadu_ps(rows[3]);
  __m256 r4 = _mm256_loadu_ps(rows[4]), r5 = _mm256_loadu_ps(rows[5]), r6 = _mm256_loadu_ps(rows[6]), r7 = _mm256_loadu_ps(rows[7]);
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5), t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE), u2 = _mm256_shuffle_ps(t1, t3, 0x44);
  __m256 u3 = _mm256_shuffle_ps(t1, t3, 0xEE), u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  _mm256_storeu_ps(out + 0 * out_stride, _mm256_permute2f128_ps(u0, u4, 0x20));
  _mm256_storeu_ps(out + 1 * out_stride, _mm256_permute2f128_ps(u1, u5, 0x20));
  _mm256_storeu_ps(out + 2 * out_stride, _mm256_permute2f128_ps(u2, u6, 0x20));
  _mm256_storeu_ps(out + 3 * out_stride, _mm256_permute2f128_ps(u3, u7, 0x20));
  _mm256_storeu_ps(out + 4 * out_stride, _mm256_permute2f128_ps(u0, u4, 0x31));
  _mm256_storeu_ps(out + 5 * out_stride, _mm256_permute2f128_ps(u1, u5, 0x31));
  _mm256_storeu_ps(out + 6 * out_stride, _mm256_permute2f128_ps(u2, u6, 0x31));
  _mm256_storeu_ps(out + 7 * out_stride, _mm256_permute2f128_ps(u3, u7, 0x31));
}

/// The depth steps 0 ..< 8·blocks of one whole panel (columns j0 ..< j0 + 16) of a B whose columns are contiguous along depth
/// (stride_k 1: weights stored N × K, or the keys of attention): 16 columns × 8 steps at a time, as two 8 × 8
/// transposes instead of 128 strided loads.
__attribute__((target("avx2"))) GLEAN_ALIGNED
static void pack_panel_transposed_avx2(const float *b, ptrdiff_t stride_n, int j0, int blocks, float *out) {
  for (int block = 0; block < blocks; block++) {
    const float *low[8], *high[8];
    for (int c = 0; c < 8; c++) {
      low[c] = b + (ptrdiff_t)(j0 + c) * stride_n + 8 * block;
      high[c] = b + (ptrdiff_t)(j0 + 8 + c) * stride_n + 8 * block;
    }
    transpose8_avx2(low, out + (size_t)block * 8 * NR, NR);
    transpose8_avx2(high, out + (size_t)block * 8 * NR + 8, NR);
  }
}
#endif

void glean_sgemm_pack(const float *b, ptrdiff_t stride_k, ptrdiff_t stride_n, int k, int n, float *packed) {
  int panels = (n + NR - 1) / NR;
  for (int panel = 0; panel < panels; panel++) {
    float *out = packed + (size_t)panel * k * NR;
    int j0 = panel * NR, width = n - j0 < NR ? n - j0 : NR;
    int p = 0;
#if defined(__x86_64__)
    if (stride_k == 1 && width == NR && k >= 8 && glean_has_avx2_fma()) {
      pack_panel_transposed_avx2(b, stride_n, j0, k / 8, out);
      p = k / 8 * 8;
      out += (size_t)p * NR;
    }
#endif
    for (; p < k; p++) {
      const float *row = b + p * stride_k + j0 * stride_n;
      int j = 0;
      if (stride_n == 1) { memcpy(out, row, (size_t)width * sizeof(float)); j = width; }
      for (; j < width; j++) out[j] = row[j * stride_n];
      for (j = width; j < NR; j++) out[j] = 0;
      out += NR;
    }
  }
}

/// One tile: rows a[r] (r < MR, strided by stride_k along depth), a packed panel, an MR × NR result.
static void tile_portable(int k, const float *const a[MR], ptrdiff_t stride_k, const float *panel, float tile[MR][NR]) {
  float acc[MR][NR];
  memset(acc, 0, sizeof acc);
  for (int p = 0; p < k; p++) {
    const float *bp = panel + (size_t)p * NR;
    for (int r = 0; r < MR; r++) {
      float av = a[r][p * stride_k];
      for (int j = 0; j < NR; j++) acc[r][j] = acc[r][j] + av * bp[j];
    }
  }
  memcpy(tile, acc, sizeof acc);
}

#if defined(__x86_64__)
/// Bias, epilogue and store of a whole AVX2 tile held in registers (v[r] = columns j ..< j + 8 and j + 8 ..< j + 16
/// of row i + r); c points at C[i, j].
__attribute__((target("avx2,fma"), always_inline))
static inline void store_tile_avx2(__m256 v[MR][2], float *c, ptrdiff_t ldc, const glean_epilogue *epilogue, ptrdiff_t i, ptrdiff_t j) {
  const float *bias = epilogue && epilogue->bias ? epilogue->bias + j : NULL;
  if (bias) {
    __m256 bias0 = _mm256_loadu_ps(bias), bias1 = _mm256_loadu_ps(bias + 8);
    for (int r = 0; r < MR; r++) { v[r][0] = _mm256_add_ps(bias0, v[r][0]); v[r][1] = _mm256_add_ps(bias1, v[r][1]); }
  }
  if (glean_epilogue_has_tail(epilogue)) {
    glean_epilogue_store_tile_avx2(epilogue, v, MR, i, j, c, ldc);
    return;
  }
  for (int r = 0; r < MR; r++) { _mm256_storeu_ps(c + r * ldc, v[r][0]); _mm256_storeu_ps(c + r * ldc + 8, v[r][1]); }
}

/// One step of the AVX2 tile over depth: the panel's 16 floats at bp (two vectors) times the six rows' elements
/// at r0, r0 + lda, r0 + 2·lda, r3, r3 + lda, r3 + 2·lda, offset o.
#define STEP_AVX2(o)                                                                                             \
  {                                                                                                              \
    __m256 b0 = _mm256_loadu_ps(bp + (o) * NR), b1 = _mm256_loadu_ps(bp + (o) * NR + 8), x;                      \
    x = _mm256_broadcast_ss(r0 + (o)); c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);          \
    x = _mm256_broadcast_ss(r0 + lda + (o)); c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);    \
    x = _mm256_broadcast_ss(r0 + 2 * lda + (o)); c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21); \
    x = _mm256_broadcast_ss(r3 + (o)); c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);          \
    x = _mm256_broadcast_ss(r3 + lda + (o)); c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);    \
    x = _mm256_broadcast_ss(r3 + 2 * lda + (o)); c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51); \
  }

/// A whole AVX2 tile whose rows start at a (depth contiguous) and are lda apart: C[i ..< i + 6, j ..< j + 16]
/// = epilogue(bias + Σ_p a[r, p] · panel[p]), each sum one FMA per step in order p = 0 ..< k. Rows evenly
/// spaced make a depth step cost few integer operations: two base pointers and fixed offsets, four steps per
/// iteration.
__attribute__((target("avx2,fma"), always_inline))
static inline void whole_tile_avx2(int k, const float *a, ptrdiff_t lda, const float *panel, float *c, ptrdiff_t ldc,
                                   const glean_epilogue *epilogue, ptrdiff_t i, ptrdiff_t j) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  glean_epilogue_prefetch_residual(epilogue, i, j, MR, NR);
  const float *r0 = a, *r3 = a + 3 * lda, *bp = panel;
  int p = 0;
  for (; p + 4 <= k; p += 4) {
    STEP_AVX2(0) STEP_AVX2(1) STEP_AVX2(2) STEP_AVX2(3)
    r0 += 4; r3 += 4; bp += 4 * NR;
  }
  for (; p < k; p++) {
    STEP_AVX2(0)
    r0 += 1; r3 += 1; bp += NR;
  }
  __m256 v[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  store_tile_avx2(v, c, ldc, epilogue, i, j);
}
#undef STEP_AVX2

/// The whole tiles of one panel for rows i_begin ..< i_end (a multiple of MR rows), one after another:
/// A's rows are lda apart and contiguous along depth, the panel is 16 columns wide. Same results as
/// tile_avx2 tile by tile, without building row pointers and calling for each.
__attribute__((target("avx2,fma"))) GLEAN_ALIGNED
static void strip_avx2(int k, const float *a, ptrdiff_t lda, const float *panel, float *c, ptrdiff_t ldc,
                       const glean_epilogue *epilogue, int i_begin, int i_end, ptrdiff_t j) {
  for (int i = i_begin; i + MR <= i_end; i += MR) {
    whole_tile_avx2(k, a + (ptrdiff_t)i * lda, lda, panel, c + (ptrdiff_t)i * ldc, ldc, epilogue, i, j);
  }
}

/// The AVX2 tile for any rows a[r] (strided by stride_k along depth): accumulates in registers, then writes C
/// directly (epilogue applied; the tile's top-left element is C[i, j]) when the tile is whole, through `tile`
/// otherwise. Returns 1 when it wrote C.
__attribute__((target("avx2,fma"))) GLEAN_ALIGNED
static int tile_avx2(int k, const float *const a[MR], ptrdiff_t stride_k, const float *panel, float tile[MR][NR],
                     float *c, ptrdiff_t ldc, const glean_epilogue *epilogue, ptrdiff_t i, ptrdiff_t j, int rows, int width) {
  ptrdiff_t lda = a[1] - a[0];
  if (rows == MR && width == NR && stride_k == 1 && a[2] - a[1] == lda && a[3] - a[2] == lda && a[4] - a[3] == lda &&
      a[5] - a[4] == lda) {
    whole_tile_avx2(k, a[0], lda, panel, c, ldc, epilogue, i, j);
    return 1;
  }
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  const float *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5], *bp = panel;
  for (int p = 0; p < k; p++) {
    __m256 b0 = _mm256_loadu_ps(bp), b1 = _mm256_loadu_ps(bp + 8);
    bp += NR;
    __m256 x;
    x = _mm256_broadcast_ss(a0); c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
    x = _mm256_broadcast_ss(a1); c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
    x = _mm256_broadcast_ss(a2); c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
    x = _mm256_broadcast_ss(a3); c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
    x = _mm256_broadcast_ss(a4); c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);
    x = _mm256_broadcast_ss(a5); c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51);
    a0 += stride_k; a1 += stride_k; a2 += stride_k; a3 += stride_k; a4 += stride_k; a5 += stride_k;
  }
  __m256 v[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (rows == MR && width == NR) {
    store_tile_avx2(v, c, ldc, epilogue, i, j);
    return 1;
  }
  for (int r = 0; r < MR; r++) { _mm256_storeu_ps(tile[r], v[r][0]); _mm256_storeu_ps(tile[r] + 8, v[r][1]); }
  return 0;
}

#if defined(__clang__)   // the wide tile is written with clang's vector extensions
#define HAVE_WIDE_TILE 1

#define WIDE_TILE_NAME tile_wide_avx512
#define WIDE_STRIP_NAME strip_wide_avx512
#define WIDE_PAIR_STRIP_NAME strip_pair_avx512
#define WIDE_PAIR_DOTS_NAME pair_dots_avx512
#define WIDE_WHOLE_NAME whole_tile_wide_avx512
#define WIDE_STORE_NAME store_tile_wide_avx512
#define WIDE_TILE_TARGET "avx2,fma,avx512f"
#define WIDE_TILE_AVX512 1
#include "sgemm_wide_tile.h"
#define WIDE_TILE_NAME tile_wide_on_avx2
#define WIDE_STRIP_NAME strip_wide_on_avx2
#define WIDE_PAIR_STRIP_NAME strip_pair_on_avx2
#define WIDE_PAIR_DOTS_NAME pair_dots_on_avx2
#define WIDE_WHOLE_NAME whole_tile_wide_on_avx2
#define WIDE_STORE_NAME store_tile_wide_on_avx2
#define WIDE_TILE_TARGET "avx2,fma"
#define WIDE_TILE_AVX512 0
#include "sgemm_wide_tile.h"
#endif
#endif

#if defined(__aarch64__)
/// The NEON tile's depth loop: MR (6) rows × NR (16) columns in 24 accumulators (four 4-float vectors per row),
/// each summing fma over p = 0 ..< k in order like the AVX2 tile; rows a0 … a5 strided by stride_k.
__attribute__((always_inline))
static inline void neon_accumulate(int k, const float *a0, const float *a1, const float *a2, const float *a3, const float *a4,
                                   const float *a5, ptrdiff_t stride_k, const float *panel, float32x4_t acc[MR][4]) {
  for (int r = 0; r < MR; r++) for (int q = 0; q < 4; q++) acc[r][q] = vdupq_n_f32(0.0f);
  const float *bp = panel;
  for (int p = 0; p < k; p++) {
    float32x4_t b0 = vld1q_f32(bp), b1 = vld1q_f32(bp + 4), b2 = vld1q_f32(bp + 8), b3 = vld1q_f32(bp + 12);
    bp += NR;
    const float x[MR] = {*a0, *a1, *a2, *a3, *a4, *a5};
    for (int r = 0; r < MR; r++) {
      acc[r][0] = vfmaq_n_f32(acc[r][0], b0, x[r]);
      acc[r][1] = vfmaq_n_f32(acc[r][1], b1, x[r]);
      acc[r][2] = vfmaq_n_f32(acc[r][2], b2, x[r]);
      acc[r][3] = vfmaq_n_f32(acc[r][3], b3, x[r]);
    }
    a0 += stride_k; a1 += stride_k; a2 += stride_k; a3 += stride_k; a4 += stride_k; a5 += stride_k;
  }
}

/// Bias, epilogue and store of a whole NEON tile (c points at C[i, j]).
__attribute__((always_inline))
static inline void neon_store(float32x4_t acc[MR][4], float *c, ptrdiff_t ldc, const glean_epilogue *epilogue, ptrdiff_t i, ptrdiff_t j) {
  if (epilogue && epilogue->bias) {
    for (int q = 0; q < 4; q++) {
      float32x4_t bias = vld1q_f32(epilogue->bias + j + 4 * q);
      for (int r = 0; r < MR; r++) acc[r][q] = vaddq_f32(bias, acc[r][q]);
    }
  }
  glean_epilogue_store_tile_neon(epilogue, acc, MR, i, j, c, ldc);
}

/// The NEON tile for any rows a[r]. Same contract as tile_avx2.
static int tile_neon(int k, const float *const a[MR], ptrdiff_t stride_k, const float *panel, float tile[MR][NR],
                     float *c, ptrdiff_t ldc, const glean_epilogue *epilogue, ptrdiff_t i, ptrdiff_t j, int rows, int width) {
  float32x4_t acc[MR][4];
  neon_accumulate(k, a[0], a[1], a[2], a[3], a[4], a[5], stride_k, panel, acc);
  if (rows != MR || width != NR) {
    for (int r = 0; r < MR; r++) for (int q = 0; q < 4; q++) vst1q_f32(tile[r] + 4 * q, acc[r][q]);
    return 0;
  }
  neon_store(acc, c, ldc, epilogue, i, j);
  return 1;
}

/// The whole NEON tiles of one panel for rows i_begin ..< i_end (a multiple of MR rows; rows lda apart,
/// contiguous along depth), one after another, as strip_avx2 does.
static void strip_neon(int k, const float *a, ptrdiff_t lda, const float *panel, float *c, ptrdiff_t ldc,
                       const glean_epilogue *epilogue, int i_begin, int i_end, ptrdiff_t j) {
  for (int i = i_begin; i + MR <= i_end; i += MR) {
    const float *r0 = a + (ptrdiff_t)i * lda;
    float32x4_t acc[MR][4];
    neon_accumulate(k, r0, r0 + lda, r0 + 2 * lda, r0 + 3 * lda, r0 + 4 * lda, r0 + 5 * lda, 1, panel, acc);
    neon_store(acc, c + (ptrdiff_t)i * ldc, ldc, epilogue, i, j);
  }
}
#endif

/// Whether `isa` runs the wide tiles (12 × 16 for a lone panel, 8 × 32 for a pair of panels): AVX-512F, or
/// the same compiled for AVX2.
static int wide_isa(int isa) {
#if defined(HAVE_WIDE_TILE)
  return isa == GLEAN_SGEMM_AVX512 || isa == GLEAN_SGEMM_WIDE_ON_AVX2;
#else
  (void)isa;
  return 0;
#endif
}

typedef struct {
  int m, n, k;
  const float *a;
  ptrdiff_t stride_m, stride_k;
  const float *packed_b;
  const glean_epilogue *epilogue;
  float *c;
  ptrdiff_t ldc;
  int column_chunks, panels_per_task;
  int isa;   // glean_sgemm_isa()
} sgemm_job;

/// Rows i_begin ..< i_end of one panel (columns panel·16 ..< panel·16 + 16): whole tiles with a strip where
/// the rows allow, the rest tile by tile.
static void sgemm_panel(const sgemm_job *job, int panel, int i_begin, int i_end) {
  int mr = wide_isa(job->isa) ? WIDE_MR : MR;
  float tile[WIDE_MR][NR];
  const float *pb = job->packed_b + (size_t)panel * job->k * NR;
  int j0 = panel * NR, width = job->n - j0 < NR ? job->n - j0 : NR;
  // Where the panel's columns of row 0 go, when they go side by side; a panel straddling two column blocks
  // is stored element by element (a whole-tile width of 0 makes the tiles hand their values back).
  int contiguous = glean_output_contiguous(job->epilogue, j0, width), whole_width = contiguous ? width : 0;
  float *c_panel = glean_output_at(job->c, job->ldc, job->epilogue, 0, j0);
  int i_first = i_begin;   // the first row the tile loop below computes
  // Whole tiles of a plain matrix in one call; the loop below takes what is left (a partial tile).
  if (job->stride_k == 1 && whole_width == NR) {
#if defined(__x86_64__)
    if (job->isa == GLEAN_SGEMM_AVX2) {
      strip_avx2(job->k, job->a, job->stride_m, pb, c_panel, job->ldc, job->epilogue, i_begin, i_end, j0);
      i_first = i_begin + (i_end - i_begin) / MR * MR;
    }
#if defined(HAVE_WIDE_TILE)
    if (job->isa == GLEAN_SGEMM_AVX512) {
      strip_wide_avx512(job->k, job->a, job->stride_m, pb, c_panel, job->ldc, job->epilogue, i_begin, i_end, j0);
      i_first = i_begin + (i_end - i_begin) / WIDE_MR * WIDE_MR;
    } else if (job->isa == GLEAN_SGEMM_WIDE_ON_AVX2) {
      strip_wide_on_avx2(job->k, job->a, job->stride_m, pb, c_panel, job->ldc, job->epilogue, i_begin, i_end, j0);
      i_first = i_begin + (i_end - i_begin) / WIDE_MR * WIDE_MR;
    }
#endif
#elif defined(__aarch64__)
    if (job->isa == GLEAN_SGEMM_NEON) {
      strip_neon(job->k, job->a, job->stride_m, pb, c_panel, job->ldc, job->epilogue, i_begin, i_end, j0);
      i_first = i_begin + (i_end - i_begin) / MR * MR;
    }
#endif
  }
  for (int i = i_first; i < i_end; i += mr) {
    int rows = i_end - i < mr ? i_end - i : mr;
    // A partial tile repeats its first row in the missing ones (computed, never stored).
    const float *a[WIDE_MR];
    for (int r = 0; r < mr; r++) a[r] = job->a + (ptrdiff_t)(i + (r < rows ? r : 0)) * job->stride_m;
#if defined(__x86_64__)
    float *c = c_panel + (ptrdiff_t)i * job->ldc;
#if defined(HAVE_WIDE_TILE)
    if (job->isa == GLEAN_SGEMM_AVX512) {
      if (tile_wide_avx512(job->k, a, job->stride_k, pb, tile, c, job->ldc, job->epilogue, i, j0, rows, whole_width)) continue;
    } else if (job->isa == GLEAN_SGEMM_WIDE_ON_AVX2) {
      if (tile_wide_on_avx2(job->k, a, job->stride_k, pb, tile, c, job->ldc, job->epilogue, i, j0, rows, whole_width)) continue;
    } else
#endif
    if (job->isa != GLEAN_SGEMM_PORTABLE) {
      if (tile_avx2(job->k, a, job->stride_k, pb, tile, c, job->ldc, job->epilogue, i, j0, rows, whole_width)) continue;
    } else
#elif defined(__aarch64__)
    if (job->isa == GLEAN_SGEMM_NEON) {
      if (tile_neon(job->k, a, job->stride_k, pb, tile, c_panel + (ptrdiff_t)i * job->ldc, job->ldc, job->epilogue, i, j0,
                    rows, whole_width)) continue;
    } else
#endif
      tile_portable(job->k, a, job->stride_k, pb, tile);
    const glean_epilogue *e = job->epilogue;
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < width; j++) {
        float v = e && e->bias ? e->bias[j0 + j] + tile[r][j] : tile[r][j];
        glean_epilogue_store(e, v, i + r, j0 + j, glean_output_at(job->c, job->ldc, e, i + r, j0 + j));
      }
    }
  }
}

static void sgemm_task(void *context, int task) {
  const sgemm_job *job = context;
  int i_begin, i_end, panel_begin, panel_end;
  glean_gemm_task_block(task, job->column_chunks, job->m, ROW_BLOCK, job->n, NR, job->panels_per_task, &i_begin, &i_end, &panel_begin,
                        &panel_end);
  for (int panel = panel_begin; panel < panel_end; panel++) {
#if defined(HAVE_WIDE_TILE)
    // Two whole panels whose 32 columns are stored side by side: their rows in pair tiles (8 × 32), what is
    // left of each panel's rows as a single panel.
    int j0 = panel * NR;
    if (wide_isa(job->isa) && job->stride_k == 1 && panel + 1 < panel_end && j0 + 2 * NR <= job->n &&
        glean_output_contiguous(job->epilogue, j0, 2 * NR)) {
      const float *pb = job->packed_b + (size_t)panel * job->k * NR;
      float *c_pair = glean_output_at(job->c, job->ldc, job->epilogue, 0, j0);
      if (job->isa == GLEAN_SGEMM_AVX512) {
        strip_pair_avx512(job->k, job->a, job->stride_m, pb, c_pair, job->ldc, job->epilogue, i_begin, i_end, j0);
      } else {
        strip_pair_on_avx2(job->k, job->a, job->stride_m, pb, c_pair, job->ldc, job->epilogue, i_begin, i_end, j0);
      }
      int i_rest = i_begin + (i_end - i_begin) / PAIR_MR * PAIR_MR;
      if (i_rest < i_end) {
        sgemm_panel(job, panel, i_rest, i_end);
        sgemm_panel(job, panel + 1, i_rest, i_end);
      }
      panel++;
      continue;
    }
#endif
    sgemm_panel(job, panel, i_begin, i_end);
  }
}

static void sgemm_run(glean_pool *pool, int isa, int m, int n, int k, const float *a, ptrdiff_t stride_m, ptrdiff_t stride_k,
                      const float *packed_b, const glean_epilogue *epilogue, float *c, ptrdiff_t ldc) {
  if (m <= 0 || n <= 0) return;
  // The wide tiles take panels in pairs: a task of several threads has a pair.
  int panels = (n + NR - 1) / NR, panels_per_task = glean_pool_threads(pool) > 1 ? PANELS_PER_TASK * (wide_isa(isa) ? 2 : 1) : panels;
  sgemm_job job = {m, n, k, a, stride_m, stride_k, packed_b, epilogue, c, ldc,
                   (panels + panels_per_task - 1) / panels_per_task, panels_per_task, isa};
  int row_blocks = (m + ROW_BLOCK - 1) / ROW_BLOCK;
  glean_pool_run(pool, sgemm_task, &job, row_blocks * job.column_chunks);
}

void glean_sgemm(glean_pool *pool, int m, int n, int k, const float *a, ptrdiff_t stride_m, ptrdiff_t stride_k,
                 const float *packed_b, const glean_epilogue *epilogue, float *c, ptrdiff_t ldc) {
  sgemm_run(pool, glean_sgemm_isa(), m, n, k, a, stride_m, stride_k, packed_b, epilogue, c, ldc);
}

void glean_sgemm_serial(int isa, int m, int n, int k, const float *a, ptrdiff_t stride_m, ptrdiff_t stride_k,
                        const float *packed_b, const glean_epilogue *epilogue, float *c, ptrdiff_t ldc) {
  sgemm_run(NULL, isa, m, n, k, a, stride_m, stride_k, packed_b, epilogue, c, ldc);
}
