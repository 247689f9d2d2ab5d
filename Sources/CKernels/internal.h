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
/// The block of a GEMM that pool task `task` computes when tasks run over (row block × column chunk):
/// rows [*i_begin, *i_end) of m in blocks of `row_block`, panels [*panel_begin, *panel_end) of the n columns'
/// panels of `panel_width` in chunks of `panels_per_task`, `column_chunks` chunks per row block.
static inline void glean_gemm_task_block(int task, int column_chunks, int m, int row_block, int n, int panel_width,
                                         int panels_per_task, int *i_begin, int *i_end, int *panel_begin, int *panel_end) {
  int block = task / column_chunks, chunk = task % column_chunks;
  int panels = (n + panel_width - 1) / panel_width;
  *i_begin = block * row_block;
  *i_end = *i_begin + row_block < m ? *i_begin + row_block : m;
  *panel_begin = chunk * panels_per_task;
  *panel_end = *panel_begin + panels_per_task < panels ? *panel_begin + panels_per_task : panels;
}
/// Rows begin ..< end of glean_quantize_rows, on the calling thread with the instruction set chosen by the caller.
void glean_quantize_row_range(const float *x, int k, int asymmetric, int avx2, int16_t *q, float *scales, int32_t *zero_points,
                              int begin, int end);
#endif
