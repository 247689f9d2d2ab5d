// MEAN over trailing axes, the layer-norm pattern: one contiguous row per output element. The vector
// paths (AVX2, NEON) sum in 16 interleaved partial sums combined in the same order, so they agree bit for
// bit with each other; the portable path sums in order.
#include "glean_kernels.h"
#include "internal.h"
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
__attribute__((target("avx2")))
static float row_sum_avx2(const float *x, ptrdiff_t n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0;
  ptrdiff_t i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_add_ps(s0, _mm256_loadu_ps(x + i));
    s1 = _mm256_add_ps(s1, _mm256_loadu_ps(x + i + 8));
  }
  float lanes[8], sum = 0;
  _mm256_storeu_ps(lanes, _mm256_add_ps(s0, s1));
  for (int j = 0; j < 8; j++) sum += lanes[j];
  for (; i < n; i++) sum += x[i];
  return sum;
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
