// Float GEMM that skips the exact zeros of A, for a B with only finite values (glean_sgemm_finite_b).
//
// A RELU's output is often half zeros or more (MobileBERT's feed-forward networks: ~50 % with random
// weights, more in trained models), and the FULLY_CONNECTED that reads it multiplies every one of them.
// With B finite, fma(0, b, s) = s + (±0) = s, save for the sign of a zero s, so leaving those steps out
// changes no value: each C[i, j] is still fma(a[i, p], B[p, j], ·) over p in increasing order, from 0,
// then the bias and epilogue, exactly as glean_sgemm computes it (the one difference: a zero sum may come
// out as +0 where the dense kernel's is −0, or the reverse; they compare equal). A NaN or infinity in A is
// not zero and is multiplied as usual.
//
// The dense micro-kernel shares each A element across a 6 × 16 tile, so a zero saves nothing unless six rows
// have it at once. Here a row is multiplied alone: for each nonzero a[i, p], eight FMAs add a[i, p] · B[p, j]
// to 64 columns held in registers (four packed panels). B's 64 columns are read in slices of DEPTH steps
// (16 KB, kept in L1 while every row of the task passes over them), and each row's 64 sums wait between
// slices in a small buffer. Where A is dense the tile is faster; glean_sgemm_finite_b samples A first.
//
// Shapes: A m × k (rows lda apart, contiguous along depth), B packed k × n (glean_sgemm_pack; 64-byte
// aligned, as Glean's packed weights are, so that no 32-byte load of it straddles two cache lines: the
// row kernel reads B once per FMA), C m × n (rows ldc apart, plain: no column blocks). Tasks: blocks of
// ROWS rows times chunks of PANELS panels; no value depends on how they are split among threads.
#include "glean_kernels.h"
#include "internal.h"
#include "epilogue.h"
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma clang fp contract(off)

#define NR GLEAN_SGEMM_NR
#define ROWS 24      // rows of A per task (as fast as 48 on one thread; on two, a job's last task is shorter to wait for)
#define PANELS 4     // panels per task: 64 columns, eight 8-float accumulators
#define DEPTH 64     // depth steps per slice of B (PANELS · DEPTH · NR floats = 16 KB)

/// The fraction of A's elements that are zero from which skipping them pays, on AVX2: the row kernel spends ~5
/// cycles on eight FMAs where the dense tile spends ~4, plus ~30 per row and slice, so it breaks even near 40 %
/// zeros (Zen 3: Tools/benchmark/gemm_microbench.c, K 512 N 128 and K 128 N 512).
#define ZERO_FRACTION_THRESHOLD 0.4f

#if defined(__x86_64__)
/// Bit p of the result is set when row[p] is not zero (p < count ≤ 64; NaN counts as not zero).
__attribute__((target("avx2"), always_inline))
static inline uint64_t nonzero_mask_avx2(const float *row, int count) {
  __m256 zero = _mm256_setzero_ps();
  if (count == 64) {
    uint64_t m0 = (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row), zero, _CMP_NEQ_UQ));
    uint64_t m1 = (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row + 8), zero, _CMP_NEQ_UQ));
    uint64_t m2 = (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row + 16), zero, _CMP_NEQ_UQ));
    uint64_t m3 = (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row + 24), zero, _CMP_NEQ_UQ));
    uint64_t m4 = (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row + 32), zero, _CMP_NEQ_UQ));
    uint64_t m5 = (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row + 40), zero, _CMP_NEQ_UQ));
    uint64_t m6 = (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row + 48), zero, _CMP_NEQ_UQ));
    uint64_t m7 = (uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row + 56), zero, _CMP_NEQ_UQ));
    return m0 | m1 << 8 | m2 << 16 | m3 << 24 | m4 << 32 | m5 << 40 | m6 << 48 | m7 << 56;
  }
  uint64_t mask = 0;
  int p = 0;
  for (; p + 8 <= count; p += 8) {
    mask |= (uint64_t)(uint32_t)_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(row + p), zero, _CMP_NEQ_UQ)) << p;
  }
#pragma clang loop vectorize(disable)
  for (; p < count; p++) mask |= (uint64_t)(row[p] != 0.0f) << p;   // true for NaN, as _CMP_NEQ_UQ
  return mask;
}

/// Bias, epilogue and store of row i's finished sums for panel `panel` (columns 16·panel ..< 16·panel + 16, or
/// fewer when n ends inside it): v holds the panel's two vectors.
__attribute__((target("avx2,fma"), always_inline))
static inline void store_panel_avx2(__m256 v0, __m256 v1, int n, int panel, const glean_epilogue *epilogue, float *c,
                                    ptrdiff_t ldc, ptrdiff_t i) {
  ptrdiff_t j = (ptrdiff_t)panel * NR;
  if (j + NR <= n) {
    __m256 v[1][2] = {{v0, v1}};
    if (epilogue && epilogue->bias) {
      v[0][0] = _mm256_add_ps(_mm256_loadu_ps(epilogue->bias + j), v0);
      v[0][1] = _mm256_add_ps(_mm256_loadu_ps(epilogue->bias + j + 8), v1);
    }
    glean_epilogue_store_tile_avx2(epilogue, v, 1, i, j, c + i * ldc + j, ldc);
    return;
  }
  float values[NR];
  _mm256_storeu_ps(values, v0);
  _mm256_storeu_ps(values + 8, v1);
  for (ptrdiff_t jj = j; jj < n; jj++) {
    float value = epilogue && epilogue->bias ? epilogue->bias[jj] + values[jj - j] : values[jj - j];
    glean_epilogue_store(epilogue, value, i, jj, c + i * ldc + jj);
  }
}

/// Rows i_begin ..< i_end (at most ROWS) times the four panels panel0 ..< panel0 + 4: per slice of DEPTH
/// steps, each row adds a[i, p] · B[p, ·] for its nonzero a[i, p] to eight accumulators, in increasing p.
__attribute__((target("avx2,fma"))) GLEAN_ALIGNED
static void sparse_block_4_avx2(int k, int n, const float *a, ptrdiff_t lda, const float *packed_b, const glean_epilogue *epilogue,
                                float *c, ptrdiff_t ldc, int i_begin, int i_end, int panel0) {
  float partial[ROWS][4 * NR];   // each row's sums between slices
  for (int p0 = 0; p0 < k; p0 += DEPTH) {
    int depth = k - p0 < DEPTH ? k - p0 : DEPTH, first = p0 == 0, last = p0 + depth == k;
    const float *b0 = packed_b + ((size_t)panel0 * k + p0) * NR, *b1 = b0 + (size_t)k * NR, *b2 = b1 + (size_t)k * NR,
                *b3 = b2 + (size_t)k * NR;
    for (int i = i_begin; i < i_end; i++) {
      const float *row = a + (ptrdiff_t)i * lda + p0;
      float *saved = partial[i - i_begin];
      __m256 s0, s1, s2, s3, s4, s5, s6, s7;
      if (first) {
        s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = _mm256_setzero_ps();
      } else {
        s0 = _mm256_loadu_ps(saved), s1 = _mm256_loadu_ps(saved + 8), s2 = _mm256_loadu_ps(saved + 16), s3 = _mm256_loadu_ps(saved + 24);
        s4 = _mm256_loadu_ps(saved + 32), s5 = _mm256_loadu_ps(saved + 40), s6 = _mm256_loadu_ps(saved + 48), s7 = _mm256_loadu_ps(saved + 56);
      }
      for (uint64_t mask = nonzero_mask_avx2(row, depth); mask; mask &= mask - 1) {
        ptrdiff_t p = __builtin_ctzll(mask), o = p * NR;
        __m256 x = _mm256_broadcast_ss(row + p);
        s0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b0 + o), s0);
        s1 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b0 + o + 8), s1);
        s2 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b1 + o), s2);
        s3 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b1 + o + 8), s3);
        s4 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b2 + o), s4);
        s5 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b2 + o + 8), s5);
        s6 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b3 + o), s6);
        s7 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b3 + o + 8), s7);
      }
      if (last) {
        store_panel_avx2(s0, s1, n, panel0, epilogue, c, ldc, i);
        store_panel_avx2(s2, s3, n, panel0 + 1, epilogue, c, ldc, i);
        store_panel_avx2(s4, s5, n, panel0 + 2, epilogue, c, ldc, i);
        store_panel_avx2(s6, s7, n, panel0 + 3, epilogue, c, ldc, i);
      } else {
        _mm256_storeu_ps(saved, s0), _mm256_storeu_ps(saved + 8, s1), _mm256_storeu_ps(saved + 16, s2), _mm256_storeu_ps(saved + 24, s3);
        _mm256_storeu_ps(saved + 32, s4), _mm256_storeu_ps(saved + 40, s5), _mm256_storeu_ps(saved + 48, s6), _mm256_storeu_ps(saved + 56, s7);
      }
    }
  }
}

/// sparse_block_4_avx2 for the last one to three panels of a row (n not a multiple of 64).
__attribute__((target("avx2,fma"))) GLEAN_ALIGNED
static void sparse_block_narrow_avx2(int panels, int k, int n, const float *a, ptrdiff_t lda, const float *packed_b,
                                     const glean_epilogue *epilogue, float *c, ptrdiff_t ldc, int i_begin, int i_end, int panel0) {
  float partial[ROWS][4 * NR];
  for (int p0 = 0; p0 < k; p0 += DEPTH) {
    int depth = k - p0 < DEPTH ? k - p0 : DEPTH, first = p0 == 0, last = p0 + depth == k;
    const float *b = packed_b + ((size_t)panel0 * k + p0) * NR;
    for (int i = i_begin; i < i_end; i++) {
      const float *row = a + (ptrdiff_t)i * lda + p0;
      float *saved = partial[i - i_begin];
      __m256 s[6];
      for (int h = 0; h < 2 * panels; h++) s[h] = first ? _mm256_setzero_ps() : _mm256_loadu_ps(saved + 8 * h);
      for (uint64_t mask = nonzero_mask_avx2(row, depth); mask; mask &= mask - 1) {
        ptrdiff_t p = __builtin_ctzll(mask);
        __m256 x = _mm256_broadcast_ss(row + p);
        for (int h = 0; h < 2 * panels; h++) s[h] = _mm256_fmadd_ps(x, _mm256_loadu_ps(b + (size_t)(h / 2) * k * NR + p * NR + 8 * (h % 2)), s[h]);
      }
      for (int q = 0; q < panels; q++) {
        if (last) store_panel_avx2(s[2 * q], s[2 * q + 1], n, panel0 + q, epilogue, c, ldc, i);
        else _mm256_storeu_ps(saved + 16 * q, s[2 * q]), _mm256_storeu_ps(saved + 16 * q + 8, s[2 * q + 1]);
      }
    }
  }
}

/// Whether A has at least ZERO_FRACTION_THRESHOLD zeros in a sample of 16 rows spread over the m (all of them
/// when m ≤ 16). Most FULLY_CONNECTEDs read dense inputs: the first four rows of the sample settle those.
__attribute__((target("avx2")))
static int mostly_zeros_avx2(int m, int k, const float *a, ptrdiff_t lda) {
  int rows = m < 16 ? m : 16;
  size_t zeros = 0;
  for (int r = 0; r < rows; r++) {
    const float *row = a + (ptrdiff_t)((int64_t)r * m / rows) * lda;
    for (int p0 = 0; p0 < k; p0 += 64) {
      int count = k - p0 < 64 ? k - p0 : 64;
      zeros += (size_t)(count - __builtin_popcountll(nonzero_mask_avx2(row + p0, count)));
    }
    if (r == 3 && rows > 4 && (float)zeros < 0.5f * ZERO_FRACTION_THRESHOLD * 4.0f * (float)k) return 0;
  }
  return (float)zeros >= ZERO_FRACTION_THRESHOLD * (float)rows * (float)k;
}
#endif

int glean_all_finite_f32(const float *x, size_t count) {
  // No early exit, so that the loop vectorizes: a value is not finite when its exponent bits are all ones.
  uint32_t bad = 0;
  for (size_t i = 0; i < count; i++) {
    uint32_t bits;
    memcpy(&bits, x + i, sizeof bits);
    bad |= (bits & 0x7f800000u) == 0x7f800000u;
  }
  return !bad;
}

typedef struct {
  int m, n, k;
  const float *a;
  ptrdiff_t lda;
  const float *packed_b;
  const glean_epilogue *epilogue;
  float *c;
  ptrdiff_t ldc;
  int column_chunks, panels_per_task;
} sparse_job;

#if defined(__x86_64__)
/// One pool task: a block of ROWS rows times a chunk of PANELS panels (the last chunk of a row may be narrower),
/// or on one thread times every panel, PANELS at a time (fewer tasks, as sgemm.c's).
static void sparse_task(void *context, int task) {
  const sparse_job *job = context;
  int i_begin, i_end, panel_begin, panel_end;
  glean_gemm_task_block(task, job->column_chunks, job->m, ROWS, job->n, NR, job->panels_per_task, &i_begin, &i_end, &panel_begin,
                        &panel_end);
  for (int panel = panel_begin; panel < panel_end; panel += PANELS) {
    int panels = panel_end - panel < PANELS ? panel_end - panel : PANELS;
    if (panels == PANELS) {
      sparse_block_4_avx2(job->k, job->n, job->a, job->lda, job->packed_b, job->epilogue, job->c, job->ldc, i_begin, i_end, panel);
    } else {
      sparse_block_narrow_avx2(panels, job->k, job->n, job->a, job->lda, job->packed_b, job->epilogue, job->c, job->ldc, i_begin, i_end,
                               panel);
    }
  }
}
#endif

void glean_sgemm_skipping_zeros(glean_pool *pool, int m, int n, int k, const float *a, ptrdiff_t lda, const float *packed_b,
                                const glean_epilogue *epilogue, float *c, ptrdiff_t ldc) {
#if defined(__x86_64__)
  int plain_output = !(epilogue && epilogue->block_columns > 0);
  if (m > 0 && n > 0 && k > 0 && plain_output && glean_sgemm_isa() != GLEAN_SGEMM_PORTABLE) {
    int panels = (n + NR - 1) / NR, panels_per_task = glean_pool_threads(pool) > 1 ? PANELS : (panels + PANELS - 1) / PANELS * PANELS;
    sparse_job job = {m, n, k, a, lda, packed_b, epilogue, c, ldc, (panels + panels_per_task - 1) / panels_per_task, panels_per_task};
    glean_pool_run(pool, sparse_task, &job, (m + ROWS - 1) / ROWS * job.column_chunks);
    return;
  }
#endif
  glean_sgemm(pool, m, n, k, a, lda, 1, packed_b, epilogue, c, ldc);
}

void glean_sgemm_finite_b(glean_pool *pool, int m, int n, int k, const float *a, ptrdiff_t stride_m, ptrdiff_t stride_k,
                          const float *packed_b, const glean_epilogue *epilogue, float *c, ptrdiff_t ldc) {
#if defined(__x86_64__)
  // Only where measured: on AVX-512 machines the dense tile is twice as wide, and the break-even is unknown.
  int plain_output = !(epilogue && epilogue->block_columns > 0);
  if (m > 0 && n > 0 && k > 0 && stride_k == 1 && plain_output && glean_sgemm_isa() == GLEAN_SGEMM_AVX2 && !glean_dense_products() &&
      mostly_zeros_avx2(m, k, a, stride_m)) {
    glean_sgemm_skipping_zeros(pool, m, n, k, a, stride_m, packed_b, epilogue, c, ldc);
    return;
  }
#endif
  glean_sgemm(pool, m, n, k, a, stride_m, stride_k, packed_b, epilogue, c, ldc);
}
