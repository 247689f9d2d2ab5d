// MEAN over trailing axes, the layer-norm pattern: one contiguous row per output element. The vector
// paths (AVX2, NEON) sum in 16 interleaved partial sums combined in the same order, so they agree bit for
// bit with each other; the portable path sums in order.
#include "glean_kernels.h"
#include "internal.h"
#include <math.h>
#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

#pragma clang fp contract(off)

#define MEAN_ROWS_PER_TASK 32

typedef struct {
  const float *x;
  float *y;
  ptrdiff_t rows, depth;
  int simd;   // glean_simd()
} mean_job;

static float row_sum_portable(const float *x, ptrdiff_t n) {
  float sum = 0;
  for (ptrdiff_t i = 0; i < n; i++) sum += x[i];
  return sum;
}

#if defined(__x86_64__)
/// glean_lane_sum_avx2(s0, s1), then x[i ..< n] one by one (plain, or as squared deviations from `center`): how
/// row_sum_avx2, squared_deviation_sum_avx2 and the two-row statistics end.
__attribute__((target("avx2"), always_inline))
static inline float finish_sum_avx2(__m256 s0, __m256 s1, const float *x, ptrdiff_t i, ptrdiff_t n, int squares, float center) {
  float sum = glean_lane_sum_avx2(s0, s1);
  for (; i < n; i++) sum += squares ? (x[i] - center) * (x[i] - center) : x[i];
  return sum;
}

__attribute__((target("avx2"))) GLEAN_ALIGNED
static float row_sum_avx2(const float *x, ptrdiff_t n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0;
  ptrdiff_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_add_ps(s0, _mm256_loadu_ps(x + i));
    s1 = _mm256_add_ps(s1, _mm256_loadu_ps(x + i + 8));
  }
  return finish_sum_avx2(s0, s1, x, i, n, 0, 0);
}
#endif

#if defined(__aarch64__)
/// row_sum_avx2 with NEON: x[i + j] goes to partial sum j (j < 16) as there, and the partial sums are
/// combined in the same order ((j, j + 8) pairs, then lanes 0 … 7), so the sum is the same bit for bit.
static float row_sum_neon(const float *x, ptrdiff_t n) {
  float32x4_t s0 = vdupq_n_f32(0.0f), s1 = s0, s2 = s0, s3 = s0;
  ptrdiff_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = vaddq_f32(s0, vld1q_f32(x + i));
    s1 = vaddq_f32(s1, vld1q_f32(x + i + 4));
    s2 = vaddq_f32(s2, vld1q_f32(x + i + 8));
    s3 = vaddq_f32(s3, vld1q_f32(x + i + 12));
  }
  float lanes[8], sum = 0;
  vst1q_f32(lanes, vaddq_f32(s0, s2));
  vst1q_f32(lanes + 4, vaddq_f32(s1, s3));
  for (int j = 0; j < 8; j++) sum += lanes[j];
  for (; i < n; i++) sum += x[i];
  return sum;
}
#endif

float glean_row_mean(const float *x, ptrdiff_t depth, int simd) {
  float divisor = (float)(depth > 0 ? depth : 1);
#if defined(__x86_64__)
  if (simd) return row_sum_avx2(x, depth) / divisor;
#elif defined(__aarch64__)
  if (simd) return row_sum_neon(x, depth) / divisor;
#else
  (void)simd;
#endif
  return row_sum_portable(x, depth) / divisor;
}

static void mean_task(void *context, int task) {
  const mean_job *job = context;
  ptrdiff_t begin = (ptrdiff_t)task * MEAN_ROWS_PER_TASK;
  ptrdiff_t end = begin + MEAN_ROWS_PER_TASK < job->rows ? begin + MEAN_ROWS_PER_TASK : job->rows;
  for (ptrdiff_t r = begin; r < end; r++) job->y[r] = glean_row_mean(job->x + r * job->depth, job->depth, job->simd);
}

void glean_mean_rows_f32(glean_pool *pool, const float *x, float *y, ptrdiff_t rows, ptrdiff_t depth) {
  mean_job job = {x, y, rows, depth, glean_simd()};
  glean_pool_run(pool, mean_task, &job, (int)((rows + MEAN_ROWS_PER_TASK - 1) / MEAN_ROWS_PER_TASK));
}

// MARK: Layer normalisation

/* The layer norm converters write (MEAN, SQUARED_DIFFERENCE, MEAN, ADD ε, RSQRT, SUB, MUL, then MUL γ and
   ADD β) in three passes over each row instead of a pass per step: Σx, then Σ(x − mean)² with each square
   formed as SQUARED_DIFFERENCE forms it and summed in glean_row_mean's order on the same path, then every
   output element with the same IEEE operations in the same order. So each output is the step-by-step
   chain's bit for bit. */

typedef struct {
  const float *x, *epsilon, *gamma, *beta;
  ptrdiff_t gamma_step, beta_step;   // 1: one value per column, 0: one value
  float *normalized, *scaled, *shifted;
  ptrdiff_t rows, n;
  int simd;   // glean_simd()
} layer_norm_job;

/// Σ (x[i] − center)², summed in order (the portable glean_row_mean's order).
static float squared_deviation_sum_portable(const float *x, ptrdiff_t n, float center) {
  float sum = 0;
  for (ptrdiff_t i = 0; i < n; i++) sum += (x[i] - center) * (x[i] - center);
  return sum;
}

#if defined(__x86_64__)
/// Σ (x[i] − center)² in row_sum_avx2's order.
__attribute__((target("avx2"))) GLEAN_ALIGNED
static float squared_deviation_sum_avx2(const float *x, ptrdiff_t n, float center) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, c = _mm256_set1_ps(center);
  ptrdiff_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(x + i), c), d1 = _mm256_sub_ps(_mm256_loadu_ps(x + i + 8), c);
    s0 = _mm256_add_ps(s0, _mm256_mul_ps(d0, d0));
    s1 = _mm256_add_ps(s1, _mm256_mul_ps(d1, d1));
  }
  return finish_sum_avx2(s0, s1, x, i, n, 1, center);
}

/// The means, then 1 / sqrt(variance + ε), of rows x0 and x1 (n columns each), with exactly the operations
/// of glean_row_mean, squared_deviation_sum_avx2 and layer_norm_task, row by row. Each sum is a chain of
/// dependent additions (n / 16 of them) that the core runs one latency at a time; two rows' chains side by
/// side overlap. A 384 × 384 layer norm: 0.041 → 0.036 ms (activation_microbench.c, AMD Zen 5).
__attribute__((target("avx2"))) GLEAN_ALIGNED
static void layer_norm_statistics_two_rows_avx2(const float *x0, const float *x1, ptrdiff_t n, float epsilon, float mean[2],
                                                float inverse[2]) {
  float divisor = (float)n;
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, b0 = a0, b1 = a0;
  ptrdiff_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a0 = _mm256_add_ps(a0, _mm256_loadu_ps(x0 + i));
    a1 = _mm256_add_ps(a1, _mm256_loadu_ps(x0 + i + 8));
    b0 = _mm256_add_ps(b0, _mm256_loadu_ps(x1 + i));
    b1 = _mm256_add_ps(b1, _mm256_loadu_ps(x1 + i + 8));
  }
  mean[0] = finish_sum_avx2(a0, a1, x0, i, n, 0, 0) / divisor;
  mean[1] = finish_sum_avx2(b0, b1, x1, i, n, 0, 0) / divisor;
  __m256 c0 = _mm256_set1_ps(mean[0]), c1 = _mm256_set1_ps(mean[1]);
  a0 = a1 = b0 = b1 = _mm256_setzero_ps();
  for (i = 0; i + 16 <= n; i += 16) {
    __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(x0 + i), c0), d1 = _mm256_sub_ps(_mm256_loadu_ps(x0 + i + 8), c0);
    __m256 e0 = _mm256_sub_ps(_mm256_loadu_ps(x1 + i), c1), e1 = _mm256_sub_ps(_mm256_loadu_ps(x1 + i + 8), c1);
    a0 = _mm256_add_ps(a0, _mm256_mul_ps(d0, d0));
    a1 = _mm256_add_ps(a1, _mm256_mul_ps(d1, d1));
    b0 = _mm256_add_ps(b0, _mm256_mul_ps(e0, e0));
    b1 = _mm256_add_ps(b1, _mm256_mul_ps(e1, e1));
  }
  float squares0 = finish_sum_avx2(a0, a1, x0, i, n, 1, mean[0]), squares1 = finish_sum_avx2(b0, b1, x1, i, n, 1, mean[1]);
  inverse[0] = 1.0f / sqrtf(squares0 / divisor + epsilon);
  inverse[1] = 1.0f / sqrtf(squares1 / divisor + epsilon);
}
#elif defined(__aarch64__)
/// Σ (x[i] − center)² in row_sum_neon's order.
static float squared_deviation_sum_neon(const float *x, ptrdiff_t n, float center) {
  float32x4_t s0 = vdupq_n_f32(0.0f), s1 = s0, s2 = s0, s3 = s0, c = vdupq_n_f32(center);
  ptrdiff_t i = 0;
  for (; i + 16 <= n; i += 16) {
    float32x4_t d0 = vsubq_f32(vld1q_f32(x + i), c), d1 = vsubq_f32(vld1q_f32(x + i + 4), c);
    float32x4_t d2 = vsubq_f32(vld1q_f32(x + i + 8), c), d3 = vsubq_f32(vld1q_f32(x + i + 12), c);
    s0 = vaddq_f32(s0, vmulq_f32(d0, d0));
    s1 = vaddq_f32(s1, vmulq_f32(d1, d1));
    s2 = vaddq_f32(s2, vmulq_f32(d2, d2));
    s3 = vaddq_f32(s3, vmulq_f32(d3, d3));
  }
  float lanes[8], sum = 0;
  vst1q_f32(lanes, vaddq_f32(s0, s2));
  vst1q_f32(lanes + 4, vaddq_f32(s1, s3));
  for (int j = 0; j < 8; j++) sum += lanes[j];
  for (; i < n; i++) sum += (x[i] - center) * (x[i] - center);
  return sum;
}
#endif

/// Columns j ..< n of one row's outputs from its mean and 1 / sqrt(variance + ε); a NULL output is not
/// written, and the chain stops after the normalised rows without gamma, after the scaled ones without beta.
static void layer_norm_columns(const layer_norm_job *job, const float *x, ptrdiff_t r, ptrdiff_t j, float mean, float inverse) {
  ptrdiff_t n = job->n, offset = r * n;
  float *normalized = job->normalized ? job->normalized + offset : NULL;
  float *scaled = job->scaled ? job->scaled + offset : NULL, *shifted = job->shifted ? job->shifted + offset : NULL;
  for (; j < n; j++) {
    float v = (x[j] - mean) * inverse;
    if (normalized) normalized[j] = v;
    if (!job->gamma) continue;
    v = v * job->gamma[j * job->gamma_step];
    if (scaled) scaled[j] = v;
    if (!job->beta) continue;
    v = v + job->beta[j * job->beta_step];
    if (shifted) shifted[j] = v;
  }
}

#if defined(__x86_64__)
/// layer_norm_columns eight columns at a time (the same operations); the tail by layer_norm_columns.
__attribute__((target("avx2"))) GLEAN_ALIGNED
static void layer_norm_columns_avx2(const layer_norm_job *job, const float *x, ptrdiff_t r, float mean, float inverse) {
  ptrdiff_t n = job->n, offset = r * n, j = 0;
  float *normalized = job->normalized ? job->normalized + offset : NULL;
  float *scaled = job->scaled ? job->scaled + offset : NULL, *shifted = job->shifted ? job->shifted + offset : NULL;
  const float *gamma = job->gamma, *beta = job->beta;
  __m256 m = _mm256_set1_ps(mean), s = _mm256_set1_ps(inverse);
  __m256 g = gamma ? _mm256_set1_ps(gamma[0]) : m, b = beta ? _mm256_set1_ps(beta[0]) : m;
  for (; j + 8 <= n; j += 8) {
    __m256 v = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + j), m), s);
    if (normalized) _mm256_storeu_ps(normalized + j, v);
    if (!gamma) continue;
    v = _mm256_mul_ps(v, job->gamma_step ? _mm256_loadu_ps(gamma + j) : g);
    if (scaled) _mm256_storeu_ps(scaled + j, v);
    if (!beta) continue;
    v = _mm256_add_ps(v, job->beta_step ? _mm256_loadu_ps(beta + j) : b);
    if (shifted) _mm256_storeu_ps(shifted + j, v);
  }
  layer_norm_columns(job, x, r, j, mean, inverse);
}
#endif

static void layer_norm_task(void *context, int task) {
  const layer_norm_job *job = context;
  ptrdiff_t begin = (ptrdiff_t)task * MEAN_ROWS_PER_TASK, end = begin + MEAN_ROWS_PER_TASK < job->rows ? begin + MEAN_ROWS_PER_TASK : job->rows;
  ptrdiff_t n = job->n;
  float divisor = (float)n;   // as glean_row_mean divides (n ≥ 1)
  ptrdiff_t r = begin;
#if defined(__x86_64__)
  if (job->simd) {
    for (; r + 2 <= end; r += 2) {
      float mean[2], inverse[2];
      layer_norm_statistics_two_rows_avx2(job->x + r * n, job->x + (r + 1) * n, n, *job->epsilon, mean, inverse);
      layer_norm_columns_avx2(job, job->x + r * n, r, mean[0], inverse[0]);
      layer_norm_columns_avx2(job, job->x + (r + 1) * n, r + 1, mean[1], inverse[1]);
    }
  }
#endif
  for (; r < end; r++) {
    const float *x = job->x + r * n;
    float mean = glean_row_mean(x, n, job->simd), squares;
#if defined(__x86_64__)
    squares = job->simd ? squared_deviation_sum_avx2(x, n, mean) : squared_deviation_sum_portable(x, n, mean);
#elif defined(__aarch64__)
    squares = job->simd ? squared_deviation_sum_neon(x, n, mean) : squared_deviation_sum_portable(x, n, mean);
#else
    squares = squared_deviation_sum_portable(x, n, mean);
#endif
    float variance = squares / divisor;
    float inverse = 1.0f / sqrtf(variance + *job->epsilon);
#if defined(__x86_64__)
    if (job->simd) { layer_norm_columns_avx2(job, x, r, mean, inverse); continue; }
#endif
    layer_norm_columns(job, x, r, 0, mean, inverse);
  }
}

void glean_layer_norm_f32(glean_pool *pool, const float *x, const float *epsilon, const float *gamma, int gamma_per_column,
                          const float *beta, int beta_per_column, float *normalized, float *scaled, float *shifted,
                          ptrdiff_t rows, ptrdiff_t n) {
  if (rows <= 0 || n <= 0) return;
  layer_norm_job job = {x, epsilon, gamma, beta, gamma_per_column ? 1 : 0, beta_per_column ? 1 : 0, normalized, scaled, shifted,
                        rows, n, glean_simd()};
  glean_pool_run(pool, layer_norm_task, &job, (int)((rows + MEAN_ROWS_PER_TASK - 1) / MEAN_ROWS_PER_TASK));
}
