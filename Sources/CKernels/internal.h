// Shared between the kernel files; not part of the public header.
#ifndef GLEAN_KERNELS_INTERNAL_H
#define GLEAN_KERNELS_INTERNAL_H
int glean_has_avx2_fma(void);
#endif
