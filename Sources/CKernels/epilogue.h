// The GEMM epilogue (glean_epilogue in glean_kernels.h) applied to results as they are stored, shared
// by the float and the hybrid GEMM: a scalar version for edge tiles and the portable path, and an AVX2
// version for 8 columns of one row. Both perform the same IEEE operations in the same order, so they
// agree bit for bit with each other and with the unfused graph (FULLY_CONNECTED, then ADD, MUL, ADD).
#ifndef GLEAN_KERNELS_EPILOGUE_H
#define GLEAN_KERNELS_EPILOGUE_H
#include "glean_kernels.h"
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

/// Whether the epilogue does anything after the bias (if not, tiles store their results directly).
static inline int glean_epilogue_has_tail(const glean_epilogue *e) {
  return e && (e->clamp || e->residual || e->second || e->scale || e->shift);
}

#if defined(__x86_64__)
/// glean_epilogue_store for columns j ..< j + 8 of row i. Callers pass a local copy of the epilogue, so
/// that the compiler knows the stores do not change it and keeps its fields in registers.
__attribute__((target("avx2"))) static inline void glean_epilogue_store_avx2(const glean_epilogue *e, __m256 v, ptrdiff_t i,
                                                                            ptrdiff_t j, float *out) {
  if (e) {
    if (e->clamp) {
      __m256 lo = _mm256_set1_ps(e->clamp_lo);
      v = _mm256_blendv_ps(v, lo, _mm256_cmp_ps(lo, v, _CMP_GE_OQ));
      if (e->clamp_hi != INFINITY) {   // RELU has no upper bound: half the work
        __m256 hi = _mm256_set1_ps(e->clamp_hi);
        v = _mm256_blendv_ps(v, hi, _mm256_cmp_ps(hi, v, _CMP_LT_OQ));
      }
    }
    if (e->residual) v = _mm256_add_ps(v, _mm256_loadu_ps(e->residual + i * e->residual_ld + j));
    if (e->second) {
      _mm256_storeu_ps(out, v);
      out = e->second + i * e->second_ld + j;
    }
    if (e->scale) v = _mm256_mul_ps(v, e->scale_per_column ? _mm256_loadu_ps(e->scale + j) : _mm256_set1_ps(e->scale[0]));
    if (e->shift) v = _mm256_add_ps(v, e->shift_per_column ? _mm256_loadu_ps(e->shift + j) : _mm256_set1_ps(e->shift[0]));
  }
  _mm256_storeu_ps(out, v);
}
#endif
#if defined(__aarch64__)
/// glean_epilogue_store for columns j ..< j + 4 of row i, with NEON (callers pass a local copy, as for AVX2).
static inline void glean_epilogue_store_neon(const glean_epilogue *e, float32x4_t v, ptrdiff_t i, ptrdiff_t j, float *out) {
  if (e) {
    if (e->clamp) {
      float32x4_t lo = vdupq_n_f32(e->clamp_lo);
      v = vbslq_f32(vcgeq_f32(lo, v), lo, v);   // false for NaN: NaN stays
      if (e->clamp_hi != INFINITY) {
        float32x4_t hi = vdupq_n_f32(e->clamp_hi);
        v = vbslq_f32(vcltq_f32(hi, v), hi, v);
      }
    }
    if (e->residual) v = vaddq_f32(v, vld1q_f32(e->residual + i * e->residual_ld + j));
    if (e->second) {
      vst1q_f32(out, v);
      out = e->second + i * e->second_ld + j;
    }
    if (e->scale) v = vmulq_f32(v, e->scale_per_column ? vld1q_f32(e->scale + j) : vdupq_n_f32(e->scale[0]));
    if (e->shift) v = vaddq_f32(v, e->shift_per_column ? vld1q_f32(e->shift + j) : vdupq_n_f32(e->shift[0]));
  }
  vst1q_f32(out, v);
}
#endif
#endif
