// Run-time choice of the instruction set (CPUID and XGETBV on x86-64).
//
// Features are read with CPUID directly, not __builtin_cpu_supports: whether the compiler's runtime
// knows a recent feature bit (AVX-VNNI) depends on which libgcc or compiler-rt the program links, and
// AVX-512 is only usable when the operating system saves its registers (XCR0), which is checked here.
#include "glean_kernels.h"
#include "internal.h"
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)
#endif
#endif

// Per thread, so that a test can compare paths while others run; jobs read them on the calling thread.
static _Thread_local int force_portable = 0;
static _Thread_local int emulate_wide = 0;

enum { FEATURE_AVX2_FMA = 1, FEATURE_AVX512F = 2, FEATURE_AVX512_VNNI = 4, FEATURE_AVX_VNNI = 8, FEATURE_DOTPROD = 16 };

#if defined(__x86_64__) || defined(__i386__)
static unsigned long long read_xcr0(void) {
  unsigned int eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return ((unsigned long long)edx << 32) | eax;
}

static int detect_features(void) {
  unsigned int eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
  int fma = (ecx >> 12) & 1, osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1;
  if (!osxsave || !avx) return 0;
  unsigned long long xcr0 = read_xcr0();
  if ((xcr0 & 0x6) != 0x6) return 0;   // the OS saves SSE and AVX state
  if (__get_cpuid_max(0, NULL) < 7) return 0;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  int avx2 = (ebx >> 5) & 1, avx512f = (ebx >> 16) & 1, avx512bw = (ebx >> 30) & 1, avx512vl = (ebx >> 31) & 1;
  int avx512vnni = (ecx >> 11) & 1;
  unsigned int leaf7_subleaves = eax;
  int features = 0;
  if (!(avx2 && fma)) return 0;
  features |= FEATURE_AVX2_FMA;
  int os_avx512 = (xcr0 & 0xE0) == 0xE0;   // opmask, upper halves of ZMM0–15, ZMM16–31
  if (os_avx512 && avx512f) features |= FEATURE_AVX512F;
  if (os_avx512 && avx512f && avx512bw && avx512vl && avx512vnni) features |= FEATURE_AVX512_VNNI;
  if (leaf7_subleaves >= 1) {
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    if ((eax >> 4) & 1) features |= FEATURE_AVX_VNNI;
  }
  return features;
}
#endif

static int features(void) {
#if defined(__x86_64__) || defined(__i386__)
  static int cached = -1;
  if (cached < 0) cached = detect_features();
  return cached;
#elif defined(__aarch64__) && defined(__linux__)
  return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) ? FEATURE_DOTPROD : 0;
#elif defined(__aarch64__) && defined(__APPLE__)
  return FEATURE_DOTPROD;   // every Apple arm64 CPU has the dot-product instructions
#else
  return 0;
#endif
}

int glean_has_avx2_fma(void) { return (features() & FEATURE_AVX2_FMA) && !force_portable; }

int glean_simd(void) {
#if defined(__aarch64__)
  return !force_portable;
#else
  if (!glean_has_avx2_fma()) return 0;
  return (features() & FEATURE_AVX512F) && !emulate_wide ? GLEAN_SIMD_AVX512 : 1;
#endif
}

int glean_sgemm_isa(void) {
#if defined(__aarch64__)
  return force_portable ? GLEAN_SGEMM_PORTABLE : GLEAN_SGEMM_NEON;   // NEON is part of every arm64 CPU
#else
  if (!glean_has_avx2_fma()) return GLEAN_SGEMM_PORTABLE;
  if (emulate_wide) return GLEAN_SGEMM_WIDE_ON_AVX2;   // even where AVX-512F is there: tests compare the two
  if (features() & FEATURE_AVX512F) return GLEAN_SGEMM_AVX512;
  return GLEAN_SGEMM_AVX2;
#endif
}

int glean_vnni(void) {
#if defined(__aarch64__)
  return !force_portable && (features() & FEATURE_DOTPROD) ? GLEAN_VNNI_SDOT : GLEAN_VNNI_NONE;
#else
  if (!glean_has_avx2_fma()) return GLEAN_VNNI_NONE;
  if (emulate_wide) return GLEAN_VNNI_EMULATED;
  if (features() & FEATURE_AVX512_VNNI) return GLEAN_VNNI_AVX512;
  if (features() & FEATURE_AVX_VNNI) return GLEAN_VNNI_AVX;
  return GLEAN_VNNI_NONE;
#endif
}

const char *glean_kernels_isa(void) {
#if defined(__aarch64__)
  if (!force_portable) return features() & FEATURE_DOTPROD ? "neon+dotprod" : "neon";
#endif
  if (!glean_has_avx2_fma()) return "portable";
  if (emulate_wide) return "avx2+fma (avx512f and vnni emulated)";
  int f = features();
  if (f & FEATURE_AVX512_VNNI) return "avx512f+avx512vnni";
  if (f & FEATURE_AVX512F) return f & FEATURE_AVX_VNNI ? "avx512f+avxvnni" : "avx512f";
  if (f & FEATURE_AVX_VNNI) return "avx2+fma+avxvnni";
  return "avx2+fma";
}

void glean_kernels_force_portable(int force) { force_portable = force; }

void glean_kernels_emulate_wide(int emulate) { emulate_wide = emulate; }

/// Set by glean_kernels_dense_products on this thread: the float GEMM multiplies every element, zeros included.
static _Thread_local int dense_products;

void glean_kernels_dense_products(int dense) { dense_products = dense; }

int glean_dense_products(void) { return dense_products; }
