// How many integer SIMD multiply-adds this core issues per cycle: the bound on the exact AVX2 hybrid GEMM.
// Times, with operands in registers (no memory traffic), the inner step of qgemm.c's 6 × 16 AVX2 tile
// (12 vpmaddwd + 12 vpaddd), vpmaddwd alone, the tile step with float FMAs mixed in, and the float tile's step
// (12 vfmadd) as the clock reference (2 FMAs per cycle on current x86-64 cores); on a CPU with AVX512-VNNI also
// the step of the VNNI pair tile (qgemm_vnni_pair.h: 8 broadcast activation quads × two 512-bit weight
// vectors, 16 vpdpbusd), the bound of the hybrid GEMM there. Offline tool:
//
//   clang -O2 -mavx2 -mfma Tools/benchmark/int8_port_bound.c -o /tmp/int8_port_bound && /tmp/int8_port_bound
#include <immintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

#define STEPS 100000000L

/// The AVX2 hybrid tile's step: 6 broadcast activation pairs × 2 weight vectors, products summed in int32.
__attribute__((noinline)) static __m256i tile_step(long n, __m256i b0, __m256i b1, const int16_t *a) {
  __m256i c[12];
  for (int i = 0; i < 12; i++) c[i] = _mm256_setzero_si256();
  for (long s = 0; s < n; s++) {
    for (int r = 0; r < 6; r++) {
      int32_t pair; memcpy(&pair, a + r * 256 + (s & 127) * 2, 4);
      __m256i x = _mm256_set1_epi32(pair);
      c[2 * r] = _mm256_add_epi32(c[2 * r], _mm256_madd_epi16(x, b0));
      c[2 * r + 1] = _mm256_add_epi32(c[2 * r + 1], _mm256_madd_epi16(x, b1));
    }
  }
  __m256i t = c[0];
  for (int i = 1; i < 12; i++) t = _mm256_add_epi32(t, c[i]);
  return t;
}

/// 18 vpmaddwd per step in 12 chains, no adds (6 chains of two dependent multiply-adds, 6 alone).
__attribute__((noinline)) static __m256i madd_only(long n, __m256i b0, __m256i b1, const int16_t *a) {
  __m256i c[12];
  for (int i = 0; i < 12; i++) c[i] = _mm256_setzero_si256();
  for (long s = 0; s < n; s++) {
    for (int r = 0; r < 6; r++) {
      int32_t pair; memcpy(&pair, a + r * 256 + (s & 127) * 2, 4);
      __m256i x = _mm256_set1_epi32(pair);
      c[2 * r] = _mm256_madd_epi16(c[2 * r], _mm256_madd_epi16(x, b0));
      c[2 * r + 1] = _mm256_xor_si256(c[2 * r + 1], _mm256_madd_epi16(x, b1));
    }
  }
  __m256i t = c[0];
  for (int i = 1; i < 12; i++) t = _mm256_add_epi32(t, c[i]);
  return t;
}

/// 8 vpmaddwd + 8 vpaddd and 4 float FMAs per step: do the FMA pipes add throughput to the integer ones?
__attribute__((noinline)) static __m256i mixed(long n, __m256i b0, __m256i b1, const int16_t *a, const float *fa, __m256 *fout) {
  __m256i c[8];
  __m256 f[4];
  for (int i = 0; i < 8; i++) c[i] = _mm256_setzero_si256();
  for (int i = 0; i < 4; i++) f[i] = _mm256_setzero_ps();
  __m256 fb = _mm256_set1_ps(1.0f);
  for (long s = 0; s < n; s++) {
    for (int r = 0; r < 4; r++) {
      int32_t pair; memcpy(&pair, a + r * 256 + (s & 127) * 2, 4);
      __m256i x = _mm256_set1_epi32(pair);
      c[2 * r] = _mm256_add_epi32(c[2 * r], _mm256_madd_epi16(x, b0));
      c[2 * r + 1] = _mm256_add_epi32(c[2 * r + 1], _mm256_madd_epi16(x, b1));
      f[r] = _mm256_fmadd_ps(_mm256_broadcast_ss(fa + r * 256 + (s & 127)), fb, f[r]);
    }
  }
  *fout = _mm256_add_ps(_mm256_add_ps(f[0], f[1]), _mm256_add_ps(f[2], f[3]));
  __m256i t = c[0];
  for (int i = 1; i < 8; i++) t = _mm256_add_epi32(t, c[i]);
  return t;
}

/// The float tile's step: 12 independent FMAs, the clock reference.
__attribute__((noinline)) static __m256 fma_step(long n, const float *b, const float *a) {
  __m256 c[12];
  for (int i = 0; i < 12; i++) c[i] = _mm256_setzero_ps();
  for (long s = 0; s < n; s++) {
    __m256 b0 = _mm256_loadu_ps(b + (s & 63) * 16), b1 = _mm256_loadu_ps(b + (s & 63) * 16 + 8);
    for (int r = 0; r < 6; r++) {
      __m256 x = _mm256_broadcast_ss(a + r * 256 + (s & 127));
      c[2 * r] = _mm256_fmadd_ps(x, b0, c[2 * r]);
      c[2 * r + 1] = _mm256_fmadd_ps(x, b1, c[2 * r + 1]);
    }
  }
  __m256 t = c[0];
  for (int i = 1; i < 12; i++) t = _mm256_add_ps(t, c[i]);
  return t;
}

/// The VNNI pair tile's step: 8 broadcast activation quads × 2 weight vectors, 16 vpdpbusd on 512-bit vectors in
/// 16 independent chains (1024 int8 multiply-adds). Returns a sum of the accumulators, so that none is dropped.
__attribute__((noinline, target("avx512f,avx512vnni"))) static uint32_t vnni_pair_step(long n, const int32_t *a, int32_t w0, int32_t w1) {
  __m512i b0 = _mm512_set1_epi32(w0), b1 = _mm512_set1_epi32(w1), c[16];
  for (int i = 0; i < 16; i++) c[i] = _mm512_setzero_si512();
  for (long s = 0; s < n; s++) {
    for (int r = 0; r < 8; r++) {
      __m512i x = _mm512_set1_epi32(a[r * 256 + (s & 127)]);
      c[2 * r] = _mm512_dpbusd_epi32(c[2 * r], x, b0);
      c[2 * r + 1] = _mm512_dpbusd_epi32(c[2 * r + 1], x, b1);
    }
  }
  __m512i t = c[0];
  for (int i = 1; i < 16; i++) t = _mm512_add_epi32(t, c[i]);
  return (uint32_t)_mm512_reduce_add_epi32(t);
}

int main(int argc, char **argv) {
  (void)argv;
  static int16_t a[4096] __attribute__((aligned(64)));
  static float fa[4096] __attribute__((aligned(64)));
  for (int i = 0; i < 4096; i++) { a[i] = (int16_t)(i * argc % 7); fa[i] = (float)(i * argc % 5); }   // unknown to the compiler
  __m256i b0 = _mm256_set1_epi16(3), b1 = _mm256_set1_epi16(5), sink = _mm256_setzero_si256();
  __m256 fsink;
  // Best of 5 of each (the host is shared): seconds per step.
  double best[4] = {1e9, 1e9, 1e9, 1e9};
  __m256 f = _mm256_setzero_ps();
  for (int round = 0; round < 5; round++) {
    double t = now(); f = _mm256_add_ps(f, fma_step(STEPS / 5, fa, fa)); t = (now() - t) / (STEPS / 5); if (t < best[0]) best[0] = t;
    t = now(); sink = _mm256_add_epi32(sink, tile_step(STEPS / 5, b0, b1, a)); t = (now() - t) / (STEPS / 5); if (t < best[1]) best[1] = t;
    t = now(); sink = _mm256_add_epi32(sink, madd_only(STEPS / 5, b0, b1, a)); t = (now() - t) / (STEPS / 5); if (t < best[2]) best[2] = t;
    t = now(); sink = _mm256_add_epi32(sink, mixed(STEPS / 5, b0, b1, a, fa, &fsink)); t = (now() - t) / (STEPS / 5); if (t < best[3]) best[3] = t;
  }
  double cycle = best[0] / 6;   // 12 FMAs at 2 per cycle
  printf("clock from the FMA step: %.2f GHz\n", 1e-9 / cycle);
  printf("hybrid tile step (12 vpmaddwd + 12 vpaddd): %.2f cycles -> %.1f int8 MACs per cycle\n", best[1] / cycle, 192 / (best[1] / cycle));
  printf("18 vpmaddwd (+ 6 vpxor): %.2f cycles\n", best[2] / cycle);
  printf("8 vpmaddwd + 8 vpaddd + 4 vfmadd: %.2f cycles (8 + 8 alone: 2/3 of the tile step, %.2f)\n", best[3] / cycle, best[1] / cycle * 2 / 3);
  if (__builtin_cpu_supports("avx512vnni")) {
    static int32_t quads[4096] __attribute__((aligned(64)));
    for (int i = 0; i < 4096; i++) quads[i] = i * argc % 9;
    double vnni = 1e9;
    uint32_t vsink = 0;   // wrapping: only there so that the steps are not dropped
    for (int round = 0; round < 5; round++) {
      double t = now(); vsink += vnni_pair_step(STEPS / 5, quads, 0x01020304 * argc, 0x05060708 * argc); t = (now() - t) / (STEPS / 5);
      if (t < vnni) vnni = t;
    }
    printf("VNNI pair tile step (16 vpdpbusd, 512-bit): %.2f cycles -> %.1f int8 MACs per cycle, %.0f G int8 operations/s\n",
           vnni / cycle, 1024 / (vnni / cycle), 2048 / vnni * 1e-9);
    sink = _mm256_add_epi32(sink, _mm256_set1_epi32((int32_t)vsink));
  }
  int32_t out[8]; float fo[8];
  _mm256_storeu_si256((__m256i *)out, sink);
  _mm256_storeu_ps(fo, _mm256_add_ps(f, fsink));
  return out[0] == 12345 && fo[0] == 1.5f;
}
