// A fixed pool of worker threads. glean_pool_run publishes a job (function, context, task count)
// under a new generation number. Tasks are split into one contiguous range per thread: each thread takes
// the tasks of its own range first (from that range's atomic counter), then helps with the others'
// ranges. Kernels number their tasks along the rows of their output, so thread t works on the same rows
// from one operator to the next and mostly reads what it wrote itself, from its own core's cache.
//
// Workers join a job while it is open. Once the caller has taken the last task (its own range, then what
// the others left), it closes the job and waits only for the workers inside it. A worker the system has not
// scheduled — another process busy on its core — then holds nothing up: the caller runs that worker's range
// itself instead of waiting for it to wake, join and find nothing left (before, every job waited for every
// worker: with one other busy process on a 2-core machine, a 2-thread QA inference took 136 ms, against 81 ms
// on one thread; now 87 ms — README, Speed). Workers spin briefly for the next job before sleeping on a
// condition variable.
#include "glean_kernels.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#define JOB_OPEN (UINT64_C(1) << 31)
#define JOB_INSIDE (JOB_OPEN - 1)   // mask of the count of workers inside the job
static uint32_t job_generation(uint64_t state) { return (uint32_t)(state >> 32); }

/// The index of the calling thread within the pool running it: 0 on callers, 1 ... threads − 1 on workers.
static _Thread_local int thread_index = 0;

int glean_pool_thread_index(void) { return thread_index; }

typedef struct {
  struct glean_pool *pool;
  int index;
} worker_start;

/// One thread's share of a job's tasks, next ..< end, on its own cache line.
typedef struct {
  _Alignas(64) atomic_int next;
  int end;
#if defined(GLEAN_POOL_STATS)
  double done;   // when the thread last left a job
  double busy;   // seconds the thread spent inside the current job's tasks
#endif
} task_range;

#if defined(GLEAN_POOL_STATS)
// Built with GLEAN_POOL_STATS defined, the pool measures how long its threads wait at the end of each job
// (from leaving the job to the last thread leaving it: the cost of tasks too coarse or spread unevenly), how
// long the caller works alone between jobs (the serial part), and the thread time spent inside tasks (against
// one thread's time for the same jobs, what running beside each other costs the threads: shared caches,
// lines moving between cores), and prints the totals when the process exits. Offline measurement, not in
// the package's builds:
//
//   swift build -c release --build-path .build-stats -Xcc -DGLEAN_POOL_STATS
//   .build-stats/release/glean benchmark MODEL --threads 2 --num-runs 20
#include <stdio.h>
#include <time.h>

static double stats_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

static long stats_jobs;
static double stats_job_seconds, stats_idle_seconds, stats_gap_seconds, stats_task_seconds, stats_last_end;

/// Thread time spent inside tasks so far (GLEAN_POOL_STATS builds only; offline benchmarks declare it themselves).
double glean_pool_stats_task_seconds(void);
double glean_pool_stats_task_seconds(void) { return stats_task_seconds; }

static void stats_report(void) {
  fprintf(stderr, "glean pool: %ld jobs over several threads, %.1f ms in them, %.1f ms of thread time inside their tasks, "
          "%.2f ms of thread time idle at their ends, %.2f ms between them\n", stats_jobs, stats_job_seconds * 1e3,
          stats_task_seconds * 1e3, stats_idle_seconds * 1e3, stats_gap_seconds * 1e3);
}
#endif

struct glean_pool {
  int threads;
  pthread_t *workers;
  worker_start *starts;
  pthread_mutex_t mutex;
  pthread_cond_t wake;
  // The current job.
  void (*fn)(void *, int);
  void *context;
  task_range *ranges;       // one per thread
  /// The job's generation (high 32 bits, bumped for each job), JOB_OPEN while workers may join it, and the
  /// number of workers inside it (low bits): one word, so that joining checks the job and counts in one step.
  _Atomic uint64_t state;
  atomic_int stop;
  atomic_flag in_use;       // set while a caller runs a job
};

/// Runs tasks of the current job: those of the calling thread's range, then what is left of the others'.
static void run_tasks(glean_pool *pool, int self) {
  for (int k = 0; k < pool->threads; k++) {
    task_range *range = &pool->ranges[(self + k) % pool->threads];
    for (;;) {
      int task = atomic_fetch_add_explicit(&range->next, 1, memory_order_relaxed);
      if (task >= range->end) break;
#if defined(GLEAN_POOL_STATS)
      double started = stats_now();
      pool->fn(pool->context, task);
      pool->ranges[self].busy += stats_now() - started;
#else
      pool->fn(pool->context, task);
#endif
    }
  }
}

static void *worker_main(void *arg) {
  const worker_start *start = arg;
  glean_pool *pool = start->pool;
  thread_index = start->index;
  uint32_t seen = 0;   // the last generation this worker saw
  for (;;) {
    uint64_t state = atomic_load_explicit(&pool->state, memory_order_acquire);
    for (int spin = 0; job_generation(state) == seen && spin < 20000; spin++) {
      if (spin > 1000) sched_yield();
      state = atomic_load_explicit(&pool->state, memory_order_acquire);
    }
    if (job_generation(state) == seen) {
      pthread_mutex_lock(&pool->mutex);
      while (job_generation(state = atomic_load(&pool->state)) == seen && !atomic_load(&pool->stop))
        pthread_cond_wait(&pool->wake, &pool->mutex);
      pthread_mutex_unlock(&pool->mutex);
    }
    if (atomic_load(&pool->stop)) return NULL;
    seen = job_generation(state);
    // Join the job unless the caller has closed it (every task taken) or published another since.
    int joined = 0;
    while (job_generation(state) == seen && (state & JOB_OPEN)) {
      if (atomic_compare_exchange_weak_explicit(&pool->state, &state, state + 1, memory_order_acquire, memory_order_acquire)) {
        joined = 1;
        break;
      }
    }
    if (!joined) continue;
    run_tasks(pool, start->index);
#if defined(GLEAN_POOL_STATS)
    pool->ranges[start->index].done = stats_now();   // published by the release below
#endif
    atomic_fetch_sub_explicit(&pool->state, 1, memory_order_release);
  }
}

glean_pool *glean_pool_create(int threads) {
  if (threads <= 1) return NULL;
  glean_pool *pool = calloc(1, sizeof *pool);
  if (!pool) return NULL;
  pool->workers = calloc((size_t)threads - 1, sizeof(pthread_t));
  pool->starts = calloc((size_t)threads - 1, sizeof(worker_start));
  pool->ranges = aligned_alloc(_Alignof(task_range), (size_t)threads * sizeof(task_range));
  if (!pool->workers || !pool->starts || !pool->ranges) {
    free(pool->workers); free(pool->starts); free(pool->ranges); free(pool);
    return NULL;
  }
  for (int t = 0; t < threads; t++) {
    atomic_init(&pool->ranges[t].next, 0);
    pool->ranges[t].end = 0;
#if defined(GLEAN_POOL_STATS)
    pool->ranges[t].done = 0;
    pool->ranges[t].busy = 0;
#endif
  }
  pthread_mutex_init(&pool->mutex, NULL);
  pthread_cond_init(&pool->wake, NULL);
  int started = 0;
  for (; started < threads - 1; started++) {
    pool->starts[started] = (worker_start){pool, started + 1};
    if (pthread_create(&pool->workers[started], NULL, worker_main, &pool->starts[started]) != 0) break;
  }
  pool->threads = started + 1;
  return pool;
}

void glean_pool_destroy(glean_pool *pool) {
  if (!pool) return;
  pthread_mutex_lock(&pool->mutex);
  atomic_store(&pool->stop, 1);
  atomic_fetch_add(&pool->state, UINT64_C(1) << 32);   // a new generation, closed: workers wake and see stop
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->mutex);
  for (int i = 0; i < pool->threads - 1; i++) pthread_join(pool->workers[i], NULL);
  pthread_cond_destroy(&pool->wake);
  pthread_mutex_destroy(&pool->mutex);
  free(pool->workers);
  free(pool->starts);
  free(pool->ranges);
  free(pool);
}

int glean_pool_threads(const glean_pool *pool) { return pool ? pool->threads : 1; }

void glean_pool_run(glean_pool *pool, void (*fn)(void *context, int task), void *context, int count) {
  if (count <= 0) return;
  // A pool busy with another caller's job (two interpreters sharing one) runs this one on the
  // caller: results do not depend on how tasks are spread.
  if (!pool || pool->threads <= 1 || count == 1 || atomic_flag_test_and_set_explicit(&pool->in_use, memory_order_acquire)) {
    for (int i = 0; i < count; i++) fn(context, i);
    return;
  }
  pool->fn = fn;
  pool->context = context;
  for (int t = 0; t < pool->threads; t++) {
    atomic_store_explicit(&pool->ranges[t].next, (int)((int64_t)count * t / pool->threads), memory_order_relaxed);
    pool->ranges[t].end = (int)((int64_t)count * (t + 1) / pool->threads);
  }
#if defined(GLEAN_POOL_STATS)
  for (int t = 1; t < pool->threads; t++) pool->ranges[t].done = -1;   // set again by the workers that join
#endif
  // No worker is inside the previous job (the caller waited for them) and none can join it (closed): the
  // job's fields above are the caller's until this store publishes them.
  uint64_t generation = (atomic_load_explicit(&pool->state, memory_order_relaxed) >> 32) + 1;
  pthread_mutex_lock(&pool->mutex);
  atomic_store_explicit(&pool->state, (generation << 32) | JOB_OPEN, memory_order_release);
  pthread_cond_broadcast(&pool->wake);
  pthread_mutex_unlock(&pool->mutex);
#if defined(GLEAN_POOL_STATS)
  double started = stats_now();
  // Time on the caller alone since the previous job (serial work the workers spin through); longer gaps
  // (between inferences, > 1 ms) are not counted.
  if (stats_last_end > 0 && started - stats_last_end < 0.001) stats_gap_seconds += started - stats_last_end;
#endif
  run_tasks(pool, 0);
#if defined(GLEAN_POOL_STATS)
  pool->ranges[0].done = stats_now();
#endif
  // Every task has been taken (some may still run on workers): close the job, then wait for the workers inside.
  atomic_fetch_and_explicit(&pool->state, ~JOB_OPEN, memory_order_acq_rel);
  for (int spin = 0; (atomic_load_explicit(&pool->state, memory_order_acquire) & JOB_INSIDE) != 0; spin++) {
    if (spin > 100) sched_yield();
  }
#if defined(GLEAN_POOL_STATS)
  {
    static int registered;
    if (!registered) { registered = 1; atexit(stats_report); }
    double last = 0;
    for (int t = 0; t < pool->threads; t++) last = pool->ranges[t].done > last ? pool->ranges[t].done : last;
    for (int t = 0; t < pool->threads; t++) {
      if (pool->ranges[t].done >= 0) stats_idle_seconds += last - pool->ranges[t].done;   // threads that joined
      stats_task_seconds += pool->ranges[t].busy;
      pool->ranges[t].busy = 0;
    }
    stats_job_seconds += last - started;
    stats_jobs++;
    stats_last_end = stats_now();
  }
#endif
  atomic_flag_clear_explicit(&pool->in_use, memory_order_release);
}
