// Fused attention: BATCH_MATMUL(Q, K) → [MUL scale] → ADD mask → SOFTMAX → BATCH_MATMUL(·, V) per head,
// a block of ATTENTION_ROWS query rows at a time. The unfused graph writes the scores of every head
// (heads × m × n floats, megabytes) and reads them back three times; here each block of scores is
// computed into per-thread scratch, turned into probabilities and multiplied by V while it is in L2.
//
// Two phases over the thread pool: pack K_h and V_h of every head (as the unfused BATCH_MATMUL packs its
// right side), then one task per (head, row block). Both products are glean_sgemm on one thread and the
// softmax is glean_masked_softmax_rows, so every value is the unfused kernels' bit for bit.
#include "glean_kernels.h"
#include "internal.h"

#define ATTENTION_ROWS 24   // query rows per task (a multiple of the GEMM tiles' 6 and 12 rows)

typedef struct {
  int heads, m, n, d, dv, row_blocks, isa, simd;   // isa: glean_sgemm_isa(), for the GEMMs; simd: glean_simd(), for the softmax
  const float *q, *k, *v, *scale, *mask;
  ptrdiff_t q_head, q_m, q_k, k_head, k_k, k_n, v_head, v_k, v_n, out_head, out_m;
  float beta;
  float *out, *packed_k, *packed_v, *scores;
  size_t packed_k_size, packed_v_size;
} attention_job;

size_t glean_attention_scratch_floats(int heads, int m, int n, int d, int dv, int threads) {
  (void)m;
  if (threads < 1) threads = 1;
  return (size_t)heads * (glean_sgemm_packed_size(d, n) + glean_sgemm_packed_size(n, dv)) + (size_t)threads * ATTENTION_ROWS * (size_t)n;
}

static void pack_task(void *context, int head) {
  const attention_job *job = context;
  glean_sgemm_pack(job->k + head * job->k_head, job->k_k, job->k_n, job->d, job->n, job->packed_k + head * job->packed_k_size);
  glean_sgemm_pack(job->v + head * job->v_head, job->v_k, job->v_n, job->n, job->dv, job->packed_v + head * job->packed_v_size);
}

static void attention_task(void *context, int task) {
  const attention_job *job = context;
  int head = task / job->row_blocks, block = task % job->row_blocks;
  int r0 = block * ATTENTION_ROWS, rows = job->m - r0 < ATTENTION_ROWS ? job->m - r0 : ATTENTION_ROWS;
  float *scores = job->scores + (size_t)glean_pool_thread_index() * ATTENTION_ROWS * (size_t)job->n;
  const float *q = job->q + head * job->q_head + r0 * job->q_m;
  glean_sgemm_serial(job->isa, rows, job->n, job->d, q, job->q_m, job->q_k, job->packed_k + head * job->packed_k_size, NULL, scores, job->n);
  glean_masked_softmax_rows(scores, job->scale, job->mask, scores, rows, job->n, job->beta, job->simd);
  float *out = job->out + head * job->out_head + r0 * job->out_m;
  glean_sgemm_serial(job->isa, rows, job->dv, job->n, scores, job->n, 1, job->packed_v + head * job->packed_v_size, NULL, out, job->out_m);
}

void glean_attention_f32(glean_pool *pool, int heads, int m, int n, int d, int dv,
                         const float *q, ptrdiff_t q_head, ptrdiff_t q_m, ptrdiff_t q_k,
                         const float *k, ptrdiff_t k_head, ptrdiff_t k_k, ptrdiff_t k_n,
                         const float *v, ptrdiff_t v_head, ptrdiff_t v_k, ptrdiff_t v_n,
                         const float *scale, const float *mask, float beta, float *out, ptrdiff_t out_head, ptrdiff_t out_m,
                         float *scratch) {
  if (heads <= 0 || m <= 0 || dv <= 0) return;
  attention_job job = {
    .heads = heads, .m = m, .n = n, .d = d, .dv = dv, .row_blocks = (m + ATTENTION_ROWS - 1) / ATTENTION_ROWS,
    .isa = glean_sgemm_isa(), .simd = glean_simd(), .q = q, .k = k, .v = v, .scale = scale, .mask = mask,
    .q_head = q_head, .q_m = q_m, .q_k = q_k, .k_head = k_head, .k_k = k_k, .k_n = k_n,
    .v_head = v_head, .v_k = v_k, .v_n = v_n, .out_head = out_head, .out_m = out_m, .beta = beta, .out = out,
    .packed_k_size = glean_sgemm_packed_size(d, n), .packed_v_size = glean_sgemm_packed_size(n, dv),
  };
  job.packed_k = scratch;
  job.packed_v = scratch + (size_t)heads * job.packed_k_size;
  job.scores = job.packed_v + (size_t)heads * job.packed_v_size;
  glean_pool_run(pool, pack_task, &job, heads);
  glean_pool_run(pool, attention_task, &job, heads * job.row_blocks);
}
