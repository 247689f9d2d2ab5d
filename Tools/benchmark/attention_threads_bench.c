// How the fused attention (glean_attention_f32) scales from one thread to two, on the QA model's shape
// (12 heads, 384 queries and keys, head size 32, heads merged in the output as the model has them): best and
// median of the rounds at each thread count, alternating, and the ratio of the bests. Built against two
// trees of Sources/CKernels, it compares how they share the work between threads. Offline tool, not part of
// the package:
//
//   S=Sources/CKernels; clang -O2 -I$S/include -I$S Tools/benchmark/attention_threads_bench.c $S/*.c \
//     -o /tmp/attention_threads_bench -lm -lpthread
//   /tmp/attention_threads_bench [rounds (40)] [alone: 1 for one-thread rounds only]
//
// Two copies started together with `40 1` (`b=/tmp/attention_threads_bench; $b 40 1 & $b 40 1; wait`) show what
// two single-thread processes lose beside each other, against one copy alone.
//
// Built with -DGLEAN_POOL_STATS, it also reports the thread time spent inside the tasks of the 2-thread calls
// (both threads together), per call in the fastest 2-thread round, against the fastest 1-thread round: how
// much slower the same work runs when two threads run it beside each other (shared caches, lines moving
// between cores), apart from waiting at the job's end. On a shared host this ratio varies less than the
// wall-clock times.
#include "glean_kernels.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { HEADS = 12, M = 384, D = 32, CALLS = 5, MAX_ROUNDS = 1000 };

#if defined(GLEAN_POOL_STATS)
double glean_pool_stats_task_seconds(void);   // thread_pool.c, GLEAN_POOL_STATS builds
#endif

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 40, one_thread_only = argc > 2 && atoi(argv[2]) == 1;
  if (rounds < 1) rounds = 1;
  if (rounds > MAX_ROUNDS) rounds = MAX_ROUNDS;
  size_t elements = (size_t)HEADS * M * D;
  float *q = malloc(elements * 4), *k = malloc(elements * 4), *v = malloc(elements * 4), *out = malloc(elements * 4);
  float *mask = calloc(M, 4), scale = 0.17677669f;
  if (!q || !k || !v || !out || !mask) return 1;
  for (size_t i = 0; i < elements; i++) {
    q[i] = rand() / (float)RAND_MAX - 0.5f;
    k[i] = rand() / (float)RAND_MAX - 0.5f;
    v[i] = rand() / (float)RAND_MAX;
  }
  glean_pool *pools[3] = {NULL, NULL, glean_pool_create(2)};
  size_t scratch_bytes = (glean_attention_scratch_floats(HEADS, M, M, D, D, 2) * 4 + 63) / 64 * 64;
  float *scratch = aligned_alloc(64, scratch_bytes);
  if (!scratch) return 1;
  static double times[3][MAX_ROUNDS];
  double fastest_two = 1e9, task_seconds_fastest_two = 0;
  for (int round = 0; round < rounds; round++) {
    for (int step = 0; step < 2; step++) {
      int threads = (round + step) % 2 ? 2 : 1;
      if (one_thread_only && threads == 2) continue;
#if defined(GLEAN_POOL_STATS)
      double tasks_before = glean_pool_stats_task_seconds();
#endif
      double started = now();
      // Q, K and V as the model's FULLY_CONNECTED+TRANSPOSE nodes leave them: (M, heads, D), read per head.
      for (int call = 0; call < CALLS; call++)
        glean_attention_f32(pools[threads], HEADS, M, M, D, D, q, D, HEADS * D, 1, k, D, 1, HEADS * D, v, D, HEADS * D, 1, &scale, mask,
                            1.0f, out, D, HEADS * D, scratch);
      times[threads][round] = (now() - started) / CALLS;
      if (threads == 2 && times[2][round] < fastest_two) {
        fastest_two = times[2][round];
#if defined(GLEAN_POOL_STATS)
        task_seconds_fastest_two = (glean_pool_stats_task_seconds() - tasks_before) / CALLS;
#endif
      }
    }
  }
  for (int t = 1; t <= 2; t++) qsort(times[t], (size_t)rounds, sizeof(double), by_value);
  if (one_thread_only) {
    printf("attention %d heads, %d x %d, head size %d: 1 thread best %.3f ms (median %.3f)\n", HEADS, M, M, D, times[1][0] * 1e3,
           times[1][rounds / 2] * 1e3);
    return 0;
  }
  printf("attention %d heads, %d x %d, head size %d: 1 thread best %.3f ms (median %.3f), 2 threads best %.3f ms (median %.3f): "
         "%.2fx\n", HEADS, M, M, D, times[1][0] * 1e3, times[1][rounds / 2] * 1e3, times[2][0] * 1e3, times[2][rounds / 2] * 1e3,
         times[1][0] / times[2][0]);
  if (task_seconds_fastest_two > 0) {
    printf("thread time inside the tasks, fastest 2-thread round: %.3f ms a call, %.3fx the fastest 1-thread round\n",
           task_seconds_fastest_two * 1e3, task_seconds_fastest_two / times[1][0]);
  }
  return 0;
}
