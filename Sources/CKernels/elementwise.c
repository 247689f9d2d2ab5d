// Element-wise float arithmetic over a rows × cols output whose operands are full, broadcast
// along rows or columns, or scalars (strides of 0). One IEEE operation per element (no FMA),
// so results equal the reference kernels' bit for bit. The loops are left to the compiler's
// vectoriser, once for the baseline and once for AVX2.
#include "glean_kernels.h"
#include "internal.h"

#pragma clang fp contract(off)

#define BINARY_ROW(NAME, EXPR)                                                                         \
  static void NAME(const float *restrict a, ptrdiff_t ac, const float *restrict b, ptrdiff_t bc,       \
                   float *restrict y, ptrdiff_t n) {                                                   \
    if (ac == 1 && bc == 1) { for (ptrdiff_t j = 0; j < n; j++) { float x = a[j], z = b[j]; y[j] = EXPR; } } \
    else if (ac == 1) { float z = b[0]; for (ptrdiff_t j = 0; j < n; j++) { float x = a[j]; y[j] = EXPR; } } \
    else if (bc == 1) { float x = a[0]; for (ptrdiff_t j = 0; j < n; j++) { float z = b[j]; y[j] = EXPR; } } \
    else { float x = a[0], z = b[0]; for (ptrdiff_t j = 0; j < n; j++) y[j] = EXPR; }                  \
  }

#define BINARY_FAMILY(SUFFIX, ATTRIBUTE)                                   \
  ATTRIBUTE BINARY_ROW(add_##SUFFIX, x + z)                                \
  ATTRIBUTE BINARY_ROW(sub_##SUFFIX, x - z)                                \
  ATTRIBUTE BINARY_ROW(mul_##SUFFIX, x * z)                                \
  ATTRIBUTE BINARY_ROW(div_##SUFFIX, x / z)                                \
  ATTRIBUTE BINARY_ROW(sqdiff_##SUFFIX, (x - z) * (x - z))

BINARY_FAMILY(portable, )
#if defined(__x86_64__)
BINARY_FAMILY(avx2, __attribute__((target("avx2"))))
#endif

typedef void (*row_fn)(const float *, ptrdiff_t, const float *, ptrdiff_t, float *, ptrdiff_t);

typedef struct {
  row_fn fn;
  const float *a, *b;
  ptrdiff_t a_row, a_col, b_row, b_col;
  float *y;
  ptrdiff_t rows, cols, rows_per_task;
  int flat;   // one contiguous run: "rows" are single elements
} binary_job;

#define ELEMENTS_PER_TASK 32768

static void binary_task(void *context, int task) {
  const binary_job *job = context;
  ptrdiff_t begin = task * job->rows_per_task, end = begin + job->rows_per_task < job->rows ? begin + job->rows_per_task : job->rows;
  if (job->flat) {
    job->fn(job->a + begin * job->a_row, job->a_col, job->b + begin * job->b_row, job->b_col, job->y + begin, end - begin);
    return;
  }
  for (ptrdiff_t i = begin; i < end; i++)
    job->fn(job->a + i * job->a_row, job->a_col, job->b + i * job->b_row, job->b_col, job->y + i * job->cols, job->cols);
}

/// The row functions of one instruction set, indexed by GLEAN_BINARY_*.
static const row_fn *row_functions(int avx2) {
  static const row_fn portable[] = {add_portable, sub_portable, mul_portable, div_portable, sqdiff_portable};
#if defined(__x86_64__)
  static const row_fn with_avx2[] = {add_avx2, sub_avx2, mul_avx2, div_avx2, sqdiff_avx2};
  if (avx2) return with_avx2;
#else
  (void)avx2;
#endif
  return portable;
}

void glean_binary_rows(int op, int avx2, const float *a, ptrdiff_t a_row, ptrdiff_t a_col, const float *b, ptrdiff_t b_row,
                       ptrdiff_t b_col, float *y, ptrdiff_t rows, ptrdiff_t cols) {
  if (op < 0 || op > 4) return;
  row_fn fn = row_functions(avx2)[op];
  for (ptrdiff_t i = 0; i < rows; i++) fn(a + i * a_row, a_col, b + i * b_row, b_col, y + i * cols, cols);
}

void glean_binary_f32(glean_pool *pool, int op, const float *a, ptrdiff_t a_row, ptrdiff_t a_col, const float *b, ptrdiff_t b_row,
                      ptrdiff_t b_col, float *y, ptrdiff_t rows, ptrdiff_t cols) {
  if (op < 0 || op > 4 || rows <= 0 || cols <= 0) return;
  binary_job job = {row_functions(glean_has_avx2_fma())[op], a, b, a_row, a_col, b_row, b_col, y, rows, cols, 1, 0};
  // Contiguous full operands: one long run of elements, cut into chunks (as rows of one element).
  if (a_col == 1 && b_col == 1 && a_row == cols && b_row == cols) {
    job.a_row = 1; job.b_row = 1; job.rows = rows * cols; job.cols = 1; job.flat = 1;
  }
  ptrdiff_t per_row = job.cols, total = job.rows * per_row;
  job.rows_per_task = per_row >= ELEMENTS_PER_TASK ? 1 : ELEMENTS_PER_TASK / per_row;
  ptrdiff_t tasks = (job.rows + job.rows_per_task - 1) / job.rows_per_task;
  if (total < 2 * ELEMENTS_PER_TASK || !pool) {
    job.rows_per_task = job.rows;
    binary_task(&job, 0);
    return;
  }
  glean_pool_run(pool, binary_task, &job, (int)tasks);
}
