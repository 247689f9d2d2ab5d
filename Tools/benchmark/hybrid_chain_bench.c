// What the hybrid int8 FULLY_CONNECTED costs over the thread pool, in a chain shaped like MobileBERT's FFNs:
// 48 pairs of glean_hybrid_fully_connected 128 → 512 (+ bias, RELU) and 512 → 128 (+ bias) over 384 rows,
// asymmetric input quantization, each pair with its own weights; median and best of the rounds. Built
// against two trees of Sources/CKernels, it compares how they split the work between threads without the
// rest of the interpreter. Offline tool, not part of the package:
//
//   S=Sources/CKernels; clang -O2 -I$S/include -I$S Tools/benchmark/hybrid_chain_bench.c $S/*.c -o /tmp/hybrid_chain_bench -lm -lpthread
//   /tmp/hybrid_chain_bench [threads (2)] [rounds (25)]
#include "glean_kernels.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { PAIRS = 48, ROWS = 384, HIDDEN = 128, INTERMEDIATE = 512, MAX_ROUNDS = 1000 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/// Random int8 weights (n × k) packed for glean_hybrid_fully_connected.
static int8_t *packed_weights(int k, int n) {
  int8_t *w = malloc((size_t)k * n), *packed = malloc(glean_qgemm_packed_size(k, n));
  for (int i = 0; i < k * n; i++) w[i] = (int8_t)(rand() % 255 - 127);
  glean_qgemm_pack(w, n, k, packed);
  free(w);
  return packed;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 2, rounds = argc > 2 ? atoi(argv[2]) : 25;
  if (threads < 1) threads = 1;
  if (rounds < 1 || rounds > MAX_ROUNDS) rounds = 25;
  glean_pool *pool = glean_pool_create(threads);   // NULL for one thread: the caller runs every task
  int8_t *up[PAIRS], *down[PAIRS];
  for (int p = 0; p < PAIRS; p++) { up[p] = packed_weights(HIDDEN, INTERMEDIATE); down[p] = packed_weights(INTERMEDIATE, HIDDEN); }
  // Weight scales that keep the activations of the order of 1 along the chain (an int8 dot of k terms has a
  // spread of about 73 · sqrt(k) quantization steps), and a small bias.
  float *up_scales = malloc(sizeof(float) * INTERMEDIATE), *down_scales = malloc(sizeof(float) * HIDDEN);
  float *up_bias = malloc(sizeof(float) * INTERMEDIATE), *down_bias = malloc(sizeof(float) * HIDDEN);
  for (int j = 0; j < INTERMEDIATE; j++) { up_scales[j] = 1.0f / (73.0f * sqrtf(HIDDEN)); up_bias[j] = 0.01f; }
  for (int j = 0; j < HIDDEN; j++) { down_scales[j] = 1.0f / (73.0f * sqrtf(INTERMEDIATE)); down_bias[j] = 0.01f; }
  float *x = malloc(sizeof(float) * ROWS * HIDDEN), *y = malloc(sizeof(float) * ROWS * HIDDEN);
  float *intermediate = malloc(sizeof(float) * ROWS * INTERMEDIATE);
  for (int i = 0; i < ROWS * HIDDEN; i++) x[i] = rand() / (float)RAND_MAX - 0.5f;
  void *q = malloc(glean_qgemm_quantized_bytes(ROWS, INTERMEDIATE));
  float *row_scales = malloc(sizeof(float) * ROWS);
  int32_t *zero_points = malloc(sizeof(int32_t) * ROWS);
  glean_epilogue relu = {.bias = up_bias, .clamp = 1, .clamp_lo = 0, .clamp_hi = INFINITY}, plain = {.bias = down_bias};

  static double times[MAX_ROUNDS];
  for (int round = 0; round < rounds; round++) {
    float *in = x, *out = y;
    double start = now();
    for (int p = 0; p < PAIRS; p++) {
      glean_hybrid_fully_connected(pool, ROWS, INTERMEDIATE, HIDDEN, in, 1, q, row_scales, zero_points, up[p], up_scales, &relu,
                                   intermediate, INTERMEDIATE);
      glean_hybrid_fully_connected(pool, ROWS, HIDDEN, INTERMEDIATE, intermediate, 1, q, row_scales, zero_points, down[p], down_scales,
                                   &plain, out, HIDDEN);
      float *swap = in; in = out; out = swap;
    }
    times[round] = now() - start;
  }
  qsort(times, rounds, sizeof(double), by_value);
  double macs = 2.0 * ROWS * HIDDEN * INTERMEDIATE * PAIRS;
  printf("%d thread%s: median %6.2f ms (%5.1f G int8 MAC/s), best %6.2f ms (%5.1f G MAC/s); kernels: %s\n", threads,
         threads == 1 ? "" : "s", times[rounds / 2] * 1e3, macs / times[rounds / 2] / 1e9, times[0] * 1e3, macs / times[0] / 1e9,
         glean_kernels_isa());
  glean_pool_destroy(pool);
  return 0;
}
