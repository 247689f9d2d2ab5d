// Softmax and GELU with a polynomial exponential, vectorised for AVX2+FMA (x86-64) and NEON (arm64), with
// scalar code for other CPUs. The NEON functions are the AVX2 ones four lanes wide: the same operations,
// the same FMAs. exp: x = n·ln2 + r (|r| ≤ ln2/2, Cody-Waite split of ln2), e^r by a degree-6
// polynomial, times 2^n built in the exponent bits (within 2 ulp of expf over the normal range).
#include "glean_kernels.h"
#include "internal.h"
#include <math.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

// No contraction: the masked softmax must round x · scale and + mask separately, as MUL and ADD do.
#pragma clang fp contract(off)

#define EXP_HI 88.3762626647949f
#define EXP_LO -87.3365447504019f   // below: the result is flushed to 0
#define LOG2E 1.44269504088896341f
#define LN2_HI 0.693359375f
#define LN2_LO -2.12194440e-4f
// e^r ≈ 1 + r + r²·(P0 + r·(P1 + ...)) (Cephes expf coefficients).
#define P0 5.0000001201e-1f
#define P1 1.6666665459e-1f
#define P2 4.1665795894e-2f
#define P3 8.3334519073e-3f
#define P4 1.3981999507e-3f
#define P5 1.9875691500e-4f

static float exp_scalar(float x) {
  if (x != x) return x;
  if (x > EXP_HI) return INFINITY;
  if (x < EXP_LO) return 0.0f;
  float n = floorf(x * LOG2E + 0.5f);
  float r = x - n * LN2_HI;
  r = r - n * LN2_LO;
  float p = P5;
  p = p * r + P4; p = p * r + P3; p = p * r + P2; p = p * r + P1; p = p * r + P0;
  p = p * r * r + r + 1.0f;
  return ldexpf(p, (int)n);
}

/* erf(z) ≈ z·P(z²)/Q(z²) for |z| < ERF_CLAMP and ±1 beyond: a rational fitted on [0, 3.925] by
   Tools/kernels/fit_erf.py, largest error 1.7e-9 in exact arithmetic and 3.2e-7 evaluated in float with
   FMAs (GELU within 2.0e-7 · max(1, |x|)). No exponential and one division: half the cost of erfc by Abramowitz &
   Stegun 7.1.26 and e^{−z²}. 1 + erf(z) then cancels for large negative z as the reference's formula does.
   The clamp, 3.92, is where erf has reached ±1 in float (1 − erf(3.92) = 2.96e-8, under half the spacing of
   floats below 1) and where the rational evaluated in float (with FMAs, as the vector kernels do) gives
   exactly ±1: the vector kernels clamp z and need no separate ±1 beyond it. */
#define ERF_CLAMP 3.92f
static const float erf_p[7] = {1.128379225730896f, 0.18475376069545746f, 0.05431666970252991f, 0.003838749136775732f,
                               0.00038179897819645703f, 4.754087512992555e-06f, -1.3526188169521447e-08f};
static const float erf_q[6] = {1.0f, 0.49706727266311646f, 0.11382511258125305f, 0.015448415651917458f,
                               0.0013082713121548295f, 6.376541568897665e-05f};

static float erf_scalar(float z) {
  if (z != z) return z;
  if (z >= ERF_CLAMP) return 1.0f;
  if (z <= -ERF_CLAMP) return -1.0f;
  float t = z * z, p = erf_p[6], q = erf_q[5];
  for (int i = 5; i >= 0; i--) p = p * t + erf_p[i];
  for (int i = 4; i >= 0; i--) q = q * t + erf_q[i];
  return z * p / q;
}

/* GELU of one value: 0.5 v (1 + erf(v / sqrt 2)), or with `approximate` the tanh form, written as
   0.5 v (2 - 2 / (exp(2u) + 1)) with u = sqrt(2/pi) (v + 0.044715 v^3). The vector tails and the
   portable path share it. */
static float gelu_scalar(float v, int approximate) {
  float factor;
  if (approximate) {
    float u = 0.7978845608028654f * (v + 0.044715f * v * v * v);
    factor = 2.0f - 2.0f / (exp_scalar(u + u) + 1.0f);
  } else {
    factor = 1.0f + erf_scalar(v * 0.7071067811865476f);
  }
  return 0.5f * v * factor;
}

/* e^t for the softmax's arguments t ≤ 0, in few multiply-class operations (8 per vector, against 12 for the
   general exponential): n = round(t·log₂e) comes from one FMA with a magic number whose unit in the last place is 1 (its low mantissa bits then hold n + 127, shifted straight
   into the exponent of s = 2^n), r = t − n·ln 2 in one FMA with ln 2 rounded to float (LN2_F), and
   e^t = s + (r·s)·P(r) with P of degree 4 (Tools/kernels/fit_exp.py: relative error 1.7e-7 over [−10, 0]
   and 3.9e-7 over [−87, 0] in float32: LN2_F's own error adds |n|·1.9e-9, under 3e-8 where e^t > 5e-5;
   splitting ln 2 in two parts to avoid it cost an FMA, a seventh of the softmax's exponential pass). t below
   EXP_LO gives 0; NaN stays NaN. */
#define LN2_F 0x1.62e43p-1f   // ln 2 rounded to float
#define EXP_MAGIC 0x1.8000fep23f   // 1.5·2^23 + 127
#define EXP_C1 0x1.fffffcp-1f
#define EXP_C2 0x1.fffdc6p-2f
#define EXP_C3 0x1.555808p-3f
#define EXP_C4 0x1.573a5ep-5f
#define EXP_C5 0x1.108f64p-7f

#if defined(__x86_64__)
/// e^r for r = x − n·ln 2 (Cody-Waite: ln 2 in two parts), by the degree-6 polynomial: the part of exp
/// shared by both vector exponentials, before scaling by 2^n.
__attribute__((target("avx2,fma")))
static inline __m256 exp_reduced_avx2(__m256 x, __m256 n) {
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_HI), x);
  r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_LO), r);
  __m256 p = _mm256_set1_ps(P5);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P4));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P3));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P2));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P1));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P0));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  return p;
}

__attribute__((target("avx2,fma")))
static inline __m256 exp_avx2(__m256 x) {
  __m256 overflow = _mm256_cmp_ps(x, _mm256_set1_ps(EXP_HI), _CMP_GT_OQ);
  __m256 underflow = _mm256_cmp_ps(x, _mm256_set1_ps(EXP_LO), _CMP_LT_OQ);
  // Lanes that underflow compute e^0 and are zeroed at the end: clamping them to EXP_LO instead would
  // make p · 2^n subnormal, and subnormal results cost a microcode assist (2.2× slower softmax rows
  // when a padding mask sends every few scores to −10000).
  x = _mm256_min_ps(_mm256_set1_ps(EXP_HI), _mm256_andnot_ps(underflow, x));   // NaN stays NaN
  __m256 n = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(LOG2E), _mm256_set1_ps(0.5f)));
  __m256 p = exp_reduced_avx2(x, n);
  // 2^n split in two factors so that n = 128 (x near EXP_HI) stays representable.
  __m256i ni = _mm256_cvtps_epi32(n);
  __m256i half = _mm256_srai_epi32(ni, 1);
  __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(half, _mm256_set1_epi32(127)), 23));
  __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_sub_epi32(ni, half), _mm256_set1_epi32(127)), 23));
  __m256 result = _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
  result = _mm256_blendv_ps(result, _mm256_set1_ps(INFINITY), overflow);
  return _mm256_andnot_ps(underflow, result);
}

/// e^t for t ≤ 0 (see EXP_MAGIC above).
__attribute__((target("avx2,fma")))
static inline __m256 exp_nonpositive_avx2(__m256 t) {
  const __m256 magic = _mm256_set1_ps(EXP_MAGIC);
  __m256 n = _mm256_fmadd_ps(t, _mm256_set1_ps(LOG2E), magic);
  __m256 s = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(n), 23));
  n = _mm256_sub_ps(n, magic);
  __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(LN2_F), t);
  __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(EXP_C5), r, _mm256_set1_ps(EXP_C4));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_C3));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_C2));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(EXP_C1));
  __m256 e = _mm256_fmadd_ps(_mm256_mul_ps(r, s), p, s);
  return _mm256_andnot_ps(_mm256_cmp_ps(t, _mm256_set1_ps(EXP_LO), _CMP_LT_OQ), e);
}

/// The largest of x[0 ..< depth] (−∞ when empty).
__attribute__((target("avx2,fma"))) GLEAN_ALIGNED
static float row_max_avx2(const float *x, ptrdiff_t depth) {
  __m256 max0 = _mm256_set1_ps(-INFINITY), max1 = max0;
  ptrdiff_t i = 0;
  for (; i + 16 <= depth; i += 16) {
    max0 = _mm256_max_ps(max0, _mm256_loadu_ps(x + i));
    max1 = _mm256_max_ps(max1, _mm256_loadu_ps(x + i + 8));
  }
  if (i + 8 <= depth) { max0 = _mm256_max_ps(max0, _mm256_loadu_ps(x + i)); i += 8; }
  float lanes[8], maximum = -INFINITY;
  _mm256_storeu_ps(lanes, _mm256_max_ps(max0, max1));
  for (int j = 0; j < 8; j++) maximum = lanes[j] > maximum ? lanes[j] : maximum;
  for (; i < depth; i++) maximum = x[i] > maximum ? x[i] : maximum;
  return maximum;
}

/// beta · (x − maximum), the exponential's argument; beta = 1 skips the product.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 softmax_argument_avx2(__m256 x, __m256 maximum, __m256 beta, int unit_beta) {
  __m256 t = _mm256_sub_ps(x, maximum);
  return unit_beta ? t : _mm256_mul_ps(t, beta);
}

/// exp(beta · (x − maximum)): the non-positive exponential when beta ≥ 0, the general one otherwise (the
/// arguments are then ≥ 0 and may overflow, as the reference's do); beta = 1 skips the product.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 softmax_exp_avx2(__m256 x, __m256 maximum, __m256 beta, int unit_beta, int nonpositive) {
  __m256 t = softmax_argument_avx2(x, maximum, beta, unit_beta);
  return nonpositive ? exp_nonpositive_avx2(t) : exp_avx2(t);
}

/// y = exp(beta · (x − maximum)) along one row, returning the sum. Two vectors per step; the last partial
/// vector goes through the same exponential (masked loads and stores), so every element is computed the
/// same way. With non-positive arguments, a step whose 16 arguments all lie below EXP_LO (keys behind a
/// padding mask of −10000) stores zeros without evaluating the polynomial: exactly what the exponential
/// gives there (+0), and + 0 leaves the sums as they are. Inlined with constant `unit_beta` and
/// `nonpositive`, so each case is its own loop.
__attribute__((target("avx2,fma"), always_inline))
static inline float softmax_exp_row_avx2(const float *x, float *y, ptrdiff_t depth, float beta, float maximum,
                                         int unit_beta, int nonpositive) {
  __m256 m = _mm256_set1_ps(maximum), b = _mm256_set1_ps(beta), sum0 = _mm256_setzero_ps(), sum1 = sum0;
  ptrdiff_t i = 0;
  for (; i + 16 <= depth; i += 16) {
    __m256 t0 = softmax_argument_avx2(_mm256_loadu_ps(x + i), m, b, unit_beta);
    __m256 t1 = softmax_argument_avx2(_mm256_loadu_ps(x + i + 8), m, b, unit_beta);
    if (nonpositive) {
      __m256 lo = _mm256_set1_ps(EXP_LO);
      __m256 below = _mm256_and_ps(_mm256_cmp_ps(t0, lo, _CMP_LT_OQ), _mm256_cmp_ps(t1, lo, _CMP_LT_OQ));
      if (_mm256_movemask_ps(below) == 0xFF) {
        _mm256_storeu_ps(y + i, _mm256_setzero_ps());
        _mm256_storeu_ps(y + i + 8, _mm256_setzero_ps());
        continue;
      }
    }
    __m256 e0 = nonpositive ? exp_nonpositive_avx2(t0) : exp_avx2(t0);
    __m256 e1 = nonpositive ? exp_nonpositive_avx2(t1) : exp_avx2(t1);
    _mm256_storeu_ps(y + i, e0);
    _mm256_storeu_ps(y + i + 8, e1);
    sum0 = _mm256_add_ps(sum0, e0);
    sum1 = _mm256_add_ps(sum1, e1);
  }
  for (; i < depth; i += 8) {
    ptrdiff_t left = depth - i;
    __m256i active = _mm256_cmpgt_epi32(_mm256_set1_epi32(left < 8 ? (int)left : 8), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256 e = softmax_exp_avx2(_mm256_maskload_ps(x + i, active), m, b, unit_beta, nonpositive);
    e = _mm256_and_ps(e, _mm256_castsi256_ps(active));
    _mm256_maskstore_ps(y + i, active, e);
    sum0 = _mm256_add_ps(sum0, e);
  }
  return glean_lane_sum_avx2(sum0, sum1);
}

/// y = exp(beta · (x − maximum)) / Σ along one row; `maximum` is the row's largest value.
__attribute__((target("avx2,fma"))) GLEAN_ALIGNED
static void softmax_normalize_avx2(const float *x, float *y, ptrdiff_t depth, float beta, float maximum) {
  float sum = beta == 1.0f ? softmax_exp_row_avx2(x, y, depth, beta, maximum, 1, 1)
            : beta >= 0    ? softmax_exp_row_avx2(x, y, depth, beta, maximum, 0, 1)
                           : softmax_exp_row_avx2(x, y, depth, beta, maximum, 0, 0);
  float inverse = 1.0f / sum;
  __m256 s = _mm256_set1_ps(inverse);
  ptrdiff_t i = 0;
  for (; i + 8 <= depth; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(y + i), s));
  for (; i < depth; i++) y[i] *= inverse;
}

__attribute__((target("avx2,fma"))) GLEAN_ALIGNED
static void softmax_row_avx2(const float *x, float *y, ptrdiff_t depth, float beta) {
  softmax_normalize_avx2(x, y, depth, beta, row_max_avx2(x, depth));
}

/// 1 + erf(z), erf as erf_scalar computes it (the same operations, fused into FMAs).
__attribute__((target("avx2,fma")))
static inline __m256 one_plus_erf_avx2(__m256 z) {
  // Clamped to ±ERF_CLAMP, where the rational is exactly ±1. A NaN lane comes out −1 (vmaxps returns its
  // second operand); GELU's product with x makes it NaN.
  __m256 limit = _mm256_set1_ps(ERF_CLAMP);
  __m256 zc = _mm256_min_ps(_mm256_max_ps(z, _mm256_set1_ps(-ERF_CLAMP)), limit);
  __m256 t = _mm256_mul_ps(zc, zc), p = _mm256_set1_ps(erf_p[6]), q = _mm256_set1_ps(erf_q[5]);
  for (int i = 5; i >= 0; i--) p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(erf_p[i]));
  for (int i = 4; i >= 0; i--) q = _mm256_fmadd_ps(q, t, _mm256_set1_ps(erf_q[i]));
  __m256 e = _mm256_div_ps(_mm256_mul_ps(zc, p), q);
  return _mm256_add_ps(_mm256_set1_ps(1.0f), e);
}

/// GELU of 8 values: 0.5 v (1 + erf(v / √2)), or with `approximate` 0.5 v (1 + tanh(u)) as gelu_scalar writes it.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 gelu8_avx2(__m256 v, int approximate) {
  __m256 factor;
  if (approximate) {
    // 1 + tanh(u) = 2 − 2 / (e^{2u} + 1).
    __m256 u = _mm256_mul_ps(_mm256_set1_ps(0.7978845608028654f),
                             _mm256_fmadd_ps(_mm256_mul_ps(_mm256_set1_ps(0.044715f), v), _mm256_mul_ps(v, v), v));
    __m256 e = exp_avx2(_mm256_add_ps(u, u));
    factor = _mm256_sub_ps(_mm256_set1_ps(2.0f), _mm256_div_ps(_mm256_set1_ps(2.0f), _mm256_add_ps(e, _mm256_set1_ps(1.0f))));
  } else {
    factor = one_plus_erf_avx2(_mm256_mul_ps(v, _mm256_set1_ps(0.7071067811865476f)));
  }
  return _mm256_mul_ps(_mm256_mul_ps(_mm256_set1_ps(0.5f), v), factor);
}

/// Inlined with a constant `approximate`: one loop per form, nothing tested per element; two vectors per step.
__attribute__((target("avx2,fma"), always_inline))
static inline void gelu_loop_avx2(const float *x, float *y, ptrdiff_t count, int approximate) {
  ptrdiff_t i = 0;
  for (; i + 16 <= count; i += 16) {
    __m256 a = gelu8_avx2(_mm256_loadu_ps(x + i), approximate), b = gelu8_avx2(_mm256_loadu_ps(x + i + 8), approximate);
    _mm256_storeu_ps(y + i, a);
    _mm256_storeu_ps(y + i + 8, b);
  }
  for (; i + 8 <= count; i += 8) _mm256_storeu_ps(y + i, gelu8_avx2(_mm256_loadu_ps(x + i), approximate));
  for (; i < count; i++) y[i] = gelu_scalar(x[i], approximate);
}

__attribute__((target("avx2,fma"))) GLEAN_ALIGNED
static void gelu_avx2(const float *x, float *y, ptrdiff_t count, int approximate) {
  if (approximate) gelu_loop_avx2(x, y, count, 1); else gelu_loop_avx2(x, y, count, 0);
}

/* AVX-512F versions of the softmax's exponential pass, its masked rows and GELU's exact form: the AVX2
   functions' operations sixteen lanes wide, so every element gets the same value. The row sum keeps the AVX2
   summation order (two 8-lane sums over 16-element steps, then 8-element tail chunks into the first, then
   lane by lane), so the probabilities are the AVX2 kernel's bit for bit; on AMD Zen 5 they take half the time. */

/// exp_nonpositive_avx2, sixteen lanes.
__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline __m512 exp_nonpositive_avx512(__m512 t) {
  const __m512 magic = _mm512_set1_ps(EXP_MAGIC);
  __m512 n = _mm512_fmadd_ps(t, _mm512_set1_ps(LOG2E), magic);
  __m512 s = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_castps_si512(n), 23));
  n = _mm512_sub_ps(n, magic);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(LN2_F), t);
  __m512 p = _mm512_fmadd_ps(_mm512_set1_ps(EXP_C5), r, _mm512_set1_ps(EXP_C4));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EXP_C3));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EXP_C2));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(EXP_C1));
  __m512 e = _mm512_fmadd_ps(_mm512_mul_ps(r, s), p, s);
  return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(t, _mm512_set1_ps(EXP_LO), _CMP_NLT_UQ), e);   // zero where t < EXP_LO
}

/// softmax_exp_row_avx2 for beta ≥ 0 (non-positive arguments), sixteen lanes per step: lanes 0–7 of `sum`
/// are the AVX2 loop's sum0, lanes 8–15 its sum1; the tail runs as the AVX2 loop's does.
__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline float softmax_exp_row_avx512(const float *x, float *y, ptrdiff_t depth, float beta, float maximum, int unit_beta) {
  __m512 m = _mm512_set1_ps(maximum), b = _mm512_set1_ps(beta), sum = _mm512_setzero_ps(), lo = _mm512_set1_ps(EXP_LO);
  ptrdiff_t i = 0;
  for (; i + 16 <= depth; i += 16) {
    __m512 t = _mm512_sub_ps(_mm512_loadu_ps(x + i), m);
    if (!unit_beta) t = _mm512_mul_ps(t, b);
    if (_mm512_cmp_ps_mask(t, lo, _CMP_LT_OQ) == 0xFFFF) {
      _mm512_storeu_ps(y + i, _mm512_setzero_ps());
      continue;
    }
    __m512 e = exp_nonpositive_avx512(t);
    _mm512_storeu_ps(y + i, e);
    sum = _mm512_add_ps(sum, e);
  }
  __m256 sum0 = _mm512_castps512_ps256(sum), sum1 = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(sum), 1));
  __m256 m8 = _mm256_set1_ps(maximum), b8 = _mm256_set1_ps(beta);
  for (; i < depth; i += 8) {
    ptrdiff_t left = depth - i;
    __m256i active = _mm256_cmpgt_epi32(_mm256_set1_epi32(left < 8 ? (int)left : 8), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256 e = softmax_exp_avx2(_mm256_maskload_ps(x + i, active), m8, b8, unit_beta, 1);
    e = _mm256_and_ps(e, _mm256_castsi256_ps(active));
    _mm256_maskstore_ps(y + i, active, e);
    sum0 = _mm256_add_ps(sum0, e);
  }
  return glean_lane_sum_avx2(sum0, sum1);
}

/// softmax_normalize_avx2 with the exponential pass and the scaling sixteen lanes wide (beta ≥ 0; the AVX2
/// function otherwise).
__attribute__((target("avx512f,avx2,fma"))) GLEAN_ALIGNED
static void softmax_normalize_avx512(const float *x, float *y, ptrdiff_t depth, float beta, float maximum) {
  if (!(beta >= 0)) {
    softmax_normalize_avx2(x, y, depth, beta, maximum);
    return;
  }
  float sum = beta == 1.0f ? softmax_exp_row_avx512(x, y, depth, beta, maximum, 1) : softmax_exp_row_avx512(x, y, depth, beta, maximum, 0);
  float inverse = 1.0f / sum;
  __m512 s = _mm512_set1_ps(inverse);
  ptrdiff_t i = 0;
  for (; i + 16 <= depth; i += 16) _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(y + i), s));
  for (; i < depth; i++) y[i] *= inverse;
}

/// The largest of x[0 ..< depth] (−∞ when empty), sixteen lanes.
__attribute__((target("avx512f,avx2,fma"))) GLEAN_ALIGNED
static float row_max_avx512(const float *x, ptrdiff_t depth) {
  __m512 vmax = _mm512_set1_ps(-INFINITY);
  ptrdiff_t i = 0;
  for (; i + 16 <= depth; i += 16) vmax = _mm512_max_ps(vmax, _mm512_loadu_ps(x + i));
  float maximum = _mm512_reduce_max_ps(vmax);
  for (; i < depth; i++) maximum = x[i] > maximum ? x[i] : maximum;
  return maximum;
}

__attribute__((target("avx512f,avx2,fma"))) GLEAN_ALIGNED
static void softmax_row_avx512(const float *x, float *y, ptrdiff_t depth, float beta) {
  softmax_normalize_avx512(x, y, depth, beta, row_max_avx512(x, depth));
}

/// one_plus_erf_avx2, sixteen lanes.
__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline __m512 one_plus_erf_avx512(__m512 z) {
  __m512 limit = _mm512_set1_ps(ERF_CLAMP);
  __m512 zc = _mm512_min_ps(_mm512_max_ps(z, _mm512_set1_ps(-ERF_CLAMP)), limit);
  __m512 t = _mm512_mul_ps(zc, zc), p = _mm512_set1_ps(erf_p[6]), q = _mm512_set1_ps(erf_q[5]);
  for (int i = 5; i >= 0; i--) p = _mm512_fmadd_ps(p, t, _mm512_set1_ps(erf_p[i]));
  for (int i = 4; i >= 0; i--) q = _mm512_fmadd_ps(q, t, _mm512_set1_ps(erf_q[i]));
  __m512 e = _mm512_div_ps(_mm512_mul_ps(zc, p), q);
  return _mm512_add_ps(_mm512_set1_ps(1.0f), e);
}

/// GELU's exact form (0.5 v (1 + erf(v / √2))) sixteen lanes wide, as gelu8_avx2 computes it; the tanh form
/// goes to the AVX2 function.
__attribute__((target("avx512f,avx2,fma"))) GLEAN_ALIGNED
static void gelu_avx512(const float *x, float *y, ptrdiff_t count, int approximate) {
  if (approximate) {
    gelu_avx2(x, y, count, approximate);
    return;
  }
  ptrdiff_t i = 0;
  for (; i + 16 <= count; i += 16) {
    __m512 v = _mm512_loadu_ps(x + i);
    __m512 factor = one_plus_erf_avx512(_mm512_mul_ps(v, _mm512_set1_ps(0.7071067811865476f)));
    _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(0.5f), v), factor));
  }
  gelu_avx2(x + i, y + i, count - i, approximate);
}
#elif defined(__aarch64__)
/// exp_reduced_avx2 with NEON.
static inline float32x4_t exp_reduced_neon(float32x4_t x, float32x4_t n) {
  float32x4_t r = vfmsq_f32(x, n, vdupq_n_f32(LN2_HI));
  r = vfmsq_f32(r, n, vdupq_n_f32(LN2_LO));
  float32x4_t p = vdupq_n_f32(P5);
  p = vfmaq_f32(vdupq_n_f32(P4), p, r);
  p = vfmaq_f32(vdupq_n_f32(P3), p, r);
  p = vfmaq_f32(vdupq_n_f32(P2), p, r);
  p = vfmaq_f32(vdupq_n_f32(P1), p, r);
  p = vfmaq_f32(vdupq_n_f32(P0), p, r);
  return vfmaq_f32(vaddq_f32(r, vdupq_n_f32(1.0f)), p, vmulq_f32(r, r));
}

/// exp_avx2 with NEON (n is integral, so converting it by truncation gives the same integer).
static inline float32x4_t exp_neon(float32x4_t x) {
  uint32x4_t overflow = vcgtq_f32(x, vdupq_n_f32(EXP_HI)), underflow = vcltq_f32(x, vdupq_n_f32(EXP_LO));
  x = vminq_f32(vdupq_n_f32(EXP_HI), vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(x), underflow)));
  float32x4_t n = vrndmq_f32(vfmaq_f32(vdupq_n_f32(0.5f), x, vdupq_n_f32(LOG2E)));
  float32x4_t p = exp_reduced_neon(x, n);
  int32x4_t ni = vcvtq_s32_f32(n), half = vshrq_n_s32(ni, 1);
  float32x4_t s1 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(half, vdupq_n_s32(127)), 23));
  float32x4_t s2 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(vsubq_s32(ni, half), vdupq_n_s32(127)), 23));
  float32x4_t result = vmulq_f32(vmulq_f32(p, s1), s2);
  result = vbslq_f32(overflow, vdupq_n_f32(INFINITY), result);
  return vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(result), underflow));
}

/// exp_nonpositive_avx2 with NEON.
static inline float32x4_t exp_nonpositive_neon(float32x4_t t) {
  const float32x4_t magic = vdupq_n_f32(EXP_MAGIC);
  float32x4_t n = vfmaq_f32(magic, t, vdupq_n_f32(LOG2E));
  float32x4_t s = vreinterpretq_f32_u32(vshlq_n_u32(vreinterpretq_u32_f32(n), 23));
  n = vsubq_f32(n, magic);
  float32x4_t r = vfmsq_f32(t, n, vdupq_n_f32(LN2_F));
  float32x4_t p = vfmaq_f32(vdupq_n_f32(EXP_C4), vdupq_n_f32(EXP_C5), r);
  p = vfmaq_f32(vdupq_n_f32(EXP_C3), p, r);
  p = vfmaq_f32(vdupq_n_f32(EXP_C2), p, r);
  p = vfmaq_f32(vdupq_n_f32(EXP_C1), p, r);
  float32x4_t e = vfmaq_f32(s, vmulq_f32(r, s), p);
  return vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(e), vcltq_f32(t, vdupq_n_f32(EXP_LO))));
}

static float row_max_neon(const float *x, ptrdiff_t depth) {
  float32x4_t max0 = vdupq_n_f32(-INFINITY), max1 = max0;
  ptrdiff_t i = 0;
  for (; i + 8 <= depth; i += 8) {
    max0 = vmaxq_f32(max0, vld1q_f32(x + i));
    max1 = vmaxq_f32(max1, vld1q_f32(x + i + 4));
  }
  float maximum = vmaxvq_f32(vmaxq_f32(max0, max1));
  for (; i < depth; i++) maximum = x[i] > maximum ? x[i] : maximum;
  return maximum;
}

__attribute__((always_inline))
static inline float32x4_t softmax_argument_neon(float32x4_t x, float32x4_t maximum, float32x4_t beta, int unit_beta) {
  float32x4_t t = vsubq_f32(x, maximum);
  return unit_beta ? t : vmulq_f32(t, beta);
}

__attribute__((always_inline))
static inline float32x4_t softmax_exp_neon(float32x4_t x, float32x4_t maximum, float32x4_t beta, int unit_beta, int nonpositive) {
  float32x4_t t = softmax_argument_neon(x, maximum, beta, unit_beta);
  return nonpositive ? exp_nonpositive_neon(t) : exp_neon(t);
}

/// softmax_exp_row_avx2 with NEON (steps of 8 arguments, skipped the same way when all lie below EXP_LO);
/// the last partial vector goes through a zero-padded copy.
__attribute__((always_inline))
static inline float softmax_exp_row_neon(const float *x, float *y, ptrdiff_t depth, float beta, float maximum, int unit_beta,
                                         int nonpositive) {
  float32x4_t m = vdupq_n_f32(maximum), b = vdupq_n_f32(beta), sum0 = vdupq_n_f32(0.0f), sum1 = sum0;
  ptrdiff_t i = 0;
  for (; i + 8 <= depth; i += 8) {
    float32x4_t t0 = softmax_argument_neon(vld1q_f32(x + i), m, b, unit_beta);
    float32x4_t t1 = softmax_argument_neon(vld1q_f32(x + i + 4), m, b, unit_beta);
    if (nonpositive) {
      float32x4_t lo = vdupq_n_f32(EXP_LO);
      if (vminvq_u32(vandq_u32(vcltq_f32(t0, lo), vcltq_f32(t1, lo))) == UINT32_MAX) {
        vst1q_f32(y + i, vdupq_n_f32(0.0f));
        vst1q_f32(y + i + 4, vdupq_n_f32(0.0f));
        continue;
      }
    }
    float32x4_t e0 = nonpositive ? exp_nonpositive_neon(t0) : exp_neon(t0);
    float32x4_t e1 = nonpositive ? exp_nonpositive_neon(t1) : exp_neon(t1);
    vst1q_f32(y + i, e0);
    vst1q_f32(y + i + 4, e1);
    sum0 = vaddq_f32(sum0, e0);
    sum1 = vaddq_f32(sum1, e1);
  }
  for (; i < depth; i += 4) {
    ptrdiff_t left = depth - i < 4 ? depth - i : 4;
    float lanes[4] = {0, 0, 0, 0};
    memcpy(lanes, x + i, (size_t)left * sizeof(float));
    vst1q_f32(lanes, softmax_exp_neon(vld1q_f32(lanes), m, b, unit_beta, nonpositive));
    for (ptrdiff_t j = left; j < 4; j++) lanes[j] = 0;
    memcpy(y + i, lanes, (size_t)left * sizeof(float));
    sum0 = vaddq_f32(sum0, vld1q_f32(lanes));
  }
  return vaddvq_f32(vaddq_f32(sum0, sum1));
}

static void softmax_normalize_neon(const float *x, float *y, ptrdiff_t depth, float beta, float maximum) {
  float sum = beta == 1.0f ? softmax_exp_row_neon(x, y, depth, beta, maximum, 1, 1)
            : beta >= 0    ? softmax_exp_row_neon(x, y, depth, beta, maximum, 0, 1)
                           : softmax_exp_row_neon(x, y, depth, beta, maximum, 0, 0);
  float inverse = 1.0f / sum;
  float32x4_t s = vdupq_n_f32(inverse);
  ptrdiff_t i = 0;
  for (; i + 4 <= depth; i += 4) vst1q_f32(y + i, vmulq_f32(vld1q_f32(y + i), s));
  for (; i < depth; i++) y[i] *= inverse;
}

static void softmax_row_neon(const float *x, float *y, ptrdiff_t depth, float beta) {
  softmax_normalize_neon(x, y, depth, beta, row_max_neon(x, depth));
}

/// one_plus_erf_avx2 with NEON.
static inline float32x4_t one_plus_erf_neon(float32x4_t z) {
  float32x4_t limit = vdupq_n_f32(ERF_CLAMP);
  float32x4_t zc = vminq_f32(vmaxq_f32(z, vdupq_n_f32(-ERF_CLAMP)), limit);   // NaN stays NaN
  float32x4_t t = vmulq_f32(zc, zc), p = vdupq_n_f32(erf_p[6]), q = vdupq_n_f32(erf_q[5]);
  for (int i = 5; i >= 0; i--) p = vfmaq_f32(vdupq_n_f32(erf_p[i]), p, t);
  for (int i = 4; i >= 0; i--) q = vfmaq_f32(vdupq_n_f32(erf_q[i]), q, t);
  return vaddq_f32(vdupq_n_f32(1.0f), vdivq_f32(vmulq_f32(zc, p), q));
}

/// gelu8_avx2 with NEON, four values.
__attribute__((always_inline))
static inline float32x4_t gelu4_neon(float32x4_t v, int approximate) {
  float32x4_t factor;
  if (approximate) {
    float32x4_t u = vmulq_f32(vdupq_n_f32(0.7978845608028654f),
                              vfmaq_f32(v, vmulq_f32(vdupq_n_f32(0.044715f), v), vmulq_f32(v, v)));
    float32x4_t e = exp_neon(vaddq_f32(u, u));
    factor = vsubq_f32(vdupq_n_f32(2.0f), vdivq_f32(vdupq_n_f32(2.0f), vaddq_f32(e, vdupq_n_f32(1.0f))));
  } else {
    factor = one_plus_erf_neon(vmulq_f32(v, vdupq_n_f32(0.7071067811865476f)));
  }
  return vmulq_f32(vmulq_f32(vdupq_n_f32(0.5f), v), factor);
}

__attribute__((always_inline))
static inline void gelu_loop_neon(const float *x, float *y, ptrdiff_t count, int approximate) {
  ptrdiff_t i = 0;
  for (; i + 8 <= count; i += 8) {
    float32x4_t a = gelu4_neon(vld1q_f32(x + i), approximate), b = gelu4_neon(vld1q_f32(x + i + 4), approximate);
    vst1q_f32(y + i, a);
    vst1q_f32(y + i + 4, b);
  }
  for (; i + 4 <= count; i += 4) vst1q_f32(y + i, gelu4_neon(vld1q_f32(x + i), approximate));
  for (; i < count; i++) y[i] = gelu_scalar(x[i], approximate);
}

static void gelu_neon(const float *x, float *y, ptrdiff_t count, int approximate) {
  if (approximate) gelu_loop_neon(x, y, count, 1); else gelu_loop_neon(x, y, count, 0);
}
#endif

static void softmax_row_portable(const float *x, float *y, ptrdiff_t depth, float beta) {
  float maximum = -INFINITY, sum = 0;
  for (ptrdiff_t i = 0; i < depth; i++) maximum = x[i] > maximum ? x[i] : maximum;
  for (ptrdiff_t i = 0; i < depth; i++) { y[i] = exp_scalar((x[i] - maximum) * beta); sum += y[i]; }
  for (ptrdiff_t i = 0; i < depth; i++) y[i] /= sum;
}

#define ROWS_PER_TASK 16
#define GELU_PER_TASK 16384

typedef struct {
  const float *x;
  float *y;
  ptrdiff_t rows, depth;
  float beta;
  int approximate, simd;   // simd: glean_simd()
} activation_job;

static void softmax_task(void *context, int task) {
  const activation_job *job = context;
  ptrdiff_t begin = (ptrdiff_t)task * ROWS_PER_TASK, end = begin + ROWS_PER_TASK < job->rows ? begin + ROWS_PER_TASK : job->rows;
  for (ptrdiff_t r = begin; r < end; r++) {
#if defined(__x86_64__)
    if (job->simd == GLEAN_SIMD_AVX512) { softmax_row_avx512(job->x + r * job->depth, job->y + r * job->depth, job->depth, job->beta); continue; }
    if (job->simd) { softmax_row_avx2(job->x + r * job->depth, job->y + r * job->depth, job->depth, job->beta); continue; }
#elif defined(__aarch64__)
    if (job->simd) { softmax_row_neon(job->x + r * job->depth, job->y + r * job->depth, job->depth, job->beta); continue; }
#endif
    softmax_row_portable(job->x + r * job->depth, job->y + r * job->depth, job->depth, job->beta);
  }
}

void glean_softmax_f32(glean_pool *pool, const float *x, float *y, ptrdiff_t rows, ptrdiff_t depth, float beta) {
  activation_job job = {x, y, rows, depth, beta, 0, glean_simd()};
  glean_pool_run(pool, softmax_task, &job, (int)((rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK));
}

typedef struct {
  const float *x, *scale, *mask;
  float *y;
  ptrdiff_t rows, depth;
  float beta;
  int simd;
} masked_softmax_job;

/// One row of y = x · scale (when given), + mask, written to y; rounded as the separate MUL and ADD.
static void masked_row_portable(const float *x, const float *scale, const float *mask, float *y, ptrdiff_t depth) {
  if (scale) {
    float s = *scale;
    for (ptrdiff_t i = 0; i < depth; i++) { float t = x[i] * s; y[i] = t + mask[i]; }
  } else {
    for (ptrdiff_t i = 0; i < depth; i++) y[i] = x[i] + mask[i];
  }
}

#if defined(__x86_64__)
/// masked_row_portable's values, vectorised (the same roundings); returns their maximum, so that the
/// softmax need not read the row again to find it.
__attribute__((target("avx2,fma"))) GLEAN_ALIGNED
static float masked_row_avx2(const float *x, const float *scale, const float *mask, float *y, ptrdiff_t depth) {
  ptrdiff_t i = 0;
  __m256 vmax = _mm256_set1_ps(-INFINITY);
  if (scale) {
    __m256 s = _mm256_set1_ps(*scale);
    for (; i + 8 <= depth; i += 8) {
      __m256 t = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(x + i), s), _mm256_loadu_ps(mask + i));
      _mm256_storeu_ps(y + i, t);
      vmax = _mm256_max_ps(vmax, t);
    }
  } else {
    for (; i + 8 <= depth; i += 8) {
      __m256 t = _mm256_add_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(mask + i));
      _mm256_storeu_ps(y + i, t);
      vmax = _mm256_max_ps(vmax, t);
    }
  }
  masked_row_portable(x + i, scale, mask + i, y + i, depth - i);
  float lanes[8], maximum = -INFINITY;
  _mm256_storeu_ps(lanes, vmax);
  for (int j = 0; j < 8; j++) maximum = lanes[j] > maximum ? lanes[j] : maximum;
  for (; i < depth; i++) maximum = y[i] > maximum ? y[i] : maximum;
  return maximum;
}

/// masked_row_avx2 sixteen lanes wide (the same roundings; the maximum of the same values).
__attribute__((target("avx512f,avx2,fma"))) GLEAN_ALIGNED
static float masked_row_avx512(const float *x, const float *scale, const float *mask, float *y, ptrdiff_t depth) {
  ptrdiff_t i = 0;
  __m512 vmax = _mm512_set1_ps(-INFINITY);
  if (scale) {
    __m512 s = _mm512_set1_ps(*scale);
    for (; i + 16 <= depth; i += 16) {
      __m512 t = _mm512_add_ps(_mm512_mul_ps(_mm512_loadu_ps(x + i), s), _mm512_loadu_ps(mask + i));
      _mm512_storeu_ps(y + i, t);
      vmax = _mm512_max_ps(vmax, t);
    }
  } else {
    for (; i + 16 <= depth; i += 16) {
      __m512 t = _mm512_add_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(mask + i));
      _mm512_storeu_ps(y + i, t);
      vmax = _mm512_max_ps(vmax, t);
    }
  }
  float maximum = _mm512_reduce_max_ps(vmax);
  if (i < depth) {
    float rest = masked_row_avx2(x + i, scale, mask + i, y + i, depth - i);
    maximum = rest > maximum ? rest : maximum;
  }
  return maximum;
}

/// The exponential pass of softmax_exp_row_avx512 over two rows at once (depth a multiple of 16): each row's
/// steps are that function's, in the same order, and its sum ends in the same lane order; the sums go to
/// sums[0] and sums[1]. Inlined with a constant `unit_beta`.
__attribute__((target("avx512f,avx2,fma"), always_inline))
static inline void softmax_exp_two_rows_avx512(float *y0, float *y1, ptrdiff_t depth, float beta, float maximum0, float maximum1,
                                               int unit_beta, float sums[2]) {
  __m512 m0 = _mm512_set1_ps(maximum0), m1 = _mm512_set1_ps(maximum1), b = _mm512_set1_ps(beta), lo = _mm512_set1_ps(EXP_LO);
  __m512 sum0 = _mm512_setzero_ps(), sum1 = _mm512_setzero_ps();
  for (ptrdiff_t i = 0; i < depth; i += 16) {
    __m512 t0 = _mm512_sub_ps(_mm512_loadu_ps(y0 + i), m0), t1 = _mm512_sub_ps(_mm512_loadu_ps(y1 + i), m1);
    if (!unit_beta) {
      t0 = _mm512_mul_ps(t0, b);
      t1 = _mm512_mul_ps(t1, b);
    }
    // One test for both rows (they share the mask, so padded keys are below EXP_LO in both): where only one
    // row's 16 arguments are all below, its exponentials are +0 anyway and leave its sum as it is.
    if ((_mm512_cmp_ps_mask(t0, lo, _CMP_LT_OQ) & _mm512_cmp_ps_mask(t1, lo, _CMP_LT_OQ)) == 0xFFFF) {
      _mm512_storeu_ps(y0 + i, _mm512_setzero_ps());
      _mm512_storeu_ps(y1 + i, _mm512_setzero_ps());
      continue;
    }
    __m512 e0 = exp_nonpositive_avx512(t0), e1 = exp_nonpositive_avx512(t1);
    _mm512_storeu_ps(y0 + i, e0);
    _mm512_storeu_ps(y1 + i, e1);
    sum0 = _mm512_add_ps(sum0, e0);
    sum1 = _mm512_add_ps(sum1, e1);
  }
  sums[0] = glean_lane_sum_avx2(_mm512_castps512_ps256(sum0), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(sum0), 1)));
  sums[1] = glean_lane_sum_avx2(_mm512_castps512_ps256(sum1), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(sum1), 1)));
}

/// Rows x0 and x1 of glean_masked_softmax_rows into y0 and y1 (depth a multiple of 16, beta ≥ 0), each through
/// exactly masked_row_avx512's and softmax_normalize_avx512's operations: their values bit for bit. One row
/// is a chain of dependent steps (the maximum, then the exponentials, then their sum and its inverse) that
/// leaves the core waiting at each joint; two rows side by side give it independent work there. On AMD Zen 5
/// the masked softmax of an attention block went from 0.227 to 0.186 ns per value (activation_microbench.c,
/// best of six runs each), the QA model at one thread from 20.2 to 19.8 ms.
__attribute__((target("avx512f,avx2,fma"))) GLEAN_ALIGNED
static void masked_softmax_two_rows_avx512(const float *x0, const float *x1, const float *scale, const float *mask, float *y0,
                                           float *y1, ptrdiff_t depth, float beta) {
  __m512 vmax0 = _mm512_set1_ps(-INFINITY), vmax1 = vmax0, s = _mm512_set1_ps(scale ? *scale : 1.0f);
  for (ptrdiff_t i = 0; i < depth; i += 16) {
    __m512 v0 = _mm512_loadu_ps(x0 + i), v1 = _mm512_loadu_ps(x1 + i), m = _mm512_loadu_ps(mask + i);
    if (scale) {
      v0 = _mm512_mul_ps(v0, s);
      v1 = _mm512_mul_ps(v1, s);
    }
    __m512 t0 = _mm512_add_ps(v0, m), t1 = _mm512_add_ps(v1, m);
    _mm512_storeu_ps(y0 + i, t0);
    _mm512_storeu_ps(y1 + i, t1);
    vmax0 = _mm512_max_ps(vmax0, t0);
    vmax1 = _mm512_max_ps(vmax1, t1);
  }
  float sums[2];
  if (beta == 1.0f) {
    softmax_exp_two_rows_avx512(y0, y1, depth, beta, _mm512_reduce_max_ps(vmax0), _mm512_reduce_max_ps(vmax1), 1, sums);
  } else {
    softmax_exp_two_rows_avx512(y0, y1, depth, beta, _mm512_reduce_max_ps(vmax0), _mm512_reduce_max_ps(vmax1), 0, sums);
  }
  __m512 inverse0 = _mm512_set1_ps(1.0f / sums[0]), inverse1 = _mm512_set1_ps(1.0f / sums[1]);
  for (ptrdiff_t i = 0; i < depth; i += 16) {
    _mm512_storeu_ps(y0 + i, _mm512_mul_ps(_mm512_loadu_ps(y0 + i), inverse0));
    _mm512_storeu_ps(y1 + i, _mm512_mul_ps(_mm512_loadu_ps(y1 + i), inverse1));
  }
}
#elif defined(__aarch64__)
/// masked_row_avx2 with NEON.
static float masked_row_neon(const float *x, const float *scale, const float *mask, float *y, ptrdiff_t depth) {
  ptrdiff_t i = 0;
  float32x4_t vmax = vdupq_n_f32(-INFINITY);
  float32x4_t s = vdupq_n_f32(scale ? *scale : 1.0f);
  for (; i + 4 <= depth; i += 4) {
    float32x4_t v = vld1q_f32(x + i);
    if (scale) v = vmulq_f32(v, s);
    float32x4_t t = vaddq_f32(v, vld1q_f32(mask + i));
    vst1q_f32(y + i, t);
    vmax = vmaxq_f32(vmax, t);
  }
  masked_row_portable(x + i, scale, mask + i, y + i, depth - i);
  float maximum = vmaxvq_f32(vmax);
  for (; i < depth; i++) maximum = y[i] > maximum ? y[i] : maximum;
  return maximum;
}
#endif

void glean_masked_softmax_rows(const float *x, const float *scale, const float *mask, float *y, ptrdiff_t rows,
                               ptrdiff_t depth, float beta, int simd) {
  ptrdiff_t r = 0;
#if defined(__x86_64__)
  if (simd == GLEAN_SIMD_AVX512 && depth % 16 == 0 && beta >= 0) {
    for (; r + 2 <= rows; r += 2) {
      masked_softmax_two_rows_avx512(x + r * depth, x + (r + 1) * depth, scale, mask, y + r * depth, y + (r + 1) * depth, depth, beta);
    }
  }
#endif
  for (; r < rows; r++) {
    const float *xr = x + r * depth;
    float *yr = y + r * depth;
#if defined(__x86_64__)
    if (simd == GLEAN_SIMD_AVX512) {
      float maximum = masked_row_avx512(xr, scale, mask, yr, depth);
      softmax_normalize_avx512(yr, yr, depth, beta, maximum);
      continue;
    }
    if (simd) {
      float maximum = masked_row_avx2(xr, scale, mask, yr, depth);
      softmax_normalize_avx2(yr, yr, depth, beta, maximum);
      continue;
    }
#elif defined(__aarch64__)
    if (simd) {
      float maximum = masked_row_neon(xr, scale, mask, yr, depth);
      softmax_normalize_neon(yr, yr, depth, beta, maximum);
      continue;
    }
#endif
    masked_row_portable(xr, scale, mask, yr, depth);
    softmax_row_portable(yr, yr, depth, beta);
  }
}

static void masked_softmax_task(void *context, int task) {
  const masked_softmax_job *job = context;
  ptrdiff_t begin = (ptrdiff_t)task * ROWS_PER_TASK, end = begin + ROWS_PER_TASK < job->rows ? begin + ROWS_PER_TASK : job->rows;
  glean_masked_softmax_rows(job->x + begin * job->depth, job->scale, job->mask, job->y + begin * job->depth, end - begin,
                            job->depth, job->beta, job->simd);
}

void glean_masked_softmax_f32(glean_pool *pool, const float *x, const float *scale, const float *mask, float *y,
                              ptrdiff_t rows, ptrdiff_t depth, float beta) {
  masked_softmax_job job = {x, scale, mask, y, rows, depth, beta, glean_simd()};
  glean_pool_run(pool, masked_softmax_task, &job, (int)((rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK));
}

static void gelu_portable(const float *x, float *y, ptrdiff_t count, int approximate);

static void gelu_task(void *context, int task) {
  const activation_job *job = context;
  ptrdiff_t begin = (ptrdiff_t)task * GELU_PER_TASK, end = begin + GELU_PER_TASK < job->rows ? begin + GELU_PER_TASK : job->rows;
#if defined(__x86_64__)
  if (job->simd == GLEAN_SIMD_AVX512) { gelu_avx512(job->x + begin, job->y + begin, end - begin, job->approximate); return; }
  if (job->simd) { gelu_avx2(job->x + begin, job->y + begin, end - begin, job->approximate); return; }
#elif defined(__aarch64__)
  if (job->simd) { gelu_neon(job->x + begin, job->y + begin, end - begin, job->approximate); return; }
#endif
  gelu_portable(job->x + begin, job->y + begin, end - begin, job->approximate);
}

void glean_gelu_f32(glean_pool *pool, const float *x, float *y, ptrdiff_t count, int approximate) {
  activation_job job = {x, y, count, 1, 0, approximate, glean_simd()};
  glean_pool_run(pool, gelu_task, &job, (int)((count + GELU_PER_TASK - 1) / GELU_PER_TASK));
}

static void gelu_portable(const float *x, float *y, ptrdiff_t count, int approximate) {
  for (ptrdiff_t i = 0; i < count; i++) {
    y[i] = gelu_scalar(x[i], approximate);
  }
}
