// Fused row-wise chains: a small program of element-wise operations and row means over a rows × n
// computation (the layer-norm pattern), run a block of rows at a time. Unfused, each of layer norm's nine
// nodes streams the whole activation (rows × n floats, often more than L2) through memory; here a block's
// intermediate values live in per-thread scratch of a few tens of kilobytes.
//
// Every step calls the unfused kernels' own row functions (glean_binary_rows, glean_row_mean) with the
// instruction set chosen once on the calling thread, so every value is the unfused chain's bit for bit.
#include "glean_kernels.h"
#include "internal.h"
#include <math.h>

#pragma clang fp contract(off)

#define ROWWISE_BLOCK_FLOATS 4096   // a full value of one block: ~16 KB

static ptrdiff_t block_rows(ptrdiff_t n) {
  ptrdiff_t rows = ROWWISE_BLOCK_FLOATS / (n > 0 ? n : 1);
  return rows < 1 ? 1 : rows;
}

/// The output step s writes (0 ..< output_count), or -1 when its result is intermediate.
static int output_of(int s, const int32_t *output_steps, int output_count) {
  for (int o = 0; o < output_count; o++) {
    if (output_steps[o] == s) return o;
  }
  return -1;
}

/// Floats one thread's block needs for the intermediate results (output steps write to their outputs).
static size_t scratch_per_thread(const int32_t *result_kinds, int step_count, const int32_t *output_steps, int output_count, ptrdiff_t n) {
  size_t floats = 0, rows = (size_t)block_rows(n);
  for (int s = 0; s < step_count; s++) {
    if (output_of(s, output_steps, output_count) < 0) floats += result_kinds[s] == GLEAN_ROWWISE_FULL ? rows * (size_t)n : rows;
  }
  return floats;
}

size_t glean_rowwise_scratch_floats(const int32_t *result_kinds, int step_count, const int32_t *output_steps, int output_count,
                                    ptrdiff_t n, int threads) {
  return scratch_per_thread(result_kinds, step_count, output_steps, output_count, n) * (size_t)(threads < 1 ? 1 : threads);
}

typedef struct {
  const glean_rowwise_step *steps;
  const int32_t *result_kinds;
  int step_count;
  const float *const *inputs;
  const int32_t *input_kinds;
  int input_count;
  float *const *outputs;
  const int32_t *output_steps;
  int output_count;
  ptrdiff_t rows, n, block_rows;
  float *scratch;
  size_t scratch_per_thread;
  int simd;   // glean_simd(): the vector mean and (on x86-64) the AVX2 element-wise rows
} rowwise_job;

/// Where value v's rows r0 ..< r0 + rows are, with strides (row, col) as glean_binary_f32 takes them.
typedef struct {
  float *data;
  ptrdiff_t row, col;
} operand;

static operand value_of(const rowwise_job *job, float *const *results, int v, ptrdiff_t r0) {
  ptrdiff_t n = job->n;
  if (v < job->input_count) {
    float *data = (float *)job->inputs[v];
    switch (job->input_kinds[v]) {
    case GLEAN_ROWWISE_FULL: return (operand){data + r0 * n, n, 1};
    case GLEAN_ROWWISE_PER_ROW: return (operand){data + r0, 1, 0};
    case GLEAN_ROWWISE_ROW_VECTOR: return (operand){data, 0, 1};
    default: return (operand){data, 0, 0};
    }
  }
  int s = v - job->input_count;
  return job->result_kinds[s] == GLEAN_ROWWISE_FULL ? (operand){results[s], n, 1} : (operand){results[s], 1, 0};
}

static float unary(int op, float x) {
  switch (op) {
  case GLEAN_ROWWISE_RSQRT: return 1.0f / sqrtf(x);
  case GLEAN_ROWWISE_SQRT: return sqrtf(x);
  case GLEAN_ROWWISE_SQUARE: return x * x;
  default: return -x;
  }
}

static void rowwise_task(void *context, int task) {
  const rowwise_job *job = context;
  ptrdiff_t r0 = (ptrdiff_t)task * job->block_rows;
  ptrdiff_t rows = job->rows - r0 < job->block_rows ? job->rows - r0 : job->block_rows, n = job->n;
  float *scratch = job->scratch + (size_t)glean_pool_thread_index() * job->scratch_per_thread;
  // Each step's result for this block: scratch, or its output for an output step.
  float *results[64];
  for (int s = 0; s < job->step_count; s++) {
    int o = output_of(s, job->output_steps, job->output_count);
    if (o >= 0) {
      results[s] = job->outputs[o] + r0 * n;
    } else {
      results[s] = scratch;
      scratch += job->result_kinds[s] == GLEAN_ROWWISE_FULL ? (size_t)job->block_rows * (size_t)n : (size_t)job->block_rows;
    }
  }
  for (int s = 0; s < job->step_count; s++) {
    const glean_rowwise_step step = job->steps[s];
    float *y = results[s];
    ptrdiff_t cols = job->result_kinds[s] == GLEAN_ROWWISE_FULL ? n : 1;
    operand a = value_of(job, results, step.a, r0);
    if (step.op == GLEAN_ROWWISE_MEAN) {
      for (ptrdiff_t i = 0; i < rows; i++) y[i] = glean_row_mean(a.data + i * a.row, n, job->simd);
    } else if (step.op >= GLEAN_ROWWISE_RSQRT) {
      for (ptrdiff_t i = 0; i < rows; i++) {
        for (ptrdiff_t j = 0; j < cols; j++) y[i * cols + j] = unary(step.op, a.data[i * a.row + j * a.col]);
      }
    } else {
      operand b = value_of(job, results, step.b, r0);
      glean_binary_rows(step.op, job->simd, a.data, a.row, a.col, b.data, b.row, b.col, y, rows, cols);
    }
  }
}

void glean_rowwise_f32(glean_pool *pool, const glean_rowwise_step *steps, const int32_t *result_kinds, int step_count,
                       const float *const *inputs, const int32_t *input_kinds, int input_count, float *const *outputs,
                       const int32_t *output_steps, int output_count, ptrdiff_t rows, ptrdiff_t n, float *scratch) {
  if (step_count <= 0 || step_count > 64 || rows <= 0 || n <= 0) return;
  rowwise_job job = {steps, result_kinds, step_count, inputs, input_kinds, input_count, outputs, output_steps, output_count,
                     rows, n, block_rows(n), scratch, scratch_per_thread(result_kinds, step_count, output_steps, output_count, n),
                     glean_simd()};
  ptrdiff_t tasks = (rows + job.block_rows - 1) / job.block_rows;
  glean_pool_run(pool, rowwise_task, &job, (int)tasks);
}
