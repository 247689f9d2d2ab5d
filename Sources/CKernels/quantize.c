// Per-row input quantization of hybrid kernels, bit for bit as Glean's reference
// (Sources/TFLiteKernels/Support/HybridQuantization.swift, itself LiteRT's tensor_utils):
// min/max ignoring NaN, float scale, rounding half away from zero, NaN → 0, clamping.
// Results are stored widened to int16 for the GEMM, with the row's zero point already subtracted
// (q − zp, in [−255, 255]): dot(q − zp, w) equals LiteRT's dot(q, w) − zp · Σw exactly in int32
// (both wrap modulo 2³²), so the GEMM needs no column sums.
#include "glean_kernels.h"
#include "internal.h"
#include <math.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
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

#if defined(__x86_64__)
__attribute__((target("avx2")))
static void row_range_avx2(const float *x, int k, float start, float *low, float *high) {
  __m256 lo = _mm256_set1_ps(start), hi = lo;
  int i = 0;
  // vminps/vmaxps return the second operand when either is NaN: a NaN element keeps the running value.
  for (; i + 8 <= k; i += 8) {
    __m256 v = _mm256_loadu_ps(x + i);
    lo = _mm256_min_ps(v, lo);
    hi = _mm256_max_ps(v, hi);
  }
  float l[8], h[8];
  _mm256_storeu_ps(l, lo); _mm256_storeu_ps(h, hi);
  float rl = start, rh = start;
  for (int j = 0; j < 8; j++) { rl = l[j] < rl ? l[j] : rl; rh = h[j] > rh ? h[j] : rh; }
  for (; i < k; i++) { rl = x[i] < rl ? x[i] : rl; rh = x[i] > rh ? x[i] : rh; }
  *low = rl; *high = rh;
}

/// round-half-away-from-zero of 8 floats: trunc(v + copysign(0.49999997, v)), with the largest float below
/// one half. Equal to roundf for every float (checked exhaustively over all 2^32 bit patterns: adding the
/// constant never carries a value just below a half over the integer, and a half rounds up to it);
/// NaN stays NaN.
__attribute__((target("avx2")))
static inline __m256 round_away_avx2(__m256 v) {
  __m256 sign = _mm256_and_ps(v, _mm256_set1_ps(-0.0f));
  __m256 nudge = _mm256_or_ps(_mm256_set1_ps(0.49999997f), sign);
  return _mm256_round_ps(_mm256_add_ps(v, nudge), _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
}

/// Scales, rounds, zeroes NaN, clamps to [−bound, bound]; then adds zp, clamps to [lo, hi] in integers and
/// subtracts zp again (the stored value is q − zp); the vector loop does the same with one clamp.
__attribute__((target("avx2")))
static void quantize_row_avx2(const float *x, int k, float inverse, float bound, int32_t zp, int32_t lo, int32_t hi, int16_t *q) {
  // clamp(round + zp, lo, hi) − zp is clamp(round, lo − zp, hi − zp): one float clamp to the tighter of
  // [−bound, bound] and [lo − zp, hi − zp] (all small integers, exact in float).
  float low = (float)(lo - zp) > -bound ? (float)(lo - zp) : -bound;
  float high = (float)(hi - zp) < bound ? (float)(hi - zp) : bound;
  __m256 inv = _mm256_set1_ps(inverse), vmin = _mm256_set1_ps(low), vmax = _mm256_set1_ps(high);
  int i = 0;
  for (; i + 8 <= k; i += 8) {
    __m256 r = round_away_avx2(_mm256_mul_ps(_mm256_loadu_ps(x + i), inv));
    r = _mm256_and_ps(r, _mm256_cmp_ps(r, r, _CMP_ORD_Q));   // NaN → 0, inside [low, high]
    __m256i v = _mm256_cvttps_epi32(_mm256_min_ps(_mm256_max_ps(r, vmin), vmax));
    __m128i packed = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storeu_si128((__m128i *)(q + i), packed);
  }
  for (; i < k; i++) {
    float r = roundf(x[i] * inverse);
    if (isnan(r)) r = 0;
    r = r < -bound ? -bound : (r > bound ? bound : r);
    int32_t v = (int32_t)r + zp;
    q[i] = (int16_t)((v < lo ? lo : (v > hi ? hi : v)) - zp);
  }
}
#endif

static void quantize_row_portable(const float *x, int k, float inverse, float bound, int32_t zp, int32_t lo, int32_t hi, int16_t *q) {
  for (int i = 0; i < k; i++) {
    float r = roundf(x[i] * inverse);
    if (isnan(r)) r = 0;
    r = r < -bound ? -bound : (r > bound ? bound : r);
    int32_t v = (int32_t)r + zp;
    q[i] = (int16_t)((v < lo ? lo : (v > hi ? hi : v)) - zp);
  }
}

typedef struct {
  const float *x;
  int m, k, asymmetric, avx2;
  int16_t *q;
  float *scales;
  int32_t *zero_points;
} quantize_job;

#define QUANTIZE_ROWS_PER_TASK 32

void glean_quantize_row_range(const float *x, int k, int asymmetric, int avx2, int16_t *q, float *scales, int32_t *zero_points,
                              int begin, int end) {
  int stride = glean_qgemm_row_stride(k);
  (void)avx2;
  for (int row = begin; row < end; row++) {
    const float *xr = x + (size_t)row * k;
    int16_t *qr = q + (size_t)row * stride;
    if (stride > k) qr[k] = 0;
    float low, high, start = asymmetric ? 0.0f : (k > 0 ? xr[0] : 0.0f);
#if defined(__x86_64__)
    if (avx2) row_range_avx2(xr, k, start, &low, &high); else
#endif
    row_range_portable(xr, k, start, &low, &high);
    float inverse, bound;
    int32_t zp = 0, lo, hi;
    if (!asymmetric) {
      float range = fabsf(low) > fabsf(high) ? fabsf(low) : fabsf(high);
      if (range == 0) {
        memset(qr, 0, (size_t)k * sizeof(int16_t));
        scales[row] = 1;
        if (zero_points) zero_points[row] = 0;
        continue;
      }
      inverse = 127.0f / range;
      bound = 127; lo = -127; hi = 127;
      scales[row] = range / 127.0f;
    } else {
      if (low == high) {
        memset(qr, 0, (size_t)k * sizeof(int16_t));
        scales[row] = 1;
        zero_points[row] = 0;
        continue;
      }
      float scale = (high - low) / 255.0f;
      double rmin = low, rmax = high, s = scale;
      double from_min = -128.0 - rmin / s, from_max = 127.0 - rmax / s;
      double error_min = 128.0 + fabs(rmin / s), error_max = 127.0 + fabs(rmax / s);
      double zpd = error_min < error_max ? from_min : from_max;
      if (zpd <= -128.0) zp = -128;
      else if (zpd >= 127.0) zp = 127;
      else zp = (int32_t)round(zpd);
      inverse = 1.0f / scale;
      bound = 256; lo = -128; hi = 127;
      scales[row] = scale;
      zero_points[row] = zp;
    }
#if defined(__x86_64__)
    if (avx2) { quantize_row_avx2(xr, k, inverse, bound, zp, lo, hi, qr); continue; }
#endif
    quantize_row_portable(xr, k, inverse, bound, zp, lo, hi, qr);
  }
}

static void quantize_task(void *context, int task) {
  const quantize_job *job = context;
  int begin = task * QUANTIZE_ROWS_PER_TASK, end = begin + QUANTIZE_ROWS_PER_TASK < job->m ? begin + QUANTIZE_ROWS_PER_TASK : job->m;
  glean_quantize_row_range(job->x, job->k, job->asymmetric, job->avx2, job->q, job->scales, job->zero_points, begin, end);
}

void glean_quantize_rows(glean_pool *pool, const float *x, int m, int k, int asymmetric, int16_t *q, float *scales, int32_t *zero_points) {
  quantize_job job = {x, m, k, asymmetric, glean_has_avx2_fma(), q, scales, zero_points};
  glean_pool_run(pool, quantize_task, &job, (m + QUANTIZE_ROWS_PER_TASK - 1) / QUANTIZE_ROWS_PER_TASK);
}
