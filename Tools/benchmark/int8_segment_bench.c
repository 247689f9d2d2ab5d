// Whether running the dynamic-range MobileBERT's row-wise ops depth first would pay: between two attentions
// every op works row by row (attention output FULLY_CONNECTED + residual + NoNorm, four FFNs, the output
// bottleneck with its split NoNorm, the next layer's two bottlenecks, Q, K and V: 15 hybrid
// FULLY_CONNECTEDs), so a block of rows could go through all of them while its intermediates stay in L2, and at
// two threads each thread could take its own blocks with no barrier between the ops. Times 24 such segments,
// each layer with its own int8 weights (24 MB in all, as the model), three ways in alternating rounds:
//   - op by op over all 384 rows, each FULLY_CONNECTED one pool job (what the interpreter does);
//   - each block of 96 (or 48) rows through the whole segment, one pool task per block (the depth-first
//     schedule: at 2 threads, no job boundary inside a segment).
// Prints the best round of each at 1 and 2 threads. Offline tool, not part of the package:
//
//   S=Sources/CKernels; clang -O2 -I$S/include -I$S Tools/benchmark/int8_segment_bench.c $S/*.c -o /tmp/int8_segment_bench -lm -lpthread
//   /tmp/int8_segment_bench [rounds (10)]
#include "glean_kernels.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { ROWS = 384, HIDDEN = 128, WIDE = 512, LAYERS = 24, FCS = 15, MAX_THREADS = 2 };

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *filled(int n, float value) {
  float *x = malloc(sizeof(float) * (size_t)n);
  if (!x) exit(1);
  for (int i = 0; i < n; i++) x[i] = value;
  return x;
}

static float *noise(int n) {
  float *x = filled(n, 0);
  for (int i = 0; i < n; i++) x[i] = rand() / (float)RAND_MAX - 0.5f;
  return x;
}

typedef struct {
  int k, n;
  int8_t *packed;
  float *scales, *bias;
} layer_fc;

/// The segment's FULLY_CONNECTEDs in order, (k, n): attention output; FFN up and down, four times; output
/// bottleneck; next layer's input bottleneck, V, attention bottleneck; Q and K.
static const int shapes[FCS][2] = {{HIDDEN, HIDDEN}, {HIDDEN, WIDE}, {WIDE, HIDDEN}, {HIDDEN, WIDE}, {WIDE, HIDDEN},
                                   {HIDDEN, WIDE},   {WIDE, HIDDEN}, {HIDDEN, WIDE}, {WIDE, HIDDEN}, {HIDDEN, WIDE},
                                   {WIDE, HIDDEN},   {WIDE, HIDDEN}, {WIDE, HIDDEN}, {HIDDEN, HIDDEN}, {HIDDEN, HIDDEN}};
static layer_fc fcs[LAYERS][FCS];

// Activations (whole matrices; a block of rows uses its rows of each) and per-thread quantization scratch.
static float *attention, *bottleneck, *ffn[5], *intermediate, *layer_input, *sum, *normalized, *next_bottleneck,
    *attention_bottleneck, *q, *k, *v;
static float *gamma_narrow, *beta_narrow, *gamma_wide, *beta_wide;
static void *quantized[MAX_THREADS];
static float *row_scales[MAX_THREADS];
static int32_t *zero_points[MAX_THREADS];

/// FULLY_CONNECTED `index` of `layer` on rows r0 ..< r0 + rows of x (quantized first unless `reuse`: the
/// previous call quantized the same rows), epilogue e (its residual and second output offset to the rows).
static void run_fc(glean_pool *pool, int layer, int index, int r0, int rows, const float *x, int reuse, int thread, glean_epilogue e,
                   float *y) {
  const layer_fc *f = &fcs[layer][index];
  e.bias = f->bias;
  if (e.residual) e.residual += (ptrdiff_t)r0 * e.residual_ld;
  if (e.second) e.second += (ptrdiff_t)r0 * e.second_ld;
  glean_hybrid_fully_connected(pool, rows, f->n, f->k, reuse ? NULL : x + (ptrdiff_t)r0 * f->k, 1, quantized[thread], row_scales[thread],
                               zero_points[thread], f->packed, f->scales, &e, y + (ptrdiff_t)r0 * f->n, f->n);
}

static void segment(glean_pool *pool, int layer, int r0, int rows, int thread) {
  glean_epilogue plain = {0}, relu = {.clamp = 1, .clamp_lo = 0, .clamp_hi = INFINITY};
  glean_epilogue attention_out = {.residual = bottleneck, .residual_ld = HIDDEN, .scale = gamma_narrow, .scale_per_column = 1,
                                  .shift = beta_narrow, .shift_per_column = 1};
  run_fc(pool, layer, 0, r0, rows, attention, 0, thread, attention_out, ffn[0]);
  for (int f = 0; f < 4; f++) {
    run_fc(pool, layer, 1 + 2 * f, r0, rows, ffn[f], 0, thread, relu, intermediate);
    glean_epilogue down = {.residual = ffn[f], .residual_ld = HIDDEN};
    if (f < 3) down = (glean_epilogue){.residual = ffn[f], .residual_ld = HIDDEN, .scale = gamma_narrow, .scale_per_column = 1,
                                       .shift = beta_narrow, .shift_per_column = 1};
    run_fc(pool, layer, 2 + 2 * f, r0, rows, intermediate, 0, thread, down, ffn[f + 1]);
  }
  glean_epilogue output = {.residual = layer_input, .residual_ld = WIDE, .second = normalized, .second_ld = WIDE, .scale = gamma_wide,
                           .scale_per_column = 1, .shift = beta_wide, .shift_per_column = 1};
  run_fc(pool, layer, 9, r0, rows, ffn[4], 0, thread, output, sum);
  run_fc(pool, layer, 10, r0, rows, sum, 0, thread, plain, next_bottleneck);
  run_fc(pool, layer, 11, r0, rows, sum, 1, thread, plain, v);
  run_fc(pool, layer, 12, r0, rows, normalized, 0, thread, plain, attention_bottleneck);
  run_fc(pool, layer, 13, r0, rows, attention_bottleneck, 0, thread, plain, q);
  run_fc(pool, layer, 14, r0, rows, attention_bottleneck, 1, thread, plain, k);
}

typedef struct {
  int layer, block;
} blocks_job;

static void block_task(void *context, int task) {
  const blocks_job *job = context;
  int r0 = task * job->block, rows = ROWS - r0 < job->block ? ROWS - r0 : job->block;
  segment(NULL, job->layer, r0, rows, glean_pool_thread_index());
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 10;
  if (rounds < 1) rounds = 1;
  for (int layer = 0; layer < LAYERS; layer++) {
    for (int f = 0; f < FCS; f++) {
      int kk = shapes[f][0], n = shapes[f][1];
      int8_t *w = malloc((size_t)kk * n), *packed = malloc(glean_qgemm_packed_size(kk, n));
      if (!w || !packed) return 1;
      for (int i = 0; i < kk * n; i++) w[i] = (int8_t)(rand() % 255 - 127);
      glean_qgemm_pack(w, n, kk, packed);
      free(w);
      fcs[layer][f] = (layer_fc){kk, n, packed, filled(n, 1.0f / (73.0f * sqrtf((float)kk))), filled(n, 0.01f)};
    }
  }
  attention = noise(ROWS * HIDDEN);
  bottleneck = noise(ROWS * HIDDEN);
  layer_input = noise(ROWS * WIDE);
  for (int i = 0; i < 5; i++) ffn[i] = filled(ROWS * HIDDEN, 0);
  intermediate = filled(ROWS * WIDE, 0);
  sum = filled(ROWS * WIDE, 0);
  normalized = filled(ROWS * WIDE, 0);
  next_bottleneck = filled(ROWS * HIDDEN, 0);
  attention_bottleneck = filled(ROWS * HIDDEN, 0);
  q = filled(ROWS * HIDDEN, 0);
  k = filled(ROWS * HIDDEN, 0);
  v = filled(ROWS * HIDDEN, 0);
  gamma_narrow = filled(HIDDEN, 0.99f);
  beta_narrow = filled(HIDDEN, 0.02f);
  gamma_wide = filled(WIDE, 1.01f);
  beta_wide = filled(WIDE, 0.01f);
  for (int t = 0; t < MAX_THREADS; t++) {
    quantized[t] = malloc(glean_qgemm_quantized_bytes(ROWS, WIDE));
    row_scales[t] = filled(ROWS, 0);
    zero_points[t] = malloc(sizeof(int32_t) * ROWS);
    if (!quantized[t] || !zero_points[t]) return 1;
  }
  glean_pool *two = glean_pool_create(2);
  const int blocks[3] = {0, 96, 48};   // 0: op by op over all rows
  for (int threads = 1; threads <= 2; threads++) {
    glean_pool *pool = threads == 2 ? two : NULL;   // NULL: the caller runs every task
    double best[3] = {1e9, 1e9, 1e9};
    for (int round = 0; round < rounds; round++) {
      for (int step = 0; step < 3; step++) {
        int b = (round + step) % 3;
        double start = now();
        for (int layer = 0; layer < LAYERS; layer++) {
          if (blocks[b] == 0) {
            segment(pool, layer, 0, ROWS, 0);
          } else {
            blocks_job job = {layer, blocks[b]};
            glean_pool_run(pool, block_task, &job, (ROWS + blocks[b] - 1) / blocks[b]);
          }
        }
        double seconds = now() - start;
        if (seconds < best[b]) best[b] = seconds;
      }
    }
    printf("%d thread%s, 24 segments of 15 hybrid FULLY_CONNECTEDs: op by op %.2f ms, blocks of 96 rows %.2f ms (%.3fx), of 48 rows %.2f ms "
           "(%.3fx); kernels: %s\n", threads, threads == 1 ? "" : "s", best[0] * 1e3, best[1] * 1e3, best[1] / best[0], best[2] * 1e3,
           best[2] / best[0], glean_kernels_isa());
  }
  glean_pool_destroy(two);
  return 0;
}
