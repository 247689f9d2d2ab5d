// DEQUANTIZE of 8-bit values with one scale and zero point: y = scale · (q − zero point). The loop is left
// to the compiler's vectoriser, once for the baseline and once for AVX2 (eight values per vpmovsxbd /
// vpmovzxbd, vcvtdq2ps, vmulps). q − zero point is an integer below 2¹⁶ in magnitude (the caller checks the
// zero point), exact in float, so the one rounding is the product's, as in the reference kernel; no FMA is
// involved.
#include "glean_kernels.h"
#include "internal.h"

#pragma clang fp contract(off)

#define DEQUANTIZE_ROW(NAME, TYPE)                                                                       \
  static void NAME(const TYPE *restrict x, float *restrict y, ptrdiff_t count, float scale, int32_t zp) { \
    for (ptrdiff_t i = 0; i < count; i++) y[i] = scale * (float)((int32_t)x[i] - zp);                   \
  }

DEQUANTIZE_ROW(dequantize_s8_portable, int8_t)
DEQUANTIZE_ROW(dequantize_u8_portable, uint8_t)
#if defined(__x86_64__)
__attribute__((target("avx2"))) DEQUANTIZE_ROW(dequantize_s8_avx2, int8_t)
__attribute__((target("avx2"))) DEQUANTIZE_ROW(dequantize_u8_avx2, uint8_t)
#endif

#define DEQUANTIZE_PER_TASK 65536   // values per task: 64 KB read, 256 KB written

typedef struct {
  const void *x;
  float *y;
  ptrdiff_t count;
  float scale;
  int32_t zero_point;
  int is_signed, avx2;
} dequantize_job;

static void dequantize_task(void *context, int task) {
  const dequantize_job *job = context;
  ptrdiff_t begin = (ptrdiff_t)task * DEQUANTIZE_PER_TASK;
  ptrdiff_t count = job->count - begin < DEQUANTIZE_PER_TASK ? job->count - begin : DEQUANTIZE_PER_TASK;
  float *y = job->y + begin;
  if (job->is_signed) {
    const int8_t *x = (const int8_t *)job->x + begin;
#if defined(__x86_64__)
    if (job->avx2) { dequantize_s8_avx2(x, y, count, job->scale, job->zero_point); return; }
#endif
    dequantize_s8_portable(x, y, count, job->scale, job->zero_point);
  } else {
    const uint8_t *x = (const uint8_t *)job->x + begin;
#if defined(__x86_64__)
    if (job->avx2) { dequantize_u8_avx2(x, y, count, job->scale, job->zero_point); return; }
#endif
    dequantize_u8_portable(x, y, count, job->scale, job->zero_point);
  }
}

void glean_dequantize_8bit(glean_pool *pool, const void *x, int is_signed, float *y, ptrdiff_t count, float scale, int32_t zero_point) {
  if (count <= 0) return;
  dequantize_job job = {x, y, count, scale, zero_point, is_signed != 0, glean_has_avx2_fma()};
  ptrdiff_t tasks = (count + DEQUANTIZE_PER_TASK - 1) / DEQUANTIZE_PER_TASK;
  glean_pool_run(pool, dequantize_task, &job, (int)tasks);
}
