// What a chain of MobileBERT FFNs costs the float GEMM outside the kernel, single core: 48 pairs of
// FULLY_CONNECTED 128 → 512 (+ bias, RELU) and 512 → 128 (+ bias) over 384 rows, each pair with its own
// weights (25 MB packed), timed four ways in alternating rounds, medians and best of 25 rounds:
//   - the two GEMMs one after the other, as the interpreter runs them;
//   - the same with one weight set shared by all pairs (weights hot in cache: the difference is what
//     weights arriving from L3 or memory cost);
//   - both GEMMs per block of 96 and of 48 rows, the 512-wide intermediate kept in L2 (a fused FFN node
//     would run so: the difference is what the intermediate's trip through L3 costs).
// Offline tool, not part of the package:
//
//   S=Sources/CKernels; clang -O2 -I$S/include -I$S Tools/benchmark/ffn_chain_bench.c $S/*.c -o /tmp/ffn_chain_bench -lm -lpthread
//   /tmp/ffn_chain_bench [rounds]
#include "glean_kernels.h"
#include "internal.h"   // glean_sgemm_isa, glean_sgemm_serial
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { PAIRS = 48, ROWS = 384, HIDDEN = 128, INTERMEDIATE = 512, MAX_ROUNDS = 100 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/// Packs a random N × K weight matrix (values in ±0.05) for glean_sgemm.
static float *packed_weights(int k, int n) {
  float *w = malloc(sizeof(float) * (size_t)k * n), *packed = malloc(sizeof(float) * glean_sgemm_packed_size(k, n));
  for (int i = 0; i < k * n; i++) w[i] = (rand() / (float)RAND_MAX - 0.5f) * 0.1f;
  glean_sgemm_pack(w, 1, k, k, n, packed);
  free(w);
  return packed;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 25;
  if (rounds < 1 || rounds > MAX_ROUNDS) rounds = 25;
  int isa = glean_sgemm_isa();
  float *up[PAIRS], *down[PAIRS], *up_bias = malloc(sizeof(float) * INTERMEDIATE), *down_bias = malloc(sizeof(float) * HIDDEN);
  for (int p = 0; p < PAIRS; p++) { up[p] = packed_weights(HIDDEN, INTERMEDIATE); down[p] = packed_weights(INTERMEDIATE, HIDDEN); }
  for (int j = 0; j < INTERMEDIATE; j++) up_bias[j] = 0.01f;
  for (int j = 0; j < HIDDEN; j++) down_bias[j] = 0.01f;
  float *x = malloc(sizeof(float) * ROWS * HIDDEN), *y = malloc(sizeof(float) * ROWS * HIDDEN);
  float *intermediate = malloc(sizeof(float) * ROWS * INTERMEDIATE);
  for (int i = 0; i < ROWS * HIDDEN; i++) x[i] = rand() / (float)RAND_MAX;
  glean_epilogue relu = {.bias = up_bias, .clamp = 1, .clamp_lo = 0, .clamp_hi = INFINITY}, plain = {.bias = down_bias};

  const char *names[] = {"one GEMM after the other", "the same, one weight set for all pairs (hot)",
                         "both GEMMs per block of 96 rows", "both GEMMs per block of 48 rows"};
  const int blocks[] = {ROWS, ROWS, 96, 48};
  static double times[4][MAX_ROUNDS];
  for (int round = 0; round < rounds; round++) {
    for (int variant = 0; variant < 4; variant++) {
      float *in = x, *out = y;
      double start = now();
      for (int p = 0; p < PAIRS; p++) {
        const float *w_up = variant == 1 ? up[0] : up[p], *w_down = variant == 1 ? down[0] : down[p];
        for (int i0 = 0; i0 < ROWS; i0 += blocks[variant]) {
          int rows = blocks[variant];
          glean_sgemm_serial(isa, rows, INTERMEDIATE, HIDDEN, in + i0 * HIDDEN, HIDDEN, 1, w_up, &relu, intermediate, INTERMEDIATE);
          glean_sgemm_serial(isa, rows, HIDDEN, INTERMEDIATE, intermediate, INTERMEDIATE, 1, w_down, &plain, out + i0 * HIDDEN, HIDDEN);
        }
        float *swap = in; in = out; out = swap;
      }
      times[variant][round] = now() - start;
    }
  }
  double flops = 2.0 * ROWS * HIDDEN * INTERMEDIATE * 2 * PAIRS;
  for (int variant = 0; variant < 4; variant++) {
    qsort(times[variant], rounds, sizeof(double), by_value);
    double median = times[variant][rounds / 2], best = times[variant][0];
    printf("%-46s median %6.2f ms (%5.1f GFLOP/s), best %6.2f ms (%5.1f GFLOP/s)\n", names[variant], median * 1e3,
           flops / median / 1e9, best * 1e3, flops / best / 1e9);
  }
  printf("kernels: %s\n", glean_kernels_isa());
  return 0;
}
