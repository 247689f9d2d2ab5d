// Run-time choice of the instruction set (CPUID on x86-64).
#include "glean_kernels.h"
#include "internal.h"

// Per thread, so that a test can compare paths while others run; jobs read it on the calling thread.
static _Thread_local int force_portable = 0;

int glean_has_avx2_fma(void) {
#if defined(__x86_64__) || defined(__i386__)
  static int cached = -1;
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return cached && !force_portable;
#else
  return 0;
#endif
}

const char *glean_kernels_isa(void) { return glean_has_avx2_fma() ? "avx2+fma" : "portable"; }

void glean_kernels_force_portable(int force) { force_portable = force; }
