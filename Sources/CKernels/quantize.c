// Per-row input quantization of hybrid kernels (AVX-512F, AVX2, NEON, portable), bit for bit as Glean's reference
// (Sources/TFLiteKernels/Support/HybridQuantization.swift, itself LiteRT's tensor_utils):
// min/max ignoring NaN, float scale, rounding half away from zero, NaN → 0, clamping.
// Results are stored in the form the hybrid GEMM's weights are packed for (see qgemm.c):
// - int16 with the row's zero point already subtracted (q − zp, in [−255, 255]): dot(q − zp, w) equals
//   LiteRT's dot(q, w) − zp · Σw exactly in int32 (both wrap modulo 2³²), so that GEMM needs no column sums;
// - uint8 q + 128 (in [0, 255]), the unsigned operand of vpdpbusd; that GEMM subtracts (zp + 128) · Σw.
#include "glean_kernels.h"
#include "internal.h"
#include <math.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

#pragma clang fp contract(off)

/// The range of a row: min and max starting from `start` (NaN is skipped, as Swift's min/max do).
static void row_range_portable(const float *x, int k, float start, float *low, float *high) {
  float lo = start, hi = start;
  for (int i = 0; i < k; i++) {
    lo = x[i] < lo ? x[i] : lo;
    hi = x[i] > hi ? x[i] : hi;
  }
  *low = lo; *high = hi;
}

/// One row's quantization, scalar: scales, rounds half away from zero, zeroes NaN, clamps to [−bound, bound];
/// then adds zp, clamps to [lo, hi] in integers and subtracts zp again, storing q − zp to q16 or q + 128 to q8.
/// The vector versions below do the same and hand it their last partial vector.
static void quantize_row_portable(const float *x, int k, float inverse, float bound, int32_t zp, int32_t lo, int32_t hi,
                                  int16_t *q16, uint8_t *q8) {
  for (int i = 0; i < k; i++) {
    float r = roundf(x[i] * inverse);
    if (isnan(r)) r = 0;
    r = r < -bound ? -bound : (r > bound ? bound : r);
    int32_t v = (int32_t)r + zp;
    v = v < lo ? lo : (v > hi ? hi : v);
    if (q16) q16[i] = (int16_t)(v - zp); else q8[i] = (uint8_t)(v + 128);
  }
}

#if defined(__x86_64__)
/// The range of a row with AVX2: two vectors per step, each into its own pair of running min and max (a
/// single pair would make every step wait for the previous one's vminps and vmaxps).
__attribute__((target("avx2"))) GLEAN_ALIGNED
static void row_range_avx2(const float *x, int k, float start, float *low, float *high) {
  __m256 lo0 = _mm256_set1_ps(start), hi0 = lo0, lo1 = lo0, hi1 = lo0;
  int i = 0;
  // vminps/vmaxps return the second operand when either is NaN: a NaN element keeps the running value.
  for (; i + 16 <= k; i += 16) {
    __m256 v0 = _mm256_loadu_ps(x + i), v1 = _mm256_loadu_ps(x + i + 8);
    lo0 = _mm256_min_ps(v0, lo0); hi0 = _mm256_max_ps(v0, hi0);
    lo1 = _mm256_min_ps(v1, lo1); hi1 = _mm256_max_ps(v1, hi1);
  }
  for (; i + 8 <= k; i += 8) {
    __m256 v = _mm256_loadu_ps(x + i);
    lo0 = _mm256_min_ps(v, lo0); hi0 = _mm256_max_ps(v, hi0);
  }
  // Neither pair holds a NaN unless the start is one, and then every lane does: the combinations keep it.
  // Lanes are folded in halves, an order that can only change which of −0 and +0 comes out, and no
  // quantization depends on that sign (|·| in the symmetric range, and −0 and +0 give the same scale and
  // zero point in the asymmetric one).
  __m256 lo = _mm256_min_ps(lo1, lo0), hi = _mm256_max_ps(hi1, hi0);
  __m128 l4 = _mm_min_ps(_mm256_extractf128_ps(lo, 1), _mm256_castps256_ps128(lo));
  __m128 h4 = _mm_max_ps(_mm256_extractf128_ps(hi, 1), _mm256_castps256_ps128(hi));
  l4 = _mm_min_ps(_mm_movehl_ps(l4, l4), l4);
  h4 = _mm_max_ps(_mm_movehl_ps(h4, h4), h4);
  float rl = _mm_cvtss_f32(_mm_min_ss(_mm_shuffle_ps(l4, l4, 1), l4));
  float rh = _mm_cvtss_f32(_mm_max_ss(_mm_shuffle_ps(h4, h4, 1), h4));
  for (; i < k; i++) { rl = x[i] < rl ? x[i] : rl; rh = x[i] > rh ? x[i] : rh; }
  *low = rl; *high = rh;
}

/// q − zp for 8 values, as int32: x · inverse rounded half away from zero, clamped to [low, high]; a NaN
/// comes out as INT32_MIN (the conversion's "integer indefinite"), which the callers turn into 0 after
/// packing. Rounding is trunc(v + copysign(0.49999997, v)), with the largest float below one half: equal
/// to roundf for every float (checked exhaustively over all 2^32 bit patterns: adding the constant never
/// carries a value just below a half over the integer, and a half rounds up to it). The clamp comes before
/// the truncation (the conversion truncates), which gives the same integers because the bounds are
/// integers; it keeps a NaN (vmaxps and vminps return their second operand when either is NaN).
__attribute__((target("avx2"), always_inline))
static inline __m256i quantize8_avx2(const float *x, __m256 inverse, __m256 low, __m256 high) {
  __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x), inverse);
  __m256 nudge = _mm256_or_ps(_mm256_set1_ps(0.49999997f), _mm256_and_ps(v, _mm256_set1_ps(-0.0f)));
  v = _mm256_add_ps(v, nudge);
  return _mm256_cvttps_epi32(_mm256_min_ps(high, _mm256_max_ps(low, v)));
}

/// Packed int16 values of quantize8_avx2, with a NaN's INT32_MIN (saturated to −32768 by the packing; every
/// other value is within [−256, 256]) replaced by 0, as the scalar code zeroes a NaN.
__attribute__((target("avx2"), always_inline))
static inline __m256i zero_nan_256(__m256i packed) {
  return _mm256_andnot_si256(_mm256_cmpeq_epi16(packed, _mm256_set1_epi16(INT16_MIN)), packed);
}

__attribute__((target("avx2"), always_inline))
static inline __m128i zero_nan_128(__m128i packed) {
  return _mm_andnot_si128(_mm_cmpeq_epi16(packed, _mm_set1_epi16(INT16_MIN)), packed);
}

/// quantize_row_portable with AVX2: the two clamps become one (below), q + 128 is q − zp + (zp + 128).
__attribute__((target("avx2"))) GLEAN_ALIGNED
static void quantize_row_avx2(const float *x, int k, float inverse, float bound, int32_t zp, int32_t lo, int32_t hi,
                              int16_t *q16, uint8_t *q8) {
  // clamp(round + zp, lo, hi) − zp is clamp(round, lo − zp, hi − zp): one float clamp to the tighter of
  // [−bound, bound] and [lo − zp, hi − zp] (all small integers, exact in float).
  float low = (float)(lo - zp) > -bound ? (float)(lo - zp) : -bound;
  float high = (float)(hi - zp) < bound ? (float)(hi - zp) : bound;
  __m256 inv = _mm256_set1_ps(inverse), vmin = _mm256_set1_ps(low), vmax = _mm256_set1_ps(high);
  int i = 0;
  if (q16) {
    for (; i + 16 <= k; i += 16) {
      __m256i v0 = quantize8_avx2(x + i, inv, vmin, vmax), v1 = quantize8_avx2(x + i + 8, inv, vmin, vmax);
      // packs works within 128-bit lanes: [v0 low, v1 low, v0 high, v1 high] → reorder the quarters.
      __m256i packed = _mm256_permute4x64_epi64(zero_nan_256(_mm256_packs_epi32(v0, v1)), 0xD8);   // q − zp, exact
      _mm256_storeu_si256((__m256i *)(q16 + i), packed);
    }
    for (; i + 8 <= k; i += 8) {
      __m256i v = quantize8_avx2(x + i, inv, vmin, vmax);
      _mm_storeu_si128((__m128i *)(q16 + i), zero_nan_128(_mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1))));
    }
  } else {
    __m128i offset = _mm_set1_epi16((int16_t)(zp + 128));
    for (; i + 8 <= k; i += 8) {
      __m256i v = quantize8_avx2(x + i, inv, vmin, vmax);
      __m128i packed = zero_nan_128(_mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)));
      __m128i u = _mm_add_epi16(packed, offset);   // in [0, 255]
      _mm_storel_epi64((__m128i *)(q8 + i), _mm_packus_epi16(u, u));
    }
  }
  quantize_row_portable(x + i, k - i, inverse, bound, zp, lo, hi, q16 ? q16 + i : NULL, q16 ? NULL : q8 + i);
}
#endif

#if defined(__aarch64__)
/// row_range_avx2 with NEON: a NaN element is replaced by the running value before the comparison, so it
/// keeps that value (fminnm/fmaxnm would not do: a signalling NaN makes them return NaN); a NaN start
/// stays, as on the other paths.
static void row_range_neon(const float *x, int k, float start, float *low, float *high) {
  if (start != start) { *low = start; *high = start; return; }
  float32x4_t lo = vdupq_n_f32(start), hi = lo;
  int i = 0;
  for (; i + 4 <= k; i += 4) {
    float32x4_t v = vld1q_f32(x + i);
    uint32x4_t number = vceqq_f32(v, v);
    lo = vminq_f32(lo, vbslq_f32(number, v, lo));
    hi = vmaxq_f32(hi, vbslq_f32(number, v, hi));
  }
  float rl = vminvq_f32(lo), rh = vmaxvq_f32(hi);
  for (; i < k; i++) { rl = x[i] < rl ? x[i] : rl; rh = x[i] > rh ? x[i] : rh; }
  *low = rl; *high = rh;
}

/// quantize8_avx2 with NEON, four values: the same roundings, the clamp before the truncating conversion.
static inline int32x4_t quantize4_neon(const float *x, float32x4_t inverse, float32x4_t low, float32x4_t high) {
  float32x4_t v = vmulq_f32(vld1q_f32(x), inverse);
  uint32x4_t sign = vandq_u32(vreinterpretq_u32_f32(v), vdupq_n_u32(0x80000000u));
  float32x4_t nudge = vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(vdupq_n_f32(0.49999997f)), sign));
  v = vaddq_f32(v, nudge);
  v = vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(v), vceqq_f32(v, v)));   // NaN → 0
  return vcvtq_s32_f32(vminq_f32(vmaxq_f32(v, low), high));
}

/// quantize_row_avx2 with NEON.
static void quantize_row_neon(const float *x, int k, float inverse, float bound, int32_t zp, int32_t lo, int32_t hi,
                              int16_t *q16, uint8_t *q8) {
  float low = (float)(lo - zp) > -bound ? (float)(lo - zp) : -bound;
  float high = (float)(hi - zp) < bound ? (float)(hi - zp) : bound;
  float32x4_t inv = vdupq_n_f32(inverse), vmin = vdupq_n_f32(low), vmax = vdupq_n_f32(high);
  int i = 0;
  if (q16) {
    for (; i + 8 <= k; i += 8) {
      int16x8_t packed = vcombine_s16(vmovn_s32(quantize4_neon(x + i, inv, vmin, vmax)), vmovn_s32(quantize4_neon(x + i + 4, inv, vmin, vmax)));
      vst1q_s16(q16 + i, packed);   // q − zp, in [−255, 255]: exact in int16
    }
  } else {
    int16x8_t offset = vdupq_n_s16((int16_t)(zp + 128));
    for (; i + 8 <= k; i += 8) {
      int16x8_t packed = vcombine_s16(vmovn_s32(quantize4_neon(x + i, inv, vmin, vmax)), vmovn_s32(quantize4_neon(x + i + 4, inv, vmin, vmax)));
      vst1_u8(q8 + i, vqmovun_s16(vaddq_s16(packed, offset)));   // in [0, 255]
    }
  }
  quantize_row_portable(x + i, k - i, inverse, bound, zp, lo, hi, q16 ? q16 + i : NULL, q16 ? NULL : q8 + i);
}
#endif

/// A row of zeros in either form.
static void zero_row(int k, int16_t *q16, uint8_t *q8) {
  if (q16) memset(q16, 0, (size_t)k * sizeof(int16_t)); else memset(q8, 128, (size_t)k);
}

/// How one row is quantized, from its range: LiteRT's scale and zero point, the bounds of q, and whether
/// the row is all zeros (then it is stored as zeros with scale 1).
typedef struct {
  float inverse, bound, scale;
  int32_t zp, lo, hi;
  int zero;
} row_quantization;

/// The parameters of a row from its scale, inverse and zero point: the bounds of q in each mode (symmetric:
/// [−127, 127]; asymmetric: q in [−128, 127], q − zp within ±256), or an all-zero row (zeros, scale 1).
static row_quantization row_quantization_of(int asymmetric, int zero, float scale, float inverse, int32_t zp) {
  row_quantization p = {0};
  if (zero) { p.zero = 1; p.scale = 1; return p; }
  p.scale = scale;
  p.inverse = inverse;
  if (asymmetric) { p.bound = 256; p.lo = -128; p.hi = 127; p.zp = zp; }
  else { p.bound = 127; p.lo = -127; p.hi = 127; }
  return p;
}

static row_quantization row_parameters(float low, float high, int asymmetric) {
  if (!asymmetric) {
    float range = fabsf(low) > fabsf(high) ? fabsf(low) : fabsf(high);
    if (range == 0) return row_quantization_of(0, 1, 0, 0, 0);
    return row_quantization_of(0, 0, range / 127.0f, 127.0f / range, 0);
  }
  if (low == high) return row_quantization_of(1, 1, 0, 0, 0);
  float scale = (high - low) / 255.0f;
  double rmin = low, rmax = high, s = scale;
  double from_min = -128.0 - rmin / s, from_max = 127.0 - rmax / s;
  double error_min = 128.0 + fabs(rmin / s), error_max = 127.0 + fabs(rmax / s);
  double zpd = error_min < error_max ? from_min : from_max;
  int32_t zp;
  if (zpd != zpd) zp = 0;   // NaN, from an infinite value (∞ / ∞): as the reference, so the row quantizes to zeros
  else if (zpd <= -128.0) zp = -128;
  else if (zpd >= 127.0) zp = 127;
  else zp = (int32_t)round(zpd);
  return row_quantization_of(1, 0, scale, 1.0f / scale, zp);
}

// Rows are taken in groups: the ranges and parameters of a whole group first, then its rows quantized.
// Each row's parameters are a chain of divisions (~50 cycles for an asymmetric row) that its own
// quantization must wait for; computed a group ahead, they overlap with the next rows' range passes, and
// with AVX2 or NEON a whole group's are computed at once, one lane per row.
#define QUANTIZE_GROUP 8

#if defined(__x86_64__)
/// row_parameters of eight rows with AVX2, lane by lane the same IEEE operations in the same order (float
/// lanes for the scale and its inverse, double lanes for the zero point), so the same results bit for bit.
__attribute__((target("avx2"))) GLEAN_ALIGNED
static void row_parameters8_avx2(const float low[QUANTIZE_GROUP], const float high[QUANTIZE_GROUP], int asymmetric,
                                 row_quantization out[QUANTIZE_GROUP]) {
  __m256 lo = _mm256_loadu_ps(low), hi = _mm256_loadu_ps(high);
  float scale[QUANTIZE_GROUP], inverse[QUANTIZE_GROUP];
  int32_t zp[QUANTIZE_GROUP] = {0};
  int zero;
  if (!asymmetric) {
    __m256 magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    // vmaxps(a, b) is a > b ? a : b, NaN included, as the scalar comparison.
    __m256 range = _mm256_max_ps(_mm256_and_ps(lo, magnitude), _mm256_and_ps(hi, magnitude));
    zero = _mm256_movemask_ps(_mm256_cmp_ps(range, _mm256_setzero_ps(), _CMP_EQ_OQ));
    _mm256_storeu_ps(inverse, _mm256_div_ps(_mm256_set1_ps(127.0f), range));
    _mm256_storeu_ps(scale, _mm256_div_ps(range, _mm256_set1_ps(127.0f)));
  } else {
    zero = _mm256_movemask_ps(_mm256_cmp_ps(lo, hi, _CMP_EQ_OQ));
    __m256 s = _mm256_div_ps(_mm256_sub_ps(hi, lo), _mm256_set1_ps(255.0f));
    _mm256_storeu_ps(scale, s);
    _mm256_storeu_ps(inverse, _mm256_div_ps(_mm256_set1_ps(1.0f), s));
    __m256d sign = _mm256_set1_pd(-0.0);
    for (int half = 0; half < 2; half++) {
      __m128 lo4 = half ? _mm256_extractf128_ps(lo, 1) : _mm256_castps256_ps128(lo);
      __m128 hi4 = half ? _mm256_extractf128_ps(hi, 1) : _mm256_castps256_ps128(hi);
      __m128 s4 = half ? _mm256_extractf128_ps(s, 1) : _mm256_castps256_ps128(s);
      __m256d sd = _mm256_cvtps_pd(s4);
      __m256d a = _mm256_div_pd(_mm256_cvtps_pd(lo4), sd), b = _mm256_div_pd(_mm256_cvtps_pd(hi4), sd);
      __m256d from_min = _mm256_sub_pd(_mm256_set1_pd(-128.0), a), from_max = _mm256_sub_pd(_mm256_set1_pd(127.0), b);
      __m256d error_min = _mm256_add_pd(_mm256_set1_pd(128.0), _mm256_andnot_pd(sign, a));
      __m256d error_max = _mm256_add_pd(_mm256_set1_pd(127.0), _mm256_andnot_pd(sign, b));
      __m256d zpd = _mm256_blendv_pd(from_max, from_min, _mm256_cmp_pd(error_min, error_max, _CMP_LT_OQ));
      // round(): trunc(zpd + copysign(largest double below ½, zpd)), exact for |zpd| < 2⁵² (only (−128, 127) is kept).
      __m256d nudge = _mm256_or_pd(_mm256_set1_pd(0.49999999999999994), _mm256_and_pd(zpd, sign));
      __m256d r = _mm256_round_pd(_mm256_add_pd(zpd, nudge), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
      r = _mm256_blendv_pd(r, _mm256_set1_pd(-128.0), _mm256_cmp_pd(zpd, _mm256_set1_pd(-128.0), _CMP_LE_OQ));
      r = _mm256_blendv_pd(r, _mm256_set1_pd(127.0), _mm256_cmp_pd(zpd, _mm256_set1_pd(127.0), _CMP_GE_OQ));
      r = _mm256_blendv_pd(r, _mm256_setzero_pd(), _mm256_cmp_pd(zpd, zpd, _CMP_UNORD_Q));   // NaN: 0
      _mm_storeu_si128((__m128i *)(zp + 4 * half), _mm256_cvttpd_epi32(r));
    }
  }
  for (int g = 0; g < QUANTIZE_GROUP; g++) out[g] = row_quantization_of(asymmetric, zero >> g & 1, scale[g], inverse[g], zp[g]);
}

/// row_range_avx2 with AVX-512F: sixteen lanes, four pairs of running min and max (with two, every step
/// waited on the one before: vminps and vmaxps take two cycles, and two of them issue a cycle), and the last
/// partial vector read by a masked load whose other lanes hold `start`, which is in the range already. The same
/// minimum and maximum (NaN elements skipped the same way; lanes folded in another order, which can only change
/// which of −0 and +0 comes out: see row_range_avx2).
__attribute__((target("avx512f,avx2"), always_inline))
static inline void row_range_avx512(const float *x, int k, float start, float *low, float *high) {
  __m512 s = _mm512_set1_ps(start);
  __m512 lo0 = s, hi0 = s, lo1 = s, hi1 = s, lo2 = s, hi2 = s, lo3 = s, hi3 = s;
  int i = 0;
  for (; i + 64 <= k; i += 64) {
    __m512 v0 = _mm512_loadu_ps(x + i), v1 = _mm512_loadu_ps(x + i + 16);
    __m512 v2 = _mm512_loadu_ps(x + i + 32), v3 = _mm512_loadu_ps(x + i + 48);
    lo0 = _mm512_min_ps(v0, lo0); hi0 = _mm512_max_ps(v0, hi0);
    lo1 = _mm512_min_ps(v1, lo1); hi1 = _mm512_max_ps(v1, hi1);
    lo2 = _mm512_min_ps(v2, lo2); hi2 = _mm512_max_ps(v2, hi2);
    lo3 = _mm512_min_ps(v3, lo3); hi3 = _mm512_max_ps(v3, hi3);
  }
  for (; i + 16 <= k; i += 16) {
    __m512 v = _mm512_loadu_ps(x + i);
    lo0 = _mm512_min_ps(v, lo0); hi0 = _mm512_max_ps(v, hi0);
  }
  if (i < k) {
    __m512 v = _mm512_mask_loadu_ps(s, (__mmask16)((1u << (k - i)) - 1), x + i);
    lo1 = _mm512_min_ps(v, lo1); hi1 = _mm512_max_ps(v, hi1);
  }
  __m512 lo = _mm512_min_ps(_mm512_min_ps(lo3, lo2), _mm512_min_ps(lo1, lo0));
  __m512 hi = _mm512_max_ps(_mm512_max_ps(hi3, hi2), _mm512_max_ps(hi1, hi0));
  *low = _mm512_reduce_min_ps(lo);
  *high = _mm512_reduce_max_ps(hi);
}

/// quantize_row_avx2's uint8 form (q + 128, for the VNNI GEMM) with AVX-512F, sixteen values per step: the
/// same rounding and clamp as quantize8_avx2, then + (zp + 128) and narrowed to the low byte (every value but a
/// NaN's lies in [0, 255]; a NaN comes out of the conversion as INT32_MIN, whose low byte is 0, so narrowing by
/// truncation, vpmovdb, stores zp + 128: what a NaN quantized to 0 stores). The last partial vector is loaded
/// and stored under a mask.
__attribute__((target("avx512f,avx2"), always_inline))
static inline void quantize_row_u8_avx512(const float *x, int k, row_quantization p, uint8_t *q8) {
  float low = (float)(p.lo - p.zp) > -p.bound ? (float)(p.lo - p.zp) : -p.bound;
  float high = (float)(p.hi - p.zp) < p.bound ? (float)(p.hi - p.zp) : p.bound;
  __m512 inv = _mm512_set1_ps(p.inverse), vmin = _mm512_set1_ps(low), vmax = _mm512_set1_ps(high);
  __m512i offset = _mm512_set1_epi32(p.zp + 128);
  __m512i half = _mm512_castps_si512(_mm512_set1_ps(0.49999997f)), sign = _mm512_castps_si512(_mm512_set1_ps(-0.0f));
#define QUANTIZE16(v)                                                                                              \
  ({                                                                                                               \
    __m512 scaled = _mm512_mul_ps((v), inv);                                                                       \
    __m512 nudge = _mm512_castsi512_ps(_mm512_or_si512(half, _mm512_and_si512(_mm512_castps_si512(scaled), sign))); \
    _mm512_add_epi32(_mm512_cvttps_epi32(_mm512_min_ps(vmax, _mm512_max_ps(vmin, _mm512_add_ps(scaled, nudge)))), offset); \
  })
  int i = 0;
  for (; i + 32 <= k; i += 32) {
    __m512i a = QUANTIZE16(_mm512_loadu_ps(x + i)), b = QUANTIZE16(_mm512_loadu_ps(x + i + 16));
    _mm_storeu_si128((__m128i *)(q8 + i), _mm512_cvtepi32_epi8(a));
    _mm_storeu_si128((__m128i *)(q8 + i + 16), _mm512_cvtepi32_epi8(b));
  }
  for (; i + 16 <= k; i += 16) _mm_storeu_si128((__m128i *)(q8 + i), _mm512_cvtepi32_epi8(QUANTIZE16(_mm512_loadu_ps(x + i))));
  if (i < k) {
    __mmask16 live = (__mmask16)((1u << (k - i)) - 1);
    _mm512_mask_cvtepi32_storeu_epi8(q8 + i, live, QUANTIZE16(_mm512_maskz_loadu_ps(live, x + i)));
  }
#undef QUANTIZE16
}

/// Rows 0 ..< count (at most QUANTIZE_GROUP) of x to uint8 q + 128 with AVX-512F, in one function: ranges
/// (row_range_avx512), parameters (row_parameters8_avx2 for a whole group), then the values
/// (quantize_row_u8_avx512) and the rows' padding. The same bytes, scales and zero points as the AVX2 path
/// (kernel_check.c compares them); row by row, with a call per row and AVX2 and scalar tails, it took 15.4 ns
/// for a row of 128 values where this takes 12.4–12.9 (AMD Zen 5).
__attribute__((target("avx512f,avx2"))) GLEAN_ALIGNED
static void quantize_group_u8_avx512(const float *x, int k, int asymmetric, int count, uint8_t *q8, float *scales,
                                     int32_t *zero_points) {
  int stride = (k + 3) & ~3;
  float lows[QUANTIZE_GROUP], highs[QUANTIZE_GROUP];
  for (int g = 0; g < count; g++) {
    const float *row = x + (size_t)g * k;
    row_range_avx512(row, k, asymmetric ? 0.0f : (k > 0 ? row[0] : 0.0f), &lows[g], &highs[g]);
  }
  row_quantization parameters[QUANTIZE_GROUP];
  if (count == QUANTIZE_GROUP) row_parameters8_avx2(lows, highs, asymmetric, parameters);
  else for (int g = 0; g < count; g++) parameters[g] = row_parameters(lows[g], highs[g], asymmetric);
  for (int g = 0; g < count; g++) {
    const row_quantization p = parameters[g];
    uint8_t *out = q8 + (size_t)g * stride;
    for (int i = k; i < stride; i++) out[i] = 128;
    scales[g] = p.scale;
    zero_points[g] = p.zp;
    if (p.zero) memset(out, 128, (size_t)k);
    else quantize_row_u8_avx512(x + (size_t)g * k, k, p, out);
  }
}
#elif defined(__aarch64__)
/// row_parameters8_avx2 with NEON: two float vectors for the scale and its inverse, four double vectors
/// for the zero point (rounded by vrndaq, half away from zero as round() does); the same results.
static void row_parameters8_neon(const float low[QUANTIZE_GROUP], const float high[QUANTIZE_GROUP], int asymmetric,
                                 row_quantization out[QUANTIZE_GROUP]) {
  float scale[QUANTIZE_GROUP], inverse[QUANTIZE_GROUP];
  int32_t zp[QUANTIZE_GROUP] = {0};
  uint32_t zero[QUANTIZE_GROUP];
  for (int half = 0; half < 2; half++) {
    float32x4_t lo = vld1q_f32(low + 4 * half), hi = vld1q_f32(high + 4 * half);
    if (!asymmetric) {
      float32x4_t a = vabsq_f32(lo), b = vabsq_f32(hi);
      float32x4_t range = vbslq_f32(vcgtq_f32(a, b), a, b);   // a > b ? a : b, NaN included, as the scalar code
      vst1q_u32(zero + 4 * half, vceqq_f32(range, vdupq_n_f32(0.0f)));
      vst1q_f32(inverse + 4 * half, vdivq_f32(vdupq_n_f32(127.0f), range));
      vst1q_f32(scale + 4 * half, vdivq_f32(range, vdupq_n_f32(127.0f)));
      continue;
    }
    vst1q_u32(zero + 4 * half, vceqq_f32(lo, hi));
    float32x4_t s = vdivq_f32(vsubq_f32(hi, lo), vdupq_n_f32(255.0f));
    vst1q_f32(scale + 4 * half, s);
    vst1q_f32(inverse + 4 * half, vdivq_f32(vdupq_n_f32(1.0f), s));
    float64x2_t los[2] = {vcvt_f64_f32(vget_low_f32(lo)), vcvt_high_f64_f32(lo)};
    float64x2_t his[2] = {vcvt_f64_f32(vget_low_f32(hi)), vcvt_high_f64_f32(hi)};
    float64x2_t ss[2] = {vcvt_f64_f32(vget_low_f32(s)), vcvt_high_f64_f32(s)};
    for (int q = 0; q < 2; q++) {
      float64x2_t a = vdivq_f64(los[q], ss[q]), b = vdivq_f64(his[q], ss[q]);
      float64x2_t from_min = vsubq_f64(vdupq_n_f64(-128.0), a), from_max = vsubq_f64(vdupq_n_f64(127.0), b);
      float64x2_t error_min = vaddq_f64(vdupq_n_f64(128.0), vabsq_f64(a)), error_max = vaddq_f64(vdupq_n_f64(127.0), vabsq_f64(b));
      float64x2_t zpd = vbslq_f64(vcltq_f64(error_min, error_max), from_min, from_max);
      float64x2_t r = vrndaq_f64(zpd);
      r = vbslq_f64(vcleq_f64(zpd, vdupq_n_f64(-128.0)), vdupq_n_f64(-128.0), r);
      r = vbslq_f64(vcgeq_f64(zpd, vdupq_n_f64(127.0)), vdupq_n_f64(127.0), r);
      r = vbslq_f64(vceqq_f64(zpd, zpd), r, vdupq_n_f64(0.0));   // NaN: 0
      vst1_s32(zp + 4 * half + 2 * q, vmovn_s64(vcvtq_s64_f64(r)));
    }
  }
  for (int g = 0; g < QUANTIZE_GROUP; g++) out[g] = row_quantization_of(asymmetric, zero[g] != 0, scale[g], inverse[g], zp[g]);
}
#endif

void glean_quantize_row_range(const float *x, int k, int asymmetric, int simd, int16_t *q16, uint8_t *q8, float *scales,
                              int32_t *zero_points, int begin, int end) {
  int stride16 = (k + 1) & ~1, stride8 = (k + 3) & ~3;
  (void)simd;   // unused where there is no vector path
  for (int group = begin; group < end; group += QUANTIZE_GROUP) {
    int count = end - group < QUANTIZE_GROUP ? end - group : QUANTIZE_GROUP;
#if defined(__x86_64__)
    if (simd == GLEAN_SIMD_AVX512 && !q16) {
      quantize_group_u8_avx512(x + (size_t)group * k, k, asymmetric, count, q8 + (size_t)group * stride8, scales + group, zero_points + group);
      continue;
    }
#endif
    row_quantization parameters[QUANTIZE_GROUP];
    float lows[QUANTIZE_GROUP], highs[QUANTIZE_GROUP];
    for (int g = 0; g < count; g++) {
      const float *xr = x + (size_t)(group + g) * k;
      float start = asymmetric ? 0.0f : (k > 0 ? xr[0] : 0.0f);
#if defined(__x86_64__)
      if (simd) row_range_avx2(xr, k, start, &lows[g], &highs[g]); else
#elif defined(__aarch64__)
      if (simd) row_range_neon(xr, k, start, &lows[g], &highs[g]); else
#endif
      row_range_portable(xr, k, start, &lows[g], &highs[g]);
    }
#if defined(__x86_64__)
    if (simd && count == QUANTIZE_GROUP) row_parameters8_avx2(lows, highs, asymmetric, parameters); else
#elif defined(__aarch64__)
    if (simd && count == QUANTIZE_GROUP) row_parameters8_neon(lows, highs, asymmetric, parameters); else
#endif
    for (int g = 0; g < count; g++) parameters[g] = row_parameters(lows[g], highs[g], asymmetric);
    for (int g = 0; g < count; g++) {
      int row = group + g;
      const float *xr = x + (size_t)row * k;
      const row_quantization p = parameters[g];
      int16_t *qr16 = q16 ? q16 + (size_t)row * stride16 : NULL;
      uint8_t *qr8 = q16 ? NULL : q8 + (size_t)row * stride8;
      if (qr16) { for (int i = k; i < stride16; i++) qr16[i] = 0; }
      else { for (int i = k; i < stride8; i++) qr8[i] = 128; }
      scales[row] = p.scale;
      zero_points[row] = p.zp;
      if (p.zero) { zero_row(k, qr16, qr8); continue; }
#if defined(__x86_64__)
      if (simd) { quantize_row_avx2(xr, k, p.inverse, p.bound, p.zp, p.lo, p.hi, qr16, qr8); continue; }
#elif defined(__aarch64__)
      if (simd) { quantize_row_neon(xr, k, p.inverse, p.bound, p.zp, p.lo, p.hi, qr16, qr8); continue; }
#endif
      quantize_row_portable(xr, k, p.inverse, p.bound, p.zp, p.lo, p.hi, qr16, qr8);
    }
  }
}
