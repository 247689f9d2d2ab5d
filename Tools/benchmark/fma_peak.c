// The FP32 FMA peak of one core of this machine, measured: 12 independent chains of FMAs on the widest
// vectors it has (16 floats with AVX-512F, 8 with AVX2+FMA), no memory traffic, best of 5. Offline tool
// used by side_by_side.py:
//
//   clang -O2 Tools/benchmark/fma_peak.c -o /tmp/fma_peak && /tmp/fma_peak     # prints GFLOP/s
//
// On AMD Zen 5 (two 512-bit FMA pipes) the AVX-512 figure is twice the AVX2 one; on Zen 3 there is no AVX-512.
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

enum { STEPS = 20000000 };

/// GFLOP/s of 12 chains of 8-wide FMAs.
__attribute__((target("avx2,fma"))) static double peak_avx2(void) {
  __m256 acc[12];
  for (int j = 0; j < 12; j++) acc[j] = _mm256_set1_ps(j * 1e-3f);
  const __m256 m = _mm256_set1_ps(0.999f), c = _mm256_set1_ps(1e-4f);
  double best = 1e9;
  for (int round = 0; round < 5; round++) {
    double start = now();
    for (long i = 0; i < STEPS; i++) {
      for (int j = 0; j < 12; j++) acc[j] = _mm256_fmadd_ps(acc[j], m, c);
    }
    double elapsed = now() - start;
    if (elapsed < best) best = elapsed;
  }
  float sink = 0;
  for (int j = 0; j < 12; j++) sink += acc[j][0];
  return (double)STEPS * 12 * 16.0 / best / 1e9 + 0 * sink;   // 12 FMAs × 8 lanes × 2 FLOPs per step
}

/// GFLOP/s of 12 chains of 16-wide FMAs.
__attribute__((target("avx512f"))) static double peak_avx512(void) {
  __m512 acc[12];
  for (int j = 0; j < 12; j++) acc[j] = _mm512_set1_ps(j * 1e-3f);
  const __m512 m = _mm512_set1_ps(0.999f), c = _mm512_set1_ps(1e-4f);
  double best = 1e9;
  for (int round = 0; round < 5; round++) {
    double start = now();
    for (long i = 0; i < STEPS; i++) {
      for (int j = 0; j < 12; j++) acc[j] = _mm512_fmadd_ps(acc[j], m, c);
    }
    double elapsed = now() - start;
    if (elapsed < best) best = elapsed;
  }
  float sink = 0;
  for (int j = 0; j < 12; j++) sink += acc[j][0];
  return (double)STEPS * 12 * 32.0 / best / 1e9 + 0 * sink;   // 12 FMAs × 16 lanes × 2 FLOPs per step
}

int main(void) {
  __builtin_cpu_init();
  printf("%.1f\n", __builtin_cpu_supports("avx512f") ? peak_avx512() : peak_avx2());
  return 0;
}
