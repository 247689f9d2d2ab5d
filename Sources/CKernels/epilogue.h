// The GEMM epilogue (glean_epilogue in glean_kernels.h) applied to results as they are stored, shared
// by the float and the hybrid GEMM: a scalar version for edge tiles and the portable path, and AVX2 and
// NEON versions for a whole tile of 16 columns. All perform the same IEEE operations in the same order, so
// they agree bit for bit with each other and with the unfused graph (FULLY_CONNECTED, then ADD, MUL, ADD).
#ifndef GLEAN_KERNELS_EPILOGUE_H
#define GLEAN_KERNELS_EPILOGUE_H
#include "glean_kernels.h"
#include "internal.h"   // glean_v16f
#include <math.h>
#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

// Every step is its own rounding: never contract a multiply and an add into an FMA.
#pragma clang fp contract(off)

/// Applies the steps after the bias to element (i, j), whose value is v, and stores it at `out` (C[i, j]);
/// when the epilogue splits, the value after the residual goes to `out` and the final one to second[i, j].
/// The clamp has Swift's max/min semantics: lo replaces v when lo >= v, hi when hi < v (NaN stays NaN).
static inline void glean_epilogue_store(const glean_epilogue *e, float v, ptrdiff_t i, ptrdiff_t j, float *out) {
  if (e) {
    if (e->clamp) {
      v = e->clamp_lo >= v ? e->clamp_lo : v;
      v = e->clamp_hi < v ? e->clamp_hi : v;
    }
    if (e->residual) v = v + e->residual[i * e->residual_ld + j];
    if (e->second) {
      *out = v;
      out = e->second + i * e->second_ld + j;
    }
    if (e->scale) v = v * e->scale[e->scale_per_column ? j : 0];
    if (e->shift) v = v + e->shift[e->shift_per_column ? j : 0];
  }
  *out = v;
}

/// Where C[i, j] is stored: c[i · ldc + j], or in its column block (see glean_epilogue's block_columns).
static inline float *glean_output_at(float *c, ptrdiff_t ldc, const glean_epilogue *e, ptrdiff_t i, ptrdiff_t j) {
  if (e && e->block_columns > 0) return c + (j / e->block_columns) * e->block_stride + i * ldc + j % e->block_columns;
  return c + i * ldc + j;
}

/// Whether columns j ..< j + width of every row are stored side by side (inside one column block), so that
/// a tile may store them with vector stores from glean_output_at(c, ldc, e, i, j).
static inline int glean_output_contiguous(const glean_epilogue *e, ptrdiff_t j, int width) {
  return !(e && e->block_columns > 0) || j / e->block_columns == (j + width - 1) / e->block_columns;
}

/// Whether the epilogue does anything after the bias (if not, tiles store their results directly).
static inline int glean_epilogue_has_tail(const glean_epilogue *e) {
  return e && (e->clamp || e->residual || e->second || e->scale || e->shift);
}

/// Starts fetching the residual a tile's epilogue will add, when it has one: rows i ..< i + rows, columns
/// j ..< j + columns (16 or 32; a prefetch per 16 floats). That tensor was written long before and is usually
/// out of L1; the tiles call this before their depth loop, whose time covers the fetch.
static inline void glean_epilogue_prefetch_residual(const glean_epilogue *e, ptrdiff_t i, ptrdiff_t j, int rows, int columns) {
  if (!e || !e->residual) return;
  for (int r = 0; r < rows; r++) {
    const float *row = e->residual + (i + r) * e->residual_ld + j;
    for (int c = 0; c < columns; c += 16) __builtin_prefetch(row + c, 0, 3);   // prefetcht0 on x86-64
  }
}

/* The vector epilogues below run over a whole tile held in registers, one step at a time: each step's
   test is made once per tile. (Per vector, a dozen predictable branches per 8 results cost ~7 % of a
   K = 128 GEMM with bias and RELU: taken branches, not arithmetic, limited the tile's end.) Each element
   still goes through the same operations in the same order as glean_epilogue_store. */

#if defined(__x86_64__)
/// glean_epilogue_store for rows i ..< i + rows, columns j ..< j + 16 of a tile: v[r][h] holds columns
/// j + 8h ..< j + 8h + 8 of row i + r and is stored at c + r·ldc + 8h. Inlined with a constant `rows`, so
/// that v stays in registers. `e` may be NULL (plain stores).
__attribute__((target("avx2"), always_inline))
static inline void glean_epilogue_store_tile_avx2(const glean_epilogue *e, __m256 v[][2], int rows, ptrdiff_t i, ptrdiff_t j,
                                                  float *c, ptrdiff_t ldc) {
  if (e) {
    const glean_epilogue local = *e;   // the stores below cannot change it: its fields stay in registers
    if (local.clamp) {
      __m256 lo = _mm256_set1_ps(local.clamp_lo);
      for (int r = 0; r < rows; r++) {
        for (int h = 0; h < 2; h++) v[r][h] = _mm256_blendv_ps(v[r][h], lo, _mm256_cmp_ps(lo, v[r][h], _CMP_GE_OQ));
      }
      if (local.clamp_hi != INFINITY) {   // RELU has no upper bound: half the work
        __m256 hi = _mm256_set1_ps(local.clamp_hi);
        for (int r = 0; r < rows; r++) {
          for (int h = 0; h < 2; h++) v[r][h] = _mm256_blendv_ps(v[r][h], hi, _mm256_cmp_ps(hi, v[r][h], _CMP_LT_OQ));
        }
      }
    }
    if (local.residual) {
      const float *residual = local.residual + i * local.residual_ld + j;
      for (int r = 0; r < rows; r++) {
        for (int h = 0; h < 2; h++) v[r][h] = _mm256_add_ps(v[r][h], _mm256_loadu_ps(residual + r * local.residual_ld + 8 * h));
      }
    }
    if (local.second) {
      for (int r = 0; r < rows; r++) for (int h = 0; h < 2; h++) _mm256_storeu_ps(c + r * ldc + 8 * h, v[r][h]);
      c = local.second + i * local.second_ld + j;
      ldc = local.second_ld;
    }
    if (local.scale) {
      __m256 s0 = local.scale_per_column ? _mm256_loadu_ps(local.scale + j) : _mm256_set1_ps(local.scale[0]);
      __m256 s1 = local.scale_per_column ? _mm256_loadu_ps(local.scale + j + 8) : s0;
      for (int r = 0; r < rows; r++) { v[r][0] = _mm256_mul_ps(v[r][0], s0); v[r][1] = _mm256_mul_ps(v[r][1], s1); }
    }
    if (local.shift) {
      __m256 s0 = local.shift_per_column ? _mm256_loadu_ps(local.shift + j) : _mm256_set1_ps(local.shift[0]);
      __m256 s1 = local.shift_per_column ? _mm256_loadu_ps(local.shift + j + 8) : s0;
      for (int r = 0; r < rows; r++) { v[r][0] = _mm256_add_ps(v[r][0], s0); v[r][1] = _mm256_add_ps(v[r][1], s1); }
    }
  }
  for (int r = 0; r < rows; r++) for (int h = 0; h < 2; h++) _mm256_storeu_ps(c + r * ldc + 8 * h, v[r][h]);
}
#endif
#if defined(__x86_64__)
/// glean_epilogue_store_tile_avx2 with AVX-512F: v[r] holds columns j ..< j + 16 of row i + r and is stored at
/// c + r·ldc. The same operations on the same values (the clamps as masked moves where the AVX2 version
/// blends), half the instructions: on a K = 128 GEMM with a bias and RELU the AVX2 form of the epilogue cost
/// ~8 % of the wide tiles' time (AMD Zen 5).
__attribute__((target("avx512f,avx2"), always_inline))
static inline void glean_epilogue_store_tile_avx512(const glean_epilogue *e, __m512 v[], int rows, ptrdiff_t i, ptrdiff_t j,
                                                    float *c, ptrdiff_t ldc) {
  if (e) {
    const glean_epilogue local = *e;
    if (local.clamp) {
      __m512 lo = _mm512_set1_ps(local.clamp_lo);
      for (int r = 0; r < rows; r++) v[r] = _mm512_mask_mov_ps(v[r], _mm512_cmp_ps_mask(lo, v[r], _CMP_GE_OQ), lo);
      if (local.clamp_hi != INFINITY) {
        __m512 hi = _mm512_set1_ps(local.clamp_hi);
        for (int r = 0; r < rows; r++) v[r] = _mm512_mask_mov_ps(v[r], _mm512_cmp_ps_mask(hi, v[r], _CMP_LT_OQ), hi);
      }
    }
    if (local.residual) {
      const float *residual = local.residual + i * local.residual_ld + j;
      for (int r = 0; r < rows; r++) v[r] = _mm512_add_ps(v[r], _mm512_loadu_ps(residual + r * local.residual_ld));
    }
    if (local.second) {
      for (int r = 0; r < rows; r++) _mm512_storeu_ps(c + r * ldc, v[r]);
      c = local.second + i * local.second_ld + j;
      ldc = local.second_ld;
    }
    if (local.scale) {
      __m512 s = local.scale_per_column ? _mm512_loadu_ps(local.scale + j) : _mm512_set1_ps(local.scale[0]);
      for (int r = 0; r < rows; r++) v[r] = _mm512_mul_ps(v[r], s);
    }
    if (local.shift) {
      __m512 s = local.shift_per_column ? _mm512_loadu_ps(local.shift + j) : _mm512_set1_ps(local.shift[0]);
      for (int r = 0; r < rows; r++) v[r] = _mm512_add_ps(v[r], s);
    }
  }
  for (int r = 0; r < rows; r++) _mm512_storeu_ps(c + r * ldc, v[r]);
}

/// glean_epilogue_store_tile_avx2 for rows of 16-lane vectors (v[r] holds columns j ..< j + 16 of row i + r, at
/// most 12 rows), each split into its two 8-lane halves: how the 16-column tiles compiled for AVX2 (the AVX-512
/// tiles' emulation) store. Inlined with a constant `rows`.
__attribute__((target("avx2"), always_inline))
static inline void glean_epilogue_store_tile16_on_avx2(const glean_epilogue *e, const glean_v16f v[], int rows, ptrdiff_t i,
                                                       ptrdiff_t j, float *c, ptrdiff_t ldc) {
  __m256 halves[12][2];
  for (int r = 0; r < rows; r++) {
    halves[r][0] = (__m256)__builtin_shufflevector(v[r], v[r], 0, 1, 2, 3, 4, 5, 6, 7);
    halves[r][1] = (__m256)__builtin_shufflevector(v[r], v[r], 8, 9, 10, 11, 12, 13, 14, 15);
  }
  glean_epilogue_store_tile_avx2(e, halves, rows, i, j, c, ldc);
}
#endif
#if defined(__aarch64__)
/// glean_epilogue_store_tile_avx2 with NEON: v[r][q] holds columns j + 4q ..< j + 4q + 4 of row i + r (q < 4).
__attribute__((always_inline))
static inline void glean_epilogue_store_tile_neon(const glean_epilogue *e, float32x4_t v[][4], int rows, ptrdiff_t i,
                                                  ptrdiff_t j, float *c, ptrdiff_t ldc) {
  if (e) {
    const glean_epilogue local = *e;
    if (local.clamp) {
      float32x4_t lo = vdupq_n_f32(local.clamp_lo);
      for (int r = 0; r < rows; r++) {
        for (int q = 0; q < 4; q++) v[r][q] = vbslq_f32(vcgeq_f32(lo, v[r][q]), lo, v[r][q]);   // false for NaN: NaN stays
      }
      if (local.clamp_hi != INFINITY) {
        float32x4_t hi = vdupq_n_f32(local.clamp_hi);
        for (int r = 0; r < rows; r++) for (int q = 0; q < 4; q++) v[r][q] = vbslq_f32(vcltq_f32(hi, v[r][q]), hi, v[r][q]);
      }
    }
    if (local.residual) {
      const float *residual = local.residual + i * local.residual_ld + j;
      for (int r = 0; r < rows; r++) {
        for (int q = 0; q < 4; q++) v[r][q] = vaddq_f32(v[r][q], vld1q_f32(residual + r * local.residual_ld + 4 * q));
      }
    }
    if (local.second) {
      for (int r = 0; r < rows; r++) for (int q = 0; q < 4; q++) vst1q_f32(c + r * ldc + 4 * q, v[r][q]);
      c = local.second + i * local.second_ld + j;
      ldc = local.second_ld;
    }
    if (local.scale) {
      for (int q = 0; q < 4; q++) {
        float32x4_t s = local.scale_per_column ? vld1q_f32(local.scale + j + 4 * q) : vdupq_n_f32(local.scale[0]);
        for (int r = 0; r < rows; r++) v[r][q] = vmulq_f32(v[r][q], s);
      }
    }
    if (local.shift) {
      for (int q = 0; q < 4; q++) {
        float32x4_t s = local.shift_per_column ? vld1q_f32(local.shift + j + 4 * q) : vdupq_n_f32(local.shift[0]);
        for (int r = 0; r < rows; r++) v[r][q] = vaddq_f32(v[r][q], s);
      }
    }
  }
  for (int r = 0; r < rows; r++) for (int q = 0; q < 4; q++) vst1q_f32(c + r * ldc + 4 * q, v[r][q]);
}
#endif
#endif
