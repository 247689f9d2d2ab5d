// The FP32 FMA peak of one core of this machine, measured: 12 independent chains of 8-wide FMAs
// (AVX2+FMA), no memory traffic, best of 5. Offline tool used by side_by_side.py:
//
//   clang -O2 Tools/benchmark/fma_peak.c -o /tmp/fma_peak && /tmp/fma_peak     # prints GFLOP/s
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

__attribute__((target("avx2,fma"))) int main(void) {
  __m256 acc[12];
  for (int j = 0; j < 12; j++) acc[j] = _mm256_set1_ps(j * 1e-3f);
  const __m256 m = _mm256_set1_ps(0.999f), c = _mm256_set1_ps(1e-4f);
  const long steps = 20000000;
  double best = 1e9;
  for (int round = 0; round < 5; round++) {
    double start = now();
    for (long i = 0; i < steps; i++) {
      for (int j = 0; j < 12; j++) acc[j] = _mm256_fmadd_ps(acc[j], m, c);
    }
    double elapsed = now() - start;
    if (elapsed < best) best = elapsed;
  }
  float sink = 0;
  for (int j = 0; j < 12; j++) sink += acc[j][0];
  // 12 FMAs × 8 lanes × 2 FLOPs per step.
  printf("%.1f\n", steps * 12 * 16.0 / best / 1e9 + 0 * sink);
  return 0;
}
