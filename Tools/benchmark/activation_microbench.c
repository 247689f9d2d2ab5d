// Single-core throughput of Glean's softmax and GELU kernels, best of 20, in ns per value: one attention
// block of scores (48 query rows × 384 keys) through the masked softmax, with no padding and with one key
// in seven masked to −10000 (a padded window), the plain softmax, and exact and tanh GELU over an FFN
// activation (384 × 1536, N(0, 2²)); then, best of 100, a 384 × 384 layer norm with its × γ + β copy, as the
// row-wise step machine and as the three-pass kernel. Offline tool, not part of the package:
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
  // Layer norm with its × γ + β copy, 384 × 384 (the QA model's): the row-wise step machine, then the
  // three-pass kernel the same chain runs as.
  enum { LN_ROWS = 384, LN_N = 384 };
  float *ln = malloc(sizeof(float) * LN_ROWS * LN_N), *normalized = malloc(sizeof(float) * LN_ROWS * LN_N);
  float *shifted = malloc(sizeof(float) * LN_ROWS * LN_N), *gamma = malloc(sizeof(float) * LN_N), *beta = malloc(sizeof(float) * LN_N);
  float epsilon = 1e-12f;
  for (int i = 0; i < LN_ROWS * LN_N; i++) ln[i] = (float)(uniform() * 4 - 2);
  for (int j = 0; j < LN_N; j++) { gamma[j] = (float)(0.5 + uniform()); beta[j] = (float)(uniform() - 0.5); }
  // Inputs x, ε, γ, β; steps MEAN, SQUARED_DIFFERENCE, MEAN, ADD, RSQRT, SUB, MUL, MUL, ADD; outputs steps 8 and 6.
  const glean_rowwise_step steps[9] = {{GLEAN_ROWWISE_MEAN, 0, -1}, {GLEAN_BINARY_SQUARED_DIFFERENCE, 0, 4}, {GLEAN_ROWWISE_MEAN, 5, -1},
                                       {GLEAN_BINARY_ADD, 6, 1}, {GLEAN_ROWWISE_RSQRT, 7, -1}, {GLEAN_BINARY_SUB, 0, 4},
                                       {GLEAN_BINARY_MUL, 9, 8}, {GLEAN_BINARY_MUL, 10, 2}, {GLEAN_BINARY_ADD, 11, 3}};
  const int32_t kinds[9] = {GLEAN_ROWWISE_PER_ROW, GLEAN_ROWWISE_FULL, GLEAN_ROWWISE_PER_ROW, GLEAN_ROWWISE_PER_ROW, GLEAN_ROWWISE_PER_ROW,
                            GLEAN_ROWWISE_FULL, GLEAN_ROWWISE_FULL, GLEAN_ROWWISE_FULL, GLEAN_ROWWISE_FULL};
  const int32_t input_kinds[4] = {GLEAN_ROWWISE_FULL, GLEAN_ROWWISE_SCALAR, GLEAN_ROWWISE_ROW_VECTOR, GLEAN_ROWWISE_ROW_VECTOR};
  const int32_t output_steps[2] = {8, 6};
  const float *inputs[4] = {ln, &epsilon, gamma, beta};
  float *outputs[2] = {shifted, normalized};
  float *scratch = malloc(sizeof(float) * glean_rowwise_scratch_floats(kinds, 9, output_steps, 2, LN_N, 1));
  for (int variant = 0; variant < 2; variant++) {
    double best = 1e9;
    for (int round = 0; round < 100; round++) {
      double t = now();
      if (variant) glean_layer_norm_f32(NULL, ln, &epsilon, gamma, 1, beta, 1, normalized, NULL, shifted, LN_ROWS, LN_N);
      else glean_rowwise_f32(NULL, steps, kinds, 9, inputs, input_kinds, 4, outputs, output_steps, 2, LN_ROWS, LN_N, scratch);
      t = now() - t;
      if (t < best) best = t;
    }
    printf("%-36s %.3f ms\n", variant ? "layer norm 384 x 384, three passes" : "layer norm 384 x 384, step machine", best * 1e3);
  }
  return 0;
}
