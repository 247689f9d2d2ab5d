// Shared between the kernel files; not part of the public header.
#ifndef GLEAN_KERNELS_INTERNAL_H
#define GLEAN_KERNELS_INTERNAL_H
#include "glean_kernels.h"
int glean_has_avx2_fma(void);
/// Rows of y = softmax(beta · (x · scale + mask)) on the calling thread (glean_masked_softmax_f32's rows).
void glean_masked_softmax_rows(const float *x, const float *scale, const float *mask, float *y, ptrdiff_t rows,
                               ptrdiff_t depth, float beta, int avx2);
/// glean_sgemm on the calling thread with the instruction set chosen by the caller (a task of a pool job
/// passes the job's choice, made on the thread that started it).
void glean_sgemm_serial(int avx2, int m, int n, int k, const float *a, ptrdiff_t stride_m, ptrdiff_t stride_k,
                        const float *packed_b, const glean_epilogue *epilogue, float *c, ptrdiff_t ldc);
/// Rows begin ..< end of glean_quantize_rows, on the calling thread with the instruction set chosen by the caller.
void glean_quantize_row_range(const float *x, int k, int asymmetric, int avx2, int16_t *q, float *scales, int32_t *zero_points,
                              int begin, int end);
#endif
