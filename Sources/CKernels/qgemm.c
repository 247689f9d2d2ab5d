// Hybrid GEMM: int8 activations (quantized per row, zero point subtracted, widened to int16) times
// int8 weights, exact int32 dot products, then LiteRT's rescale to float. Packed weights: panels of 16 columns, each
// a sequence of depth pairs holding (w[j, 2p], w[j, 2p + 1]) for the panel's 16 columns j
// (32 bytes), zero-padded. AVX2 widens a pair row to int16 and multiplies it against the
// broadcast activation pair with vpmaddwd: int16 × int16 products (|q − zp| ≤ 255, |w| ≤ 128) summed
// in int32, so nothing saturates and the sums equal the reference's.
#include "glean_kernels.h"
#include "internal.h"
#include "epilogue.h"
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma clang fp contract(off)

#define QNR 16
#define QMR 6
#define QROW_BLOCK 96
#define QPANELS_PER_TASK 4

int glean_qgemm_row_stride(int k) { return (k + 1) & ~1; }

size_t glean_qgemm_packed_size(int k, int n) {
  size_t panels = ((size_t)n + QNR - 1) / QNR;
  return panels * (size_t)glean_qgemm_row_stride(k) * QNR;
}

void glean_qgemm_pack(const int8_t *w, int n, int k, int8_t *packed) {
  int pairs = glean_qgemm_row_stride(k) / 2, panels = (n + QNR - 1) / QNR;
  for (int panel = 0; panel < panels; panel++) {
    int8_t *out = packed + (size_t)panel * pairs * 2 * QNR;
    for (int pp = 0; pp < pairs; pp++) {
      for (int jj = 0; jj < QNR; jj++) {
        int j = panel * QNR + jj;
        for (int h = 0; h < 2; h++) {
          int p = 2 * pp + h;
          *out++ = (j < n && p < k) ? w[(size_t)j * k + p] : 0;
        }
      }
    }
  }
}

static void qtile_portable(int pairs, const int16_t *const a[QMR], const int8_t *panel, int32_t tile[QMR][QNR]) {
  int32_t acc[QMR][QNR];
  memset(acc, 0, sizeof acc);
  for (int pp = 0; pp < pairs; pp++) {
    const int8_t *bp = panel + (size_t)pp * 2 * QNR;
    for (int r = 0; r < QMR; r++) {
      int32_t a0 = a[r][2 * pp], a1 = a[r][2 * pp + 1];
      // Wrapping adds, as vpaddd: the int32 sums then agree with the reference's modulo 2^32.
      for (int j = 0; j < QNR; j++) acc[r][j] = (int32_t)((uint32_t)acc[r][j] + (uint32_t)(a0 * bp[2 * j] + a1 * bp[2 * j + 1]));
    }
  }
  memcpy(tile, acc, sizeof acc);
}

#if defined(__x86_64__)
/// Rescales row i's 16 int32 dots (columns j ..< j + 16) to floats and applies the epilogue, as the
/// scalar code does, operation for operation.
__attribute__((target("avx2")))
static inline void rescale_row_avx2(__m256i d0, __m256i d1, float row_scale, const float *weight_scales,
                                    const glean_epilogue *e, ptrdiff_t i, ptrdiff_t j, float *out) {
  __m256 rs = _mm256_set1_ps(row_scale);
  __m256 s0 = _mm256_mul_ps(rs, _mm256_loadu_ps(weight_scales + j)), s1 = _mm256_mul_ps(rs, _mm256_loadu_ps(weight_scales + j + 8));
  const float *bias = e ? e->bias : NULL;
  __m256 b0 = bias ? _mm256_loadu_ps(bias + j) : _mm256_setzero_ps(), b1 = bias ? _mm256_loadu_ps(bias + j + 8) : _mm256_setzero_ps();
  __m256 v0 = _mm256_add_ps(b0, _mm256_mul_ps(_mm256_cvtepi32_ps(d0), s0));
  __m256 v1 = _mm256_add_ps(b1, _mm256_mul_ps(_mm256_cvtepi32_ps(d1), s1));
  if (glean_epilogue_has_tail(e)) {
    const glean_epilogue local = *e;   // see glean_epilogue_store_avx2
    glean_epilogue_store_avx2(&local, v0, i, j, out);
    glean_epilogue_store_avx2(&local, v1, i, j + 8, out + 8);
  } else {
    _mm256_storeu_ps(out, v0);
    _mm256_storeu_ps(out + 8, v1);
  }
}

/// One row's step of the AVX2 tile: the broadcast activation pair (a[2p], a[2p + 1]) against the 16
/// columns' weight pairs, products summed in int32 by vpmaddwd.
#define QROW_STEP(r, row)                                                                \
  do {                                                                                   \
    int32_t pair;                                                                        \
    memcpy(&pair, (row) + 2 * pp, 4);                                                    \
    __m256i x = _mm256_set1_epi32(pair);                                                 \
    c##r##0 = _mm256_add_epi32(c##r##0, _mm256_madd_epi16(x, b0));                      \
    c##r##1 = _mm256_add_epi32(c##r##1, _mm256_madd_epi16(x, b1));                      \
  } while (0)

/// The AVX2 tile: QMR (6) rows × QNR (16) columns in 12 accumulators, the top-left one y[i, j]. When
/// whole it rescales, applies the epilogue and writes y itself and returns 1; otherwise it leaves the int32
/// dots in `tile`.
__attribute__((target("avx2")))
static int qtile_avx2(int pairs, const int16_t *const a[QMR], const int8_t *panel, int32_t tile[QMR][QNR],
                      int rows, int width, const float *row_scales, const float *weight_scales, const glean_epilogue *e,
                      ptrdiff_t i, ptrdiff_t j, float *y, ptrdiff_t ldy) {
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256i c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  const int16_t *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
  const int8_t *bp = panel;
  if (e && e->residual && rows == QMR && width == QNR) {
    // The epilogue reads a residual tile written long before: start fetching it now.
    for (int r = 0; r < QMR; r++) _mm_prefetch((const char *)(e->residual + (i + r) * e->residual_ld + j), _MM_HINT_T0);
  }
  for (int pp = 0; pp < pairs; pp++) {
    __m256i b0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)bp));
    __m256i b1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(bp + 16)));
    bp += 2 * QNR;
    QROW_STEP(0, a0); QROW_STEP(1, a1); QROW_STEP(2, a2);
    QROW_STEP(3, a3); QROW_STEP(4, a4); QROW_STEP(5, a5);
  }
  if (rows == QMR && width == QNR) {
    rescale_row_avx2(c00, c01, row_scales[0], weight_scales, e, i + 0, j, y);
    rescale_row_avx2(c10, c11, row_scales[1], weight_scales, e, i + 1, j, y + ldy);
    rescale_row_avx2(c20, c21, row_scales[2], weight_scales, e, i + 2, j, y + 2 * ldy);
    rescale_row_avx2(c30, c31, row_scales[3], weight_scales, e, i + 3, j, y + 3 * ldy);
    rescale_row_avx2(c40, c41, row_scales[4], weight_scales, e, i + 4, j, y + 4 * ldy);
    rescale_row_avx2(c50, c51, row_scales[5], weight_scales, e, i + 5, j, y + 5 * ldy);
    return 1;
  }
  _mm256_storeu_si256((__m256i *)tile[0], c00); _mm256_storeu_si256((__m256i *)(tile[0] + 8), c01);
  _mm256_storeu_si256((__m256i *)tile[1], c10); _mm256_storeu_si256((__m256i *)(tile[1] + 8), c11);
  _mm256_storeu_si256((__m256i *)tile[2], c20); _mm256_storeu_si256((__m256i *)(tile[2] + 8), c21);
  _mm256_storeu_si256((__m256i *)tile[3], c30); _mm256_storeu_si256((__m256i *)(tile[3] + 8), c31);
  _mm256_storeu_si256((__m256i *)tile[4], c40); _mm256_storeu_si256((__m256i *)(tile[4] + 8), c41);
  _mm256_storeu_si256((__m256i *)tile[5], c50); _mm256_storeu_si256((__m256i *)(tile[5] + 8), c51);
  return 0;
}
#undef QROW_STEP
#endif

typedef struct {
  int m, n, k;
  const int16_t *q;
  const float *row_scales;
  const int8_t *packed_w;
  const float *weight_scales;
  const glean_epilogue *epilogue;
  float *y;
  ptrdiff_t ldy;
  int column_chunks;
  int avx2;
} qgemm_job;

/// Rows i_begin ..< i_end and panels panel_begin ..< panel_end of the product, on the calling thread.
static void qgemm_block(const qgemm_job *job, int i_begin, int i_end, int panel_begin, int panel_end) {
  int stride = glean_qgemm_row_stride(job->k), pairs = stride / 2;
  int32_t tile[QMR][QNR];
  for (int panel = panel_begin; panel < panel_end; panel++) {
    const int8_t *pw = job->packed_w + (size_t)panel * stride * QNR;
    int j0 = panel * QNR, width = job->n - j0 < QNR ? job->n - j0 : QNR;
    for (int i = i_begin; i < i_end; i += QMR) {
      int rows = i_end - i < QMR ? i_end - i : QMR;
      const int16_t *a[QMR];
      for (int r = 0; r < QMR; r++) a[r] = job->q + (size_t)(i + (r < rows ? r : 0)) * stride;
#if defined(__x86_64__)
      if (job->avx2) {
        if (qtile_avx2(pairs, a, pw, tile, rows, width, job->row_scales + i, job->weight_scales, job->epilogue, i, j0,
                       job->y + (ptrdiff_t)i * job->ldy + j0, job->ldy)) continue;
      } else
#endif
        qtile_portable(pairs, a, pw, tile);
      const glean_epilogue *e = job->epilogue;
      for (int r = 0; r < rows; r++) {
        float *out = job->y + (ptrdiff_t)(i + r) * job->ldy + j0;
        float row_scale = job->row_scales[i + r];
        for (int j = 0; j < width; j++) {
          int32_t dot = tile[r][j];
          float scale = row_scale * job->weight_scales[j0 + j];
          float base = e && e->bias ? e->bias[j0 + j] : 0.0f;
          glean_epilogue_store(e, base + (float)dot * scale, i + r, j0 + j, out + j);
        }
      }
    }
  }
}

static void qgemm_task(void *context, int task) {
  const qgemm_job *job = context;
  int i_begin, i_end, panel_begin, panel_end;
  glean_gemm_task_block(task, job->column_chunks, job->m, QROW_BLOCK, job->n, QNR, QPANELS_PER_TASK, &i_begin, &i_end, &panel_begin, &panel_end);
  qgemm_block(job, i_begin, i_end, panel_begin, panel_end);
}

void glean_qgemm(glean_pool *pool, int m, int n, int k, const int16_t *q, const float *row_scales,
                 const int8_t *packed_w, const float *weight_scales, const glean_epilogue *epilogue, float *y, ptrdiff_t ldy) {
  if (m <= 0 || n <= 0) return;
  int panels = (n + QNR - 1) / QNR;
  qgemm_job job = {m, n, k, q, row_scales, packed_w, weight_scales, epilogue, y, ldy,
                   (panels + QPANELS_PER_TASK - 1) / QPANELS_PER_TASK, glean_has_avx2_fma()};
  int row_blocks = (m + QROW_BLOCK - 1) / QROW_BLOCK;
  glean_pool_run(pool, qgemm_task, &job, row_blocks * job.column_chunks);
}

typedef struct {
  qgemm_job gemm;
  const float *x;
  int asymmetric, row_block;
  int16_t *q;
  float *row_scales;
  int32_t *zero_points;
} hybrid_job;

/// One block of rows, every column: quantize the rows, then multiply them by every panel while they are in cache.
static void hybrid_task(void *context, int task) {
  const hybrid_job *job = context;
  int m = job->gemm.m, i_begin = task * job->row_block, i_end = i_begin + job->row_block < m ? i_begin + job->row_block : m;
  glean_quantize_row_range(job->x, job->gemm.k, job->asymmetric, job->gemm.avx2, job->q, job->row_scales, job->zero_points,
                           i_begin, i_end);
  qgemm_block(&job->gemm, i_begin, i_end, 0, (job->gemm.n + QNR - 1) / QNR);
}

void glean_hybrid_fully_connected(glean_pool *pool, int m, int n, int k, const float *x, int asymmetric, int16_t *q,
                                  float *row_scales, int32_t *zero_points, const int8_t *packed_w, const float *weight_scales,
                                  const glean_epilogue *epilogue, float *y, ptrdiff_t ldy) {
  if (m <= 0 || n <= 0) return;
  // Blocks of whole tiles, at least two per thread where the rows allow, at most QROW_BLOCK rows.
  int threads = glean_pool_threads(pool), per_block = (m + 2 * threads - 1) / (2 * threads);
  int row_block = (per_block + QMR - 1) / QMR * QMR;
  if (row_block > QROW_BLOCK) row_block = QROW_BLOCK;
  hybrid_job job = {
    .gemm = {m, n, k, q, row_scales, packed_w, weight_scales, epilogue, y, ldy, 1, glean_has_avx2_fma()},
    .x = x, .asymmetric = asymmetric, .row_block = row_block, .q = q, .row_scales = row_scales, .zero_points = zero_points,
  };
  glean_pool_run(pool, hybrid_task, &job, (m + row_block - 1) / row_block);
}
