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
// The dense micro-kernel shares each A element across a 6 × 16 tile (8 × 32 with AVX-512F), so a zero saves
// nothing unless every row of the tile has it. Here a row is multiplied alone: for each nonzero a[i, p], eight
// FMAs add a[i, p] · B[p, j] to 64 columns held in registers (four packed panels; with AVX-512F 128 columns,
// eight panels, two rows side by side). B's columns are read in slices of DEPTH steps (16 KB; 32 KB with
// AVX-512F), kept in L1 while every row of the task passes over them, and each row's sums wait between slices
// in a small buffer. Where A is dense the tile is faster; glean_sgemm_finite_b samples A first.
//
// Shapes: A m × k (rows lda apart, contiguous along depth), B packed k × n (glean_sgemm_pack; 64-byte
// aligned, as Glean's packed weights are, so that no 32-byte load of it straddles two cache lines: the
// row kernel reads B once per FMA), C m × n (rows ldc apart, plain: no column blocks). Tasks: blocks of
// ROWS rows times chunks of PANELS (WIDE_PANELS) panels; no value depends on how they are split among threads.
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
#define PANELS 4     // AVX2: panels per task, 64 columns, eight 8-float accumulators
#define DEPTH 64     // AVX2: depth steps per slice of B (PANELS · DEPTH · NR floats = 16 KB)
// AVX-512F: panels per task, 128 columns, eight 16-float accumulators per row; depth steps per slice of B
// (WIDE_PANELS · WIDE_DEPTH · NR floats = 32 KB of the 48 KB L1 of AMD Zen 5: 128 steps, 64 KB, ran 1.5× slower;
// 4 panels, 5 loads per 4 FMAs, 1.3× slower). A slice's depth is at most 64: one bit mask per row.
#define WIDE_PANELS 8
#define WIDE_DEPTH 64

/// The fraction of A's elements that are zero from which skipping them pays, on AVX2: the row kernel spends ~5
/// cycles on eight FMAs where the dense tile spends ~4, plus ~30 per row and slice, so it breaks even near 40 %
/// zeros (Zen 3: Tools/benchmark/gemm_microbench.c, K 512 N 128 and K 128 N 512).
#define ZERO_FRACTION_THRESHOLD 0.4f
/// The same on AVX-512F, against the dense 8 × 32 tile: the row kernel spends ~4.7 cycles on a nonzero's eight FMAs
/// (its nine loads, two a cycle, bound it) where the tile spends ~4.1 per row and depth step, plus ~47 per row and
/// slice; it breaks even near 30 % zeros (Zen 5, gemm_microbench.c, K 512 N 128: dense 0.21 ms against 0.29 / 0.22
/// / 0.18 / 0.10 ms at 0 / 30 / 45 / 75 % zeros), taken with a margin.
#define WIDE_ZERO_FRACTION_THRESHOLD 0.35f

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

/// Bias, epilogue and store of row i's finished sums for columns j ..< n of a panel that n ends inside (values:
/// the panel's 16 sums).
static void store_partial_panel(const float values[NR], int n, ptrdiff_t j, const glean_epilogue *epilogue, float *c,
                                ptrdiff_t ldc, ptrdiff_t i) {
  for (ptrdiff_t jj = j; jj < n; jj++) {
    float value = epilogue && epilogue->bias ? epilogue->bias[jj] + values[jj - j] : values[jj - j];
    glean_epilogue_store(epilogue, value, i, jj, c + i * ldc + jj);
  }
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
  store_partial_panel(values, n, j, epilogue, c, ldc, i);
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

/// Bit p of the result is set when row[p] is not zero (p < count ≤ 64; NaN counts as not zero), as
/// nonzero_mask_avx2; a masked load for the last partial vector reads nothing past row[count − 1].
__attribute__((target("avx512f"), always_inline))
static inline uint64_t nonzero_mask_avx512(const float *row, int count) {
  __m512 zero = _mm512_setzero_ps();
  if (count == 64) {
    uint64_t m0 = _mm512_cmp_ps_mask(_mm512_loadu_ps(row), zero, _CMP_NEQ_UQ);
    uint64_t m1 = _mm512_cmp_ps_mask(_mm512_loadu_ps(row + 16), zero, _CMP_NEQ_UQ);
    uint64_t m2 = _mm512_cmp_ps_mask(_mm512_loadu_ps(row + 32), zero, _CMP_NEQ_UQ);
    uint64_t m3 = _mm512_cmp_ps_mask(_mm512_loadu_ps(row + 48), zero, _CMP_NEQ_UQ);
    return m0 | m1 << 16 | m2 << 32 | m3 << 48;
  }
  uint64_t mask = 0;
  int p = 0;
  for (; p + 16 <= count; p += 16) mask |= (uint64_t)_mm512_cmp_ps_mask(_mm512_loadu_ps(row + p), zero, _CMP_NEQ_UQ) << p;
  if (p < count) {
    __mmask16 live = (__mmask16)((1u << (count - p)) - 1);
    mask |= (uint64_t)_mm512_mask_cmp_ps_mask(live, _mm512_maskz_loadu_ps(live, row + p), zero, _CMP_NEQ_UQ) << p;
  }
  return mask;
}

/// store_panel_avx2 with one ZMM: bias, epilogue and store of row i's finished sums for panel `panel`.
__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void store_panel_avx512(__m512 v, int n, int panel, const glean_epilogue *epilogue, float *c, ptrdiff_t ldc,
                                      ptrdiff_t i) {
  ptrdiff_t j = (ptrdiff_t)panel * NR;
  if (j + NR <= n) {
    __m512 tile[1] = {v};
    if (epilogue && epilogue->bias) tile[0] = _mm512_add_ps(_mm512_loadu_ps(epilogue->bias + j), v);
    glean_epilogue_store_tile_avx512(epilogue, tile, 1, i, j, c + i * ldc + j, ldc);
    return;
  }
  float values[NR];
  _mm512_storeu_ps(values, v);
  store_partial_panel(values, n, j, epilogue, c, ldc, i);
}

/// A row's sums for `panels` panels at the start of a slice: zeros on the first, else those saved after the last.
__attribute__((target("avx512f"), always_inline))
static inline void load_sums_avx512(const int panels, __m512 s[], int first, const float *saved) {
#pragma clang loop unroll(full)
  for (int q = 0; q < panels; q++) s[q] = first ? _mm512_setzero_ps() : _mm512_load_ps(saved + NR * q);
}

/// A row's sums at the end of a slice: stored through the epilogue after the last, else saved for the next.
__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void store_sums_avx512(const int panels, __m512 s[], int last, float *saved, int n, int panel0,
                                     const glean_epilogue *epilogue, float *c, ptrdiff_t ldc, ptrdiff_t i) {
  if (last) {
#pragma clang loop unroll(full)
    for (int q = 0; q < panels; q++) store_panel_avx512(s[q], n, panel0 + q, epilogue, c, ldc, i);
  } else {
#pragma clang loop unroll(full)
    for (int q = 0; q < panels; q++) _mm512_store_ps(saved + NR * q, s[q]);
  }
}

/// s[q] += row[p] · B[p, panel q] for the lowest set bit p of *mask, which it then clears (b: the slice of panel 0;
/// stride: bytes from one panel to the next, three: 3 · stride). Panel q's row is addressed from two pointers and
/// the two strides (p, p + stride, p + 2·stride, p + three, then the same from p + 4·stride), so that two rows'
/// steps side by side need few registers: with a pointer per panel, the compiler reloaded them from the stack.
__attribute__((target("avx512f,fma"), always_inline))
static inline void add_product_avx512(const int panels, __m512 s[], uint64_t *mask, const float *row, const char *b,
                                      ptrdiff_t stride, ptrdiff_t three) {
  ptrdiff_t p = (ptrdiff_t)__builtin_ctzll(*mask);
  __m512 x = _mm512_set1_ps(row[p]);
  const char *lo = b + p * NR * (ptrdiff_t)sizeof(float), *hi = lo + 4 * stride;
  const char *at[WIDE_PANELS] = {lo, lo + stride, lo + 2 * stride, lo + three, hi, hi + stride, hi + 2 * stride, hi + three};
#pragma clang loop unroll(full)
  for (int q = 0; q < panels; q++) s[q] = _mm512_fmadd_ps(x, _mm512_loadu_ps((const float *)at[q]), s[q]);
  *mask &= *mask - 1;
}

/// Rows i_begin ..< i_end (at most ROWS) times the `panels` panels panel0 ..< panel0 + panels (at most
/// WIDE_PANELS; a constant once inlined, so that the sums stay in registers): as sparse_block_4_avx2, one ZMM
/// per panel and row. Per nonzero a[i, p], one broadcast and one load of B per FMA: the loads, two a cycle,
/// bound it (9 for 8 FMAs with eight panels), where the dense pair tile shares each load of B among 8 rows.
/// Rows go two at a time, a nonzero of each per step while both have some left: one row's sums are chains of
/// dependent FMAs (four cycles each) that the steps of a single row would wait on, and two rows overlap.
/// The nonzero masks of a slice's rows are found first, together, so that their reads of A overlap too.
/// (Zen 5, gemm_microbench.c, K 512 N 128 with 45 % zeros: 0.196 ms a row at a time, the version before this one,
/// and 0.181 two rows at a time; dense 0.21.)
__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void sparse_block_avx512(const int panels, int k, int n, const float *a, ptrdiff_t lda, const float *packed_b,
                                       const glean_epilogue *epilogue, float *c, ptrdiff_t ldc, int i_begin, int i_end, int panel0) {
  float partial[ROWS][WIDE_PANELS * NR] __attribute__((aligned(64)));   // each row's sums between slices
  for (int p0 = 0; p0 < k; p0 += WIDE_DEPTH) {
    int depth = k - p0 < WIDE_DEPTH ? k - p0 : WIDE_DEPTH, first = p0 == 0, last = p0 + depth == k;
    const char *b = (const char *)(packed_b + ((size_t)panel0 * k + p0) * NR);
    ptrdiff_t stride = (ptrdiff_t)k * NR * (ptrdiff_t)sizeof(float), three = 3 * stride;
    uint64_t masks[ROWS];
    for (int i = i_begin; i < i_end; i++) masks[i - i_begin] = nonzero_mask_avx512(a + (ptrdiff_t)i * lda + p0, depth);
    int i = i_begin;
    for (; i + 2 <= i_end; i += 2) {
      const float *row0 = a + (ptrdiff_t)i * lda + p0, *row1 = row0 + lda;
      float *saved0 = partial[i - i_begin], *saved1 = partial[i + 1 - i_begin];
      __m512 s0[WIDE_PANELS], s1[WIDE_PANELS];
      load_sums_avx512(panels, s0, first, saved0);
      load_sums_avx512(panels, s1, first, saved1);
      uint64_t mask0 = masks[i - i_begin], mask1 = masks[i + 1 - i_begin];
      while (mask0 && mask1) {
        add_product_avx512(panels, s0, &mask0, row0, b, stride, three);
        add_product_avx512(panels, s1, &mask1, row1, b, stride, three);
      }
      while (mask0) add_product_avx512(panels, s0, &mask0, row0, b, stride, three);
      while (mask1) add_product_avx512(panels, s1, &mask1, row1, b, stride, three);
      store_sums_avx512(panels, s0, last, saved0, n, panel0, epilogue, c, ldc, i);
      store_sums_avx512(panels, s1, last, saved1, n, panel0, epilogue, c, ldc, i + 1);
    }
    if (i < i_end) {
      const float *row = a + (ptrdiff_t)i * lda + p0;
      __m512 s0[WIDE_PANELS];
      load_sums_avx512(panels, s0, first, partial[i - i_begin]);
      for (uint64_t mask = masks[i - i_begin]; mask;) add_product_avx512(panels, s0, &mask, row, b, stride, three);
      store_sums_avx512(panels, s0, last, partial[i - i_begin], n, panel0, epilogue, c, ldc, i);
    }
  }
}

/// sparse_block_avx512 with `panels` made a constant.
__attribute__((target("avx512f,avx2,fma"))) GLEAN_ALIGNED
static void sparse_block_any_avx512(int panels, int k, int n, const float *a, ptrdiff_t lda, const float *packed_b,
                                    const glean_epilogue *epilogue, float *c, ptrdiff_t ldc, int i_begin, int i_end, int panel0) {
  switch (panels) {
    case 8: sparse_block_avx512(8, k, n, a, lda, packed_b, epilogue, c, ldc, i_begin, i_end, panel0); break;
    case 7: sparse_block_avx512(7, k, n, a, lda, packed_b, epilogue, c, ldc, i_begin, i_end, panel0); break;
    case 6: sparse_block_avx512(6, k, n, a, lda, packed_b, epilogue, c, ldc, i_begin, i_end, panel0); break;
    case 5: sparse_block_avx512(5, k, n, a, lda, packed_b, epilogue, c, ldc, i_begin, i_end, panel0); break;
    case 4: sparse_block_avx512(4, k, n, a, lda, packed_b, epilogue, c, ldc, i_begin, i_end, panel0); break;
    case 3: sparse_block_avx512(3, k, n, a, lda, packed_b, epilogue, c, ldc, i_begin, i_end, panel0); break;
    case 2: sparse_block_avx512(2, k, n, a, lda, packed_b, epilogue, c, ldc, i_begin, i_end, panel0); break;
    default: sparse_block_avx512(1, k, n, a, lda, packed_b, epilogue, c, ldc, i_begin, i_end, panel0); break;
  }
}

/// Whether A has at least `threshold` zeros (a fraction) in a sample of 16 rows spread over the m (all of them
/// when m ≤ 16). Most FULLY_CONNECTEDs read dense inputs: the first four rows of the sample settle those.
__attribute__((target("avx2")))
static int mostly_zeros_avx2(int m, int k, const float *a, ptrdiff_t lda, float threshold) {
  int rows = m < 16 ? m : 16;
  size_t zeros = 0;
  for (int r = 0; r < rows; r++) {
    const float *row = a + (ptrdiff_t)((int64_t)r * m / rows) * lda;
    for (int p0 = 0; p0 < k; p0 += 64) {
      int count = k - p0 < 64 ? k - p0 : 64;
      zeros += (size_t)(count - __builtin_popcountll(nonzero_mask_avx2(row + p0, count)));
    }
    if (r == 3 && rows > 4 && (float)zeros < 0.5f * threshold * 4.0f * (float)k) return 0;
  }
  return (float)zeros >= threshold * (float)rows * (float)k;
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
  int wide;   // the AVX-512F row kernel (WIDE_PANELS panels a call), else the AVX2 one (PANELS)
} sparse_job;

#if defined(__x86_64__)
/// One pool task: a block of ROWS rows times a chunk of PANELS panels (the last chunk of a row may be narrower),
/// or on one thread times every panel, PANELS at a time (fewer tasks, as sgemm.c's).
static void sparse_task(void *context, int task) {
  const sparse_job *job = context;
  int i_begin, i_end, panel_begin, panel_end;
  glean_gemm_task_block(task, job->column_chunks, job->m, ROWS, job->n, NR, job->panels_per_task, &i_begin, &i_end, &panel_begin,
                        &panel_end);
  if (job->wide) {
    for (int panel = panel_begin; panel < panel_end; panel += WIDE_PANELS) {
      int panels = panel_end - panel < WIDE_PANELS ? panel_end - panel : WIDE_PANELS;
      sparse_block_any_avx512(panels, job->k, job->n, job->a, job->lda, job->packed_b, job->epilogue, job->c, job->ldc, i_begin, i_end,
                              panel);
    }
    return;
  }
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
  int isa = glean_sgemm_isa();
  if (m > 0 && n > 0 && k > 0 && plain_output && isa != GLEAN_SGEMM_PORTABLE) {
    int wide = isa == GLEAN_SGEMM_AVX512, call = wide ? WIDE_PANELS : PANELS, panels = (n + NR - 1) / NR;
    int panels_per_task = glean_pool_threads(pool) > 1 ? call : (panels + call - 1) / call * call;
    sparse_job job = {m, n, k, a, lda, packed_b, epilogue, c, ldc, (panels + panels_per_task - 1) / panels_per_task, panels_per_task, wide};
    glean_pool_run(pool, sparse_task, &job, (m + ROWS - 1) / ROWS * job.column_chunks);
    return;
  }
#endif
  glean_sgemm(pool, m, n, k, a, lda, 1, packed_b, epilogue, c, ldc);
}

void glean_sgemm_finite_b(glean_pool *pool, int m, int n, int k, const float *a, ptrdiff_t stride_m, ptrdiff_t stride_k,
                          const float *packed_b, const glean_epilogue *epilogue, float *c, ptrdiff_t ldc) {
#if defined(__x86_64__)
  // Only where measured (AVX2 and AVX-512F tiles; not the emulated wide tiles, which tests compare with the AVX2 ones).
  int plain_output = !(epilogue && epilogue->block_columns > 0);
  int isa = glean_sgemm_isa();
  int row_kernel = isa == GLEAN_SGEMM_AVX2 || isa == GLEAN_SGEMM_AVX512;
  float threshold = isa == GLEAN_SGEMM_AVX512 ? WIDE_ZERO_FRACTION_THRESHOLD : ZERO_FRACTION_THRESHOLD;
  if (m > 0 && n > 0 && k > 0 && stride_k == 1 && plain_output && row_kernel && !glean_dense_products() &&
      mostly_zeros_avx2(m, k, a, stride_m, threshold)) {
    glean_sgemm_skipping_zeros(pool, m, n, k, a, stride_m, packed_b, epilogue, c, ldc);
    return;
  }
#endif
  glean_sgemm(pool, m, n, k, a, stride_m, stride_k, packed_b, epilogue, c, ldc);
}
