// Fused attention: BATCH_MATMUL(Q, K) → [MUL scale] → ADD mask → SOFTMAX → BATCH_MATMUL(·, V) per head,
// a block of ATTENTION_ROWS query rows at a time. The unfused graph writes the scores of every head
// (heads × m × n floats, megabytes) and reads them back three times; here each block of scores is
// computed into per-thread scratch, turned into probabilities and multiplied by V while it is in L2.
//
// Two phases over the thread pool: pack K_h and V_h of every head (as the unfused BATCH_MATMUL packs its
// right side), then one task per (head, row block). Both products are glean_sgemm on one thread and the
// softmax is glean_masked_softmax_rows, so every value is the unfused kernels' bit for bit.
//
// Padding. A BERT input shorter than the model's sequence is padded, and the mask gives the padded keys
// −10000 (or less): their probabilities come out exactly +0 and they add nothing to the output, yet they
// cost as much as real keys in both products. When the mask ends in such a run of keys, the packing phase
// proves, head by head, that every query's exponential of every one of those keys is flushed to zero (below),
// and then that head's products and softmax stop at the first of them (`keys`, a multiple of 16). The values
// are the same: the row maximum is a real key's, the softmax's 16-lane sums only miss steps that add +0, and
// the second product only misses fma(+0, v, s) = s steps (V's skipped rows must be finite). The one
// difference: a sum of exactly zero can keep a −0 that adding +0 would have made +0; they compare equal.
// Where the proof fails (huge scores, a mild mask, an infinite or NaN operand) the head runs whole.
#include "glean_kernels.h"
#include "internal.h"
#include <math.h>

#define ATTENTION_ROWS 24   // query rows per task (a multiple of the GEMM tiles' 6 and 12 rows)
#define PADDING_MASK -1000.0f   // mask values at or below this count as padding, if the proof below holds
#define KEY_STEP 16            // keys are cut at multiples of this (the softmax's step: its lane sums stay the same)

typedef struct {
  int heads, m, n, d, dv, row_blocks, isa, simd;   // isa: glean_sgemm_isa(), for the GEMMs; simd: glean_simd(), for the softmax
  const float *q, *k, *v, *scale, *mask;
  ptrdiff_t q_head, q_m, q_k, k_head, k_k, k_n, v_head, v_k, v_n, out_head, out_m;
  float beta;
  float *out, *packed_k, *packed_v, *scores;
  size_t packed_k_size, packed_v_size;
  // Padding: keys padding ..< n have mask values ≤ PADDING_MASK, the largest `padding_mask`; `anchor` is a key
  // before them with the largest mask value (finite). padding == n: none to skip.
  int padding, anchor;
  float padding_mask;
  int *keys;   // per head: the keys its products and softmax run over (padding or n)
} attention_job;

size_t glean_attention_scratch_floats(int heads, int m, int n, int d, int dv, int threads) {
  (void)m;
  if (threads < 1) threads = 1;
  return (size_t)heads * (glean_sgemm_packed_size(d, n) + glean_sgemm_packed_size(n, dv) + 1) + (size_t)threads * ATTENTION_ROWS * (size_t)n;
}

/// √(Σ x[i·stride]², i < count), in float (four partial sums, which the compiler turns into one vector): +∞ when
/// it overflows, NaN when an element is NaN.
static float norm(const float *x, ptrdiff_t stride, int count) {
  float sums[4] = {0, 0, 0, 0};
  int i = 0;
  if (stride == 1) {
    for (; i + 4 <= count; i += 4) {
      for (int lane = 0; lane < 4; lane++) sums[lane] += x[i + lane] * x[i + lane];
    }
  }
  for (; i < count; i++) sums[0] += x[i * stride] * x[i * stride];
  return sqrtf((sums[0] + sums[1]) + (sums[2] + sums[3]));
}

/// Whether head `head` may leave out keys job->padding ..< n: for every query row, each such key's score is
/// far enough below the anchor key's that exp(beta · (score − row maximum)) is flushed to +0 (its argument is
/// below −100, where every exponential of the softmax gives exactly +0), and V's rows there are finite.
///
/// The scores are y_j = fl(fl(q_i · k_j) · scale) + mask_j (no product when scale is NULL), and
/// |q_i · k_j| ≤ ‖q_i‖ ‖k_j‖ (Cauchy–Schwarz). With Q the largest ‖q_i‖ and K the largest ‖k_j‖ over the
/// padded keys: every padded y_j ≤ |scale| Q K · 1.001 + padding_mask · (1 − 2⁻¹⁰) + 1, and each row's maximum
/// is at least y_anchor ≥ −|scale| Q ‖k_anchor‖ · 1.001 + mask_anchor − |mask_anchor| · 0.001 − 1. The factors
/// and terms cover the rounding of the norms, the dot product (relative 2⁻²³ times the depth at most), the
/// product and the sum. One comparison for the head, written so that a NaN or an infinity fails it: such a
/// head runs whole, and gives what the unfused kernels give.
static int padding_is_skippable(const attention_job *job, int head) {
  int d = job->d, n = job->n, dv = job->dv;
  const float *k = job->k + head * job->k_head, *v = job->v + head * job->v_head, *q = job->q + head * job->q_head;
  float k_max = 0, q_max = 0;
  for (int j = job->padding; j < n; j++) {
    float kn = norm(k + j * job->k_n, job->k_k, d);
    if (!(kn < INFINITY)) return 0;   // infinite or NaN
    k_max = kn > k_max ? kn : k_max;
    const float *vj = v + j * job->v_k;
    if (job->v_n == 1) {
      if (!glean_all_finite_f32(vj, (size_t)dv)) return 0;   // 0 · x is not 0 for an infinite or NaN x
    } else {
      for (int c = 0; c < dv; c++) {
        if (!isfinite(vj[c * job->v_n])) return 0;
      }
    }
  }
  for (int i = 0; i < job->m; i++) {
    float qn = norm(q + i * job->q_m, job->q_k, d);
    if (!(qn < INFINITY)) return 0;
    q_max = qn > q_max ? qn : q_max;
  }
  float scale = job->scale ? fabsf(*job->scale) : 1.0f, anchor_mask = job->mask[job->anchor];
  float anchor_norm = norm(k + job->anchor * job->k_n, job->k_k, d);
  float upper = scale * q_max * k_max * 1.001f + job->padding_mask * (1.0f - 0x1p-10f) + 1.0f;
  float lower = -(scale * q_max * anchor_norm * 1.001f) + anchor_mask - fabsf(anchor_mask) * 0.001f - 1.0f;
  return job->beta * (upper - lower) < -100.0f;
}

static void pack_task(void *context, int head) {
  const attention_job *job = context;
  // K's panels come first to last whatever their number, so its first `keys` columns pack alone; V is packed
  // with a depth of `keys` rows.
  int keys = job->padding < job->n && padding_is_skippable(job, head) ? job->padding : job->n;
  job->keys[head] = keys;
  glean_sgemm_pack(job->k + head * job->k_head, job->k_k, job->k_n, job->d, keys, job->packed_k + head * job->packed_k_size);
  glean_sgemm_pack(job->v + head * job->v_head, job->v_k, job->v_n, keys, job->dv, job->packed_v + head * job->packed_v_size);
}

static void attention_task(void *context, int task) {
  const attention_job *job = context;
  int head = task / job->row_blocks, block = task % job->row_blocks;
  int r0 = block * ATTENTION_ROWS, rows = job->m - r0 < ATTENTION_ROWS ? job->m - r0 : ATTENTION_ROWS;
  int keys = job->keys[head];
  float *scores = job->scores + (size_t)glean_pool_thread_index() * ATTENTION_ROWS * (size_t)job->n;
  const float *q = job->q + head * job->q_head + r0 * job->q_m;
  glean_sgemm_serial(job->isa, rows, keys, job->d, q, job->q_m, job->q_k, job->packed_k + head * job->packed_k_size, NULL, scores, keys);
  glean_masked_softmax_rows(scores, job->scale, job->mask, scores, rows, keys, job->beta, job->simd);
  float *out = job->out + head * job->out_head + r0 * job->out_m;
  glean_sgemm_serial(job->isa, rows, job->dv, keys, scores, keys, 1, job->packed_v + head * job->packed_v_size, NULL, out, job->out_m);
}

/// Sets job->padding, padding_mask and anchor from the mask: the padding is the run of keys at the end whose
/// mask values are all ≤ PADDING_MASK, from a multiple of KEY_STEP on, when the keys are a multiple of
/// KEY_STEP (so that the softmax's steps stay the same), beta > 0 and no mask value is NaN or +∞.
static void find_padding(attention_job *job) {
  int n = job->n, last_real = -1;
  job->padding = n;
  if (n % KEY_STEP != 0 || !(job->beta > 0)) return;
  for (int j = 0; j < n; j++) {
    float mask = job->mask[j];
    if (mask != mask || mask == INFINITY) return;
    if (mask > PADDING_MASK) last_real = j;
  }
  int padding = (last_real + 1 + KEY_STEP - 1) / KEY_STEP * KEY_STEP;
  if (padding == 0 || padding >= n) return;
  int anchor = 0;
  for (int j = 1; j < padding; j++) anchor = job->mask[j] > job->mask[anchor] ? j : anchor;
  if (!isfinite(job->mask[anchor])) return;
  float padding_mask = -INFINITY;
  for (int j = padding; j < n; j++) padding_mask = job->mask[j] > padding_mask ? job->mask[j] : padding_mask;
  job->padding = padding;
  job->anchor = anchor;
  job->padding_mask = padding_mask;
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
  job.keys = (int *)(job.scores + (size_t)glean_pool_threads(pool) * ATTENTION_ROWS * (size_t)n);
  find_padding(&job);
  glean_pool_run(pool, pack_task, &job, heads);
  glean_pool_run(pool, attention_task, &job, heads * job.row_blocks);
}
