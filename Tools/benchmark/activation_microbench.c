// Single-core throughput of Glean's softmax and GELU kernels, best of 20, in ns per value: one attention
// block of scores (48 query rows × 384 keys) through the masked softmax, with no padding and with one key
// in seven masked to −10000 (a padded window), the plain softmax, and exact and tanh GELU over an FFN
// activation (384 × 1536, N(0, 2²)). Offline tool, not part of the package:
//
//   S=Sources/CKernels; clang -O2 -I$S/include -I$S Tools/benchmark/activation_microbench.c $S/*.c -o /tmp/activation_microbench -lm -lpthread
//   /tmp/activation_microbench
#include "glean_kernels.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static double uniform(void) { return (rand() + 1.0) / ((double)RAND_MAX + 2.0); }

int main(void) {
  enum { ROWS = 48, KEYS = 384, REPEATS = 2000, FFN = 384 * 1536 };
  float *x = malloc(sizeof(float) * ROWS * KEYS), *y = malloc(sizeof(float) * ROWS * KEYS);
  float *none = calloc(KEYS, sizeof(float)), *padded = malloc(sizeof(float) * KEYS), scale = 0.17f;
  for (int i = 0; i < ROWS * KEYS; i++) x[i] = (float)((uniform() - 0.5) * 16);
  for (int i = 0; i < KEYS; i++) padded[i] = i % 7 == 6 ? -10000.0f : 0.0f;
  const char *names[] = {"masked softmax, no padding", "masked softmax, 1 key in 7 masked", "softmax"};
  for (int variant = 0; variant < 3; variant++) {
    double best = 1e9;
    for (int round = 0; round < 20; round++) {
      double t = now();
      for (int r = 0; r < REPEATS; r++) {
        if (variant < 2) glean_masked_softmax_f32(NULL, x, &scale, variant ? padded : none, y, ROWS, KEYS, 1.0f);
        else glean_softmax_f32(NULL, x, y, ROWS, KEYS, 1.0f);
      }
      t = (now() - t) / REPEATS;
      if (t < best) best = t;
    }
    printf("%-36s %.3f ns per value\n", names[variant], best * 1e9 / (ROWS * KEYS));
  }
  float *a = malloc(sizeof(float) * FFN), *b = malloc(sizeof(float) * FFN);
  for (int i = 0; i < FFN; i++) a[i] = (float)(sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform()) * 2);
  for (int approximate = 0; approximate < 2; approximate++) {
    double best = 1e9;
    for (int round = 0; round < 20; round++) {
      double t = now();
      glean_gelu_f32(NULL, a, b, FFN, approximate);
      t = now() - t;
      if (t < best) best = t;
    }
    printf("%-36s %.3f ns per value\n", approximate ? "GELU, tanh" : "GELU, exact (erf)", best * 1e9 / FFN);
  }
  return 0;
}
