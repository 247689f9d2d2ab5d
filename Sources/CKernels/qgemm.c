// Hybrid GEMM: int8 activations (quantized per row) times int8 weights, exact int32 dot products, then
// LiteRT's rescale to float. The packed weights begin with a 64-byte header naming one of two layouts,
// chosen when they are packed (glean_qgemm_pack) by what the CPU has:
//
// - Pairs (AVX2 without VNNI, portable): panels of 16 columns, each a sequence of depth pairs holding
//   (w[j, 2p], w[j, 2p + 1]) for the panel's 16 columns j (32 bytes), zero-padded. Activations are q − zp
//   widened to int16; AVX2 widens a pair row to int16 and multiplies it against the broadcast activation
//   pair with vpmaddwd: int16 × int16 products (|q − zp| ≤ 255, |w| ≤ 128) summed in int32, so nothing
//   saturates and the sums equal the reference's.
// - Quads (VNNI on x86-64, sdot on arm64): panels of 16 columns, each the panel's 16 column sums Σ_p w[j, p] (int32), then a
//   sequence of depth quads holding w[j, 4p ..< 4p + 4] for the 16 columns (64 bytes), zero-padded.
//   Activations are u = q + 128 in uint8, the unsigned operand of vpdpbusd, which sums four u8 × s8
//   products into each int32 lane without saturating; the tile then subtracts (zp + 128) · Σ_p w[j, p],
//   so its dots equal dot(q − zp, w) exactly (all int32 arithmetic wraps modulo 2^32 and the true
//   values fit). sdot multiplies signed bytes: the arm64 tile flips u back to q (u ^ 0x80) as it
//   broadcasts it and subtracts zp · Σ_p w[j, p].
//
// Both give every dot product bit for bit, so the layout never changes a result. A panel's whole tiles run in
// one call (a strip, rows found by arithmetic); a partial tile goes through row pointers.
#include "glean_kernels.h"
#include "internal.h"
#include "epilogue.h"
#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

#pragma clang fp contract(off)

#define QNR 16
#define QMR 6
#define QPAIR_MR 8           // rows of the VNNI pair tile (8 rows × two panels; qgemm_vnni_pair.h)
#define QROW_BLOCK 96        // rows per task (a multiple of QMR and QPAIR_MR)
#define QPANELS_PER_TASK 1   // panels per task with several threads (see sgemm.c's PANELS_PER_TASK)
#define QMAX_ROW_BLOCKS 64   // blocks of rows per call at most (taller blocks beyond 6144 rows): a quantization flag each
#define QHEADER 64   // bytes before the first panel

enum { QFORMAT_PAIRS = 1, QFORMAT_QUADS = 2 };

/// The packed weights' header: layout and shape they were packed for.
typedef struct {
  int32_t format, k, n;
} qgemm_header;

/// Int16 elements per quantized row (pairs layout) and uint8 elements per quantized row (quads layout).
static int pairs_row_stride(int k) { return (k + 1) & ~1; }
static int quads_row_stride(int k) { return (k + 3) & ~3; }

/// Bytes of one packed panel in each layout.
static size_t pairs_panel_bytes(int k) { return (size_t)pairs_row_stride(k) * QNR; }
static size_t quads_panel_bytes(int k) { return QNR * sizeof(int32_t) + (size_t)quads_row_stride(k) * QNR; }

size_t glean_qgemm_packed_size(int k, int n) {
  size_t panels = ((size_t)n + QNR - 1) / QNR;
  size_t pairs = pairs_panel_bytes(k), quads = quads_panel_bytes(k);
  return QHEADER + panels * (pairs > quads ? pairs : quads);
}

size_t glean_qgemm_quantized_bytes(int m, int k) {
  size_t pairs = (size_t)pairs_row_stride(k) * sizeof(int16_t), quads = (size_t)quads_row_stride(k);
  return (size_t)m * (pairs > quads ? pairs : quads);
}

static void pack_quads(const int8_t *w, int n, int k, int8_t *packed) {
  int quads = quads_row_stride(k) / 4, panels = (n + QNR - 1) / QNR, whole_quads = k / 4;
  for (int panel = 0; panel < panels; panel++) {
    int8_t *out = packed + (size_t)panel * quads_panel_bytes(k);
    int32_t sums[QNR];
    for (int jj = 0; jj < QNR; jj++) {
      int j = panel * QNR + jj;
      int32_t sum = 0;
      if (j < n) {
        const int8_t *column = w + (size_t)j * k;
        for (int p = 0; p < k; p++) sum += column[p];
      }
      sums[jj] = sum;
    }
    memcpy(out, sums, sizeof sums);
    out += sizeof sums;
    // A panel of QNR whole columns copies each quad as one 4-byte word (the model's weights are packed
    // at load time: 21 M of them for the default QA model, where this took 8 ms byte by byte); the
    // last panel's missing columns and a partial last quad are zero-filled byte by byte.
    int whole_panel = panel * QNR + QNR <= n;
    for (int qq = 0; qq < quads; qq++, out += 4 * QNR) {
      if (whole_panel && qq < whole_quads) {
        for (int jj = 0; jj < QNR; jj++) memcpy(out + 4 * jj, w + (size_t)(panel * QNR + jj) * k + 4 * qq, 4);
        continue;
      }
      for (int jj = 0; jj < QNR; jj++) {
        int j = panel * QNR + jj;
        for (int h = 0; h < 4; h++) {
          int p = 4 * qq + h;
          out[4 * jj + h] = (j < n && p < k) ? w[(size_t)j * k + p] : 0;
        }
      }
    }
  }
}

static void pack_pairs(const int8_t *w, int n, int k, int8_t *packed) {
  int pairs = pairs_row_stride(k) / 2, panels = (n + QNR - 1) / QNR;
  for (int panel = 0; panel < panels; panel++) {
    int8_t *out = packed + (size_t)panel * pairs_panel_bytes(k);
    int whole_panel = panel * QNR + QNR <= n;
    for (int pp = 0; pp < pairs; pp++) {
      if (whole_panel && 2 * pp + 2 <= k) {   // as pack_quads: a pair per column as one 2-byte word
        for (int jj = 0; jj < QNR; jj++, out += 2) memcpy(out, w + (size_t)(panel * QNR + jj) * k + 2 * pp, 2);
        continue;
      }
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

int glean_qgemm_packed_layout(const int8_t *packed) {
  qgemm_header header;
  memcpy(&header, packed, sizeof header);
  return header.format;
}

void glean_qgemm_pack(const int8_t *w, int n, int k, int8_t *packed) {
  qgemm_header header = {glean_vnni() != GLEAN_VNNI_NONE ? QFORMAT_QUADS : QFORMAT_PAIRS, k, n};
  memset(packed, 0, QHEADER);
  memcpy(packed, &header, sizeof header);
  if (header.format == QFORMAT_QUADS) pack_quads(w, n, k, packed + QHEADER); else pack_pairs(w, n, k, packed + QHEADER);
}

/// Pairs layout, portable: a tile of int32 dots of rows a[r] (q − zp in int16) with the panel's columns.
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

/// Quads layout, portable: the same dots from rows a[r] of q + 128 (uint8) with zero points zp[r].
static void qtile_portable_quads(int quads, const uint8_t *const a[QMR], const int8_t *panel, const int32_t zp[QMR],
                                 int32_t tile[QMR][QNR]) {
  uint32_t acc[QMR][QNR];
  memset(acc, 0, sizeof acc);
  int32_t sums[QNR];
  memcpy(sums, panel, sizeof sums);
  const int8_t *bp = panel + sizeof sums;
  for (int qq = 0; qq < quads; qq++, bp += 4 * QNR) {
    for (int r = 0; r < QMR; r++) {
      const uint8_t *u = a[r] + 4 * qq;
      for (int j = 0; j < QNR; j++) {
        const int8_t *wj = bp + 4 * j;
        acc[r][j] += (uint32_t)(u[0] * wj[0] + u[1] * wj[1] + u[2] * wj[2] + u[3] * wj[3]);
      }
    }
  }
  for (int r = 0; r < QMR; r++) {
    for (int j = 0; j < QNR; j++) tile[r][j] = (int32_t)(acc[r][j] - (uint32_t)(zp[r] + 128) * (uint32_t)sums[j]);
  }
}

#if defined(__x86_64__)
/// The end of a hybrid tile held in AVX2 registers (c[r] = columns j ..< j + 8 and j + 8 ..< j + 16 of row r):
/// a whole tile is rescaled (bias + dot · (row scale · weight scale), as the scalar code does, operation for
/// operation), run through the epilogue and written to y (top-left element y[i, j]) and 1 is returned;
/// otherwise the int32 dots go to `tile` and 0 is returned.
__attribute__((target("avx2"), always_inline))
static inline int qtile_finish_avx2(const __m256i c[QMR][2], int32_t tile[QMR][QNR], int rows, int width, const float *row_scales,
                                    const float *weight_scales, const glean_epilogue *e, ptrdiff_t i, ptrdiff_t j, float *y, ptrdiff_t ldy) {
  if (rows == QMR && width == QNR) {
    __m256 ws0 = _mm256_loadu_ps(weight_scales + j), ws1 = _mm256_loadu_ps(weight_scales + j + 8);
    const float *bias = e ? e->bias : NULL;
    __m256 b0 = bias ? _mm256_loadu_ps(bias + j) : _mm256_setzero_ps(), b1 = bias ? _mm256_loadu_ps(bias + j + 8) : _mm256_setzero_ps();
    __m256 v[QMR][2];
    for (int r = 0; r < QMR; r++) {
      __m256 rs = _mm256_set1_ps(row_scales[r]);
      v[r][0] = _mm256_add_ps(b0, _mm256_mul_ps(_mm256_cvtepi32_ps(c[r][0]), _mm256_mul_ps(rs, ws0)));
      v[r][1] = _mm256_add_ps(b1, _mm256_mul_ps(_mm256_cvtepi32_ps(c[r][1]), _mm256_mul_ps(rs, ws1)));
    }
    glean_epilogue_store_tile_avx2(glean_epilogue_has_tail(e) ? e : NULL, v, QMR, i, j, y, ldy);
    return 1;
  }
  for (int r = 0; r < QMR; r++) {
    _mm256_storeu_si256((__m256i *)tile[r], c[r][0]);
    _mm256_storeu_si256((__m256i *)(tile[r] + 8), c[r][1]);
  }
  return 0;
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

/// The int32 dots of rows a0 … a5 (int16 q − zp, `pairs` depth pairs) with a panel's 16 columns, in AVX2
/// registers: c[r] = columns 0 ..< 8 and 8 ..< 16 of row r.
__attribute__((target("avx2"), always_inline))
static inline void qtile_dots_avx2(int pairs, const int16_t *a0, const int16_t *a1, const int16_t *a2, const int16_t *a3,
                                   const int16_t *a4, const int16_t *a5, const int8_t *panel, __m256i c[QMR][2]) {
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256i c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  const int8_t *bp = panel;
  for (int pp = 0; pp < pairs; pp++) {
    __m256i b0 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)bp));
    __m256i b1 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(bp + 16)));
    bp += 2 * QNR;
    QROW_STEP(0, a0); QROW_STEP(1, a1); QROW_STEP(2, a2);
    QROW_STEP(3, a3); QROW_STEP(4, a4); QROW_STEP(5, a5);
  }
  c[0][0] = c00; c[0][1] = c01; c[1][0] = c10; c[1][1] = c11; c[2][0] = c20; c[2][1] = c21;
  c[3][0] = c30; c[3][1] = c31; c[4][0] = c40; c[4][1] = c41; c[5][0] = c50; c[5][1] = c51;
}
#undef QROW_STEP

/// The AVX2 tile: QMR (6) rows × QNR (16) columns in 12 accumulators, the top-left one y[i, j]. When
/// whole it rescales, applies the epilogue and writes y itself and returns 1; otherwise it leaves the int32
/// dots in `tile`.
__attribute__((target("avx2"))) GLEAN_ALIGNED
static int qtile_avx2(int pairs, const int16_t *const a[QMR], const int8_t *panel, int32_t tile[QMR][QNR],
                      int rows, int width, const float *row_scales, const float *weight_scales, const glean_epilogue *e,
                      ptrdiff_t i, ptrdiff_t j, float *y, ptrdiff_t ldy) {
  __m256i c[QMR][2];
  qtile_dots_avx2(pairs, a[0], a[1], a[2], a[3], a[4], a[5], panel, c);
  return qtile_finish_avx2(c, tile, rows, width, row_scales, weight_scales, e, i, j, y, ldy);
}

/// The whole AVX2 tiles of one panel for rows i_begin ..< i_end (a multiple of QMR rows) of q (rows `stride`
/// int16 apart), one after another: the same results as qtile_avx2 tile by tile, without building row
/// pointers and calling for each. `y` points at column j of row 0.
__attribute__((target("avx2"))) GLEAN_ALIGNED
static void qstrip_avx2(int pairs, const int16_t *q, ptrdiff_t stride, const int8_t *panel, int i_begin, int i_end,
                        const float *row_scales, const float *weight_scales, const glean_epilogue *e, ptrdiff_t j, float *y,
                        ptrdiff_t ldy) {
  for (int i = i_begin; i + QMR <= i_end; i += QMR) {
    glean_epilogue_prefetch_residual(e, i, j, QMR, QNR);
    const int16_t *a = q + (ptrdiff_t)i * stride;
    __m256i c[QMR][2];
    qtile_dots_avx2(pairs, a, a + stride, a + 2 * stride, a + 3 * stride, a + 4 * stride, a + 5 * stride, panel, c);
    qtile_finish_avx2(c, NULL, QMR, QNR, row_scales + i, weight_scales, e, i, j, y + (ptrdiff_t)i * ldy, ldy);
  }
}

/// vpdpbusd (acc + Σ of four u8 × s8 products per int32 lane) computed exactly with AVX2: even and odd
/// bytes widened to int16 (u zero-extended, s sign-extended), multiplied and pair-summed by vpmaddwd.
/// Tests use it to run the VNNI tile on machines without VNNI.
__attribute__((target("avx2")))
static inline __m256i dpbusd_emulated(__m256i acc, __m256i u, __m256i s) {
  __m256i u_even = _mm256_and_si256(u, _mm256_set1_epi16(0x00FF)), u_odd = _mm256_srli_epi16(u, 8);
  __m256i s_even = _mm256_srai_epi16(_mm256_slli_epi16(s, 8), 8), s_odd = _mm256_srai_epi16(s, 8);
  return _mm256_add_epi32(acc, _mm256_add_epi32(_mm256_madd_epi16(u_even, s_even), _mm256_madd_epi16(u_odd, s_odd)));
}

// The VNNI tile, once per encoding of vpdpbusd (qgemm_vnni_tile.h is a template).
#define QTILE_NAME qtile_vnni_avx512
#define QSTRIP_NAME qstrip_vnni_avx512
#define QDOTS_NAME qdots_vnni_avx512
#define QTILE_TARGET "avx2,avx512f,avx512bw,avx512vl,avx512vnni"
#define QTILE_DPBUSD(acc, u, s) _mm256_dpbusd_epi32(acc, u, s)
#include "qgemm_vnni_tile.h"
#define QTILE_NAME qtile_vnni_avx
#define QSTRIP_NAME qstrip_vnni_avx
#define QDOTS_NAME qdots_vnni_avx
#define QTILE_TARGET "avx2,avxvnni"
#define QTILE_DPBUSD(acc, u, s) _mm256_dpbusd_avx_epi32(acc, u, s)
#include "qgemm_vnni_tile.h"
#define QTILE_NAME qtile_vnni_emulated
#define QSTRIP_NAME qstrip_vnni_emulated
#define QDOTS_NAME qdots_vnni_emulated
#define QTILE_TARGET "avx2"
#define QTILE_DPBUSD(acc, u, s) dpbusd_emulated(acc, u, s)
#include "qgemm_vnni_tile.h"

#if defined(__clang__)   // the pair tile is written with clang's vector extensions
#define HAVE_QPAIR_TILE 1
typedef int32_t glean_v16i __attribute__((ext_vector_type(16)));
typedef uint32_t glean_v16u __attribute__((ext_vector_type(16)));

/// dpbusd_emulated on 16 lanes, a 256-bit half at a time (macros: a function taking 512-bit vectors compiled
/// for AVX2 would change the calling convention).
#define V16_LOW(v) ((__m256i)__builtin_shufflevector((v), (v), 0, 1, 2, 3, 4, 5, 6, 7))
#define V16_HIGH(v) ((__m256i)__builtin_shufflevector((v), (v), 8, 9, 10, 11, 12, 13, 14, 15))
#define V16_JOIN(low, high) __builtin_shufflevector((__v8si)(low), (__v8si)(high), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define DPBUSD16_EMULATED(acc, u, s) \
  ((glean_v16i)V16_JOIN(dpbusd_emulated(V16_LOW(acc), V16_LOW(u), V16_LOW(s)), dpbusd_emulated(V16_HIGH(acc), V16_HIGH(u), V16_HIGH(s))))

// The VNNI pair tile (8 rows × two panels), for AVX512-VNNI and emulated (qgemm_vnni_pair.h is a template).
#define QPAIR_STRIP_NAME qstrip_pair_vnni_avx512
#define QPAIR_DOTS_NAME qdots_pair_vnni_avx512
#define QPAIR_HALF_NAME qhalf_pair_vnni_avx512
#define QPAIR_TARGET "avx2,avx512f,avx512bw,avx512vl,avx512vnni"
#define QPAIR_AVX512 1
#define QPAIR_DPBUSD(acc, u, s) ((glean_v16i)_mm512_dpbusd_epi32((__m512i)(acc), (__m512i)(u), (__m512i)(s)))
#include "qgemm_vnni_pair.h"
#define QPAIR_STRIP_NAME qstrip_pair_vnni_emulated
#define QPAIR_DOTS_NAME qdots_pair_vnni_emulated
#define QPAIR_HALF_NAME qhalf_pair_vnni_emulated
#define QPAIR_TARGET "avx2"
#define QPAIR_AVX512 0
#define QPAIR_DPBUSD(acc, u, s) DPBUSD16_EMULATED(acc, u, s)
#include "qgemm_vnni_pair.h"
#endif
#endif

#if defined(__aarch64__)
/// The sdot tile's depth loop: QMR (6) rows × QNR (16) columns of the quads layout in 24 int32 accumulators,
/// rows a0 … a5 of u = q + 128. Each broadcast activation quad is flipped back to q (u ^ 0x80 per byte); after
/// the depth loop the tile subtracts zp[r] · Σ_p w[j, p]: acc[r][t] = columns 4t ..< 4t + 4 of dot(q − zp, w).
__attribute__((target("dotprod"), always_inline))
static inline void sdot_dots(int quads, const uint8_t *a0, const uint8_t *a1, const uint8_t *a2, const uint8_t *a3,
                             const uint8_t *a4, const uint8_t *a5, const int8_t *panel, const int32_t zp[QMR], int32x4_t acc[QMR][4]) {
  const uint8_t *a[QMR] = {a0, a1, a2, a3, a4, a5};
  for (int r = 0; r < QMR; r++) for (int t = 0; t < 4; t++) acc[r][t] = vdupq_n_s32(0);
  const int8_t *bp = panel + QNR * sizeof(int32_t);
  for (int qq = 0; qq < quads; qq++) {
    int8x16_t b[4] = {vld1q_s8(bp), vld1q_s8(bp + 16), vld1q_s8(bp + 32), vld1q_s8(bp + 48)};
    bp += 4 * QNR;
    for (int r = 0; r < QMR; r++) {
      uint32_t quad;
      memcpy(&quad, a[r] + 4 * qq, 4);
      int8x16_t x = vreinterpretq_s8_u32(vdupq_n_u32(quad ^ 0x80808080u));
      for (int t = 0; t < 4; t++) acc[r][t] = vdotq_s32(acc[r][t], b[t], x);
    }
  }
  for (int t = 0; t < 4; t++) {
    int32_t sums[4];
    memcpy(sums, panel + 16 * t, sizeof sums);
    int32x4_t column_sums = vld1q_s32(sums);
    for (int r = 0; r < QMR; r++) acc[r][t] = vsubq_s32(acc[r][t], vmulq_n_s32(column_sums, zp[r]));
  }
}

/// A whole sdot tile's end: rescaled as the scalar code does, operation for operation (bias + dot · (row
/// scale · weight scale)), run through the epilogue and written to y (top-left element y[i, j]).
__attribute__((always_inline))
static inline void sdot_finish(int32x4_t acc[QMR][4], const float *row_scales, const float *weight_scales, const glean_epilogue *e,
                               ptrdiff_t i, ptrdiff_t j, float *y, ptrdiff_t ldy) {
  float32x4_t v[QMR][4];
  for (int t = 0; t < 4; t++) {
    float32x4_t ws = vld1q_f32(weight_scales + j + 4 * t);
    float32x4_t base = e && e->bias ? vld1q_f32(e->bias + j + 4 * t) : vdupq_n_f32(0.0f);
    for (int r = 0; r < QMR; r++) v[r][t] = vaddq_f32(base, vmulq_f32(vcvtq_f32_s32(acc[r][t]), vmulq_f32(vdupq_n_f32(row_scales[r]), ws)));
  }
  glean_epilogue_store_tile_neon(glean_epilogue_has_tail(e) ? e : NULL, v, QMR, i, j, y, ldy);
}

/// The sdot tile for any rows a[r] with zero points zp[r]. Same contract as the VNNI tile (qgemm_vnni_tile.h).
__attribute__((target("dotprod"))) GLEAN_ALIGNED
static int qtile_sdot(int quads, const uint8_t *const a[QMR], const int8_t *panel, const int32_t zp[QMR], int32_t tile[QMR][QNR],
                      int rows, int width, const float *row_scales, const float *weight_scales, const glean_epilogue *e,
                      ptrdiff_t i, ptrdiff_t j, float *y, ptrdiff_t ldy) {
  int32x4_t acc[QMR][4];
  sdot_dots(quads, a[0], a[1], a[2], a[3], a[4], a[5], panel, zp, acc);
  if (rows == QMR && width == QNR) {
    sdot_finish(acc, row_scales, weight_scales, e, i, j, y, ldy);
    return 1;
  }
  for (int r = 0; r < QMR; r++) for (int t = 0; t < 4; t++) vst1q_s32(tile[r] + 4 * t, acc[r][t]);
  return 0;
}

/// The whole sdot tiles of one panel for rows i_begin ..< i_end (a multiple of QMR rows) of q (rows `stride`
/// bytes apart), one after another, as qstrip_avx2 does; `y` points at column j of row 0.
__attribute__((target("dotprod"))) GLEAN_ALIGNED
static void qstrip_sdot(int quads, const uint8_t *q, ptrdiff_t stride, const int8_t *panel, const int32_t *zero_points,
                        int i_begin, int i_end, const float *row_scales, const float *weight_scales, const glean_epilogue *e,
                        ptrdiff_t j, float *y, ptrdiff_t ldy) {
  for (int i = i_begin; i + QMR <= i_end; i += QMR) {
    const uint8_t *a = q + (ptrdiff_t)i * stride;
    int32x4_t acc[QMR][4];
    sdot_dots(quads, a, a + stride, a + 2 * stride, a + 3 * stride, a + 4 * stride, a + 5 * stride, panel, zero_points + i, acc);
    sdot_finish(acc, row_scales + i, weight_scales, e, i, j, y + (ptrdiff_t)i * ldy, ldy);
  }
}
#endif

/// Whether the quads layout runs the pair tile (8 rows × two panels) with this vpdpbusd: AVX512-VNNI, or its
/// emulation.
static int pair_tiles(int vnni) {
#if defined(HAVE_QPAIR_TILE)
  return vnni == GLEAN_VNNI_AVX512 || vnni == GLEAN_VNNI_EMULATED;
#else
  (void)vnni;
  return 0;
#endif
}

typedef struct {
  int m, n, k;
  int format;        // of packed_w, and so of q
  const void *q;     // quantized rows: int16 q − zp (pairs) or uint8 q + 128 (quads)
  const float *row_scales;
  const int32_t *zero_points;
  const int8_t *packed_w;   // past the header
  const float *weight_scales;
  const glean_epilogue *epilogue;
  float *y;
  ptrdiff_t ldy;
  int column_chunks;
  int avx2, vnni;
} qgemm_job;

/// One tile of int32 dots in the quads layout, with the best vpdpbusd the thread may use; 1 when the tile
/// wrote y itself (see qtile_avx2).
static int qtile_quads(const qgemm_job *job, int quads, const uint8_t *const a[QMR], const int8_t *panel, const int32_t zp[QMR],
                       int32_t tile[QMR][QNR], int rows, int width, ptrdiff_t i, ptrdiff_t j) {
#if defined(__x86_64__)
  float *y = glean_output_at(job->y, job->ldy, job->epilogue, i, j);
  const float *row_scales = job->row_scales + i;
  switch (job->vnni) {
  case GLEAN_VNNI_AVX512:
    return qtile_vnni_avx512(quads, a, panel, zp, tile, rows, width, row_scales, job->weight_scales, job->epilogue, i, j, y, job->ldy);
  case GLEAN_VNNI_AVX:
    return qtile_vnni_avx(quads, a, panel, zp, tile, rows, width, row_scales, job->weight_scales, job->epilogue, i, j, y, job->ldy);
  case GLEAN_VNNI_EMULATED:
    return qtile_vnni_emulated(quads, a, panel, zp, tile, rows, width, row_scales, job->weight_scales, job->epilogue, i, j, y, job->ldy);
  default:
    break;
  }
#elif defined(__aarch64__)
  if (job->vnni == GLEAN_VNNI_SDOT) {
    return qtile_sdot(quads, a, panel, zp, tile, rows, width, job->row_scales + i, job->weight_scales, job->epilogue, i, j,
                      glean_output_at(job->y, job->ldy, job->epilogue, i, j), job->ldy);
  }
#else
  (void)job; (void)rows; (void)width; (void)i; (void)j;
#endif
  qtile_portable_quads(quads, a, panel, zp, tile);
  return 0;
}

/// The whole tiles of one panel in the quads layout with the best vpdpbusd the thread may use (see
/// qstrip_avx2); 0 when there is no such strip (no VNNI, or not x86-64): the caller then goes tile by tile.
static int qstrip_quads(const qgemm_job *job, int quads, ptrdiff_t stride, const int8_t *panel, int i_begin, int i_end, ptrdiff_t j) {
#if defined(__x86_64__)
  const uint8_t *q = job->q;
  float *y = glean_output_at(job->y, job->ldy, job->epilogue, 0, j);
  switch (job->vnni) {
  case GLEAN_VNNI_AVX512:
    qstrip_vnni_avx512(quads, q, stride, panel, job->zero_points, i_begin, i_end, job->row_scales, job->weight_scales, job->epilogue, j, y, job->ldy);
    return 1;
  case GLEAN_VNNI_AVX:
    qstrip_vnni_avx(quads, q, stride, panel, job->zero_points, i_begin, i_end, job->row_scales, job->weight_scales, job->epilogue, j, y, job->ldy);
    return 1;
  case GLEAN_VNNI_EMULATED:
    qstrip_vnni_emulated(quads, q, stride, panel, job->zero_points, i_begin, i_end, job->row_scales, job->weight_scales, job->epilogue, j, y,
                         job->ldy);
    return 1;
  default:
    break;
  }
#elif defined(__aarch64__)
  if (job->vnni == GLEAN_VNNI_SDOT) {
    qstrip_sdot(quads, job->q, stride, panel, job->zero_points, i_begin, i_end, job->row_scales, job->weight_scales, job->epilogue, j,
                glean_output_at(job->y, job->ldy, job->epilogue, 0, j), job->ldy);
    return 1;
  }
#else
  (void)job; (void)quads; (void)stride; (void)panel; (void)i_begin; (void)i_end; (void)j;
#endif
  return 0;
}

/// Rows i_begin ..< i_end and panels panel_begin ..< panel_end of the product, on the calling thread.
static void qgemm_block(const qgemm_job *job, int i_begin, int i_end, int panel_begin, int panel_end) {
  int quads_layout = job->format == QFORMAT_QUADS;
  int stride = quads_layout ? quads_row_stride(job->k) : pairs_row_stride(job->k);
  size_t panel_bytes = quads_layout ? quads_panel_bytes(job->k) : pairs_panel_bytes(job->k);
  int32_t tile[QMR][QNR];
  for (int panel = panel_begin; panel < panel_end; panel++) {
    const int8_t *pw = job->packed_w + (size_t)panel * panel_bytes;
    int j0 = panel * QNR, width = job->n - j0 < QNR ? job->n - j0 : QNR;
#if defined(HAVE_QPAIR_TILE)
    // Two whole panels whose 32 columns are stored side by side, with AVX512-VNNI (or its emulation): their
    // rows in pair tiles (8 × 32), then what is left of each panel's rows (fewer than 8) as below.
    if (quads_layout && pair_tiles(job->vnni) && i_end - i_begin >= QPAIR_MR &&
        panel + 1 < panel_end && j0 + 2 * QNR <= job->n && glean_output_contiguous(job->epilogue, j0, 2 * QNR)) {
      float *y = glean_output_at(job->y, job->ldy, job->epilogue, 0, j0);
      if (job->vnni == GLEAN_VNNI_AVX512) {
        qstrip_pair_vnni_avx512(stride / 4, job->q, stride, pw, panel_bytes, job->zero_points, i_begin, i_end, job->row_scales,
                                job->weight_scales, job->epilogue, j0, y, job->ldy);
      } else {
        qstrip_pair_vnni_emulated(stride / 4, job->q, stride, pw, panel_bytes, job->zero_points, i_begin, i_end, job->row_scales,
                                  job->weight_scales, job->epilogue, j0, y, job->ldy);
      }
      int i_rest = i_begin + (i_end - i_begin) / QPAIR_MR * QPAIR_MR;
      if (i_rest < i_end) qgemm_block(job, i_rest, i_end, panel, panel + 2);   // fewer than 8 rows: no pair tile there
      panel++;
      continue;
    }
#endif
    // A panel straddling two column blocks of the output is stored element by element (a whole-tile width of
    // 0 makes the tiles hand their values back).
    int whole_width = glean_output_contiguous(job->epilogue, j0, width) ? width : 0;
    int i_first = i_begin;   // the first row the tile loop below computes
    // Whole tiles in one call where the layout and machine have a strip; the loop below takes what is left.
    if (whole_width == QNR && quads_layout && qstrip_quads(job, stride / 4, stride, pw, i_begin, i_end, j0)) {
      i_first = i_begin + (i_end - i_begin) / QMR * QMR;
    }
#if defined(__x86_64__)
    if (whole_width == QNR && !quads_layout && job->avx2) {
      qstrip_avx2(stride / 2, job->q, stride, pw, i_begin, i_end, job->row_scales, job->weight_scales, job->epilogue, j0,
                  glean_output_at(job->y, job->ldy, job->epilogue, 0, j0), job->ldy);
      i_first = i_begin + (i_end - i_begin) / QMR * QMR;
    }
#endif
    for (int i = i_first; i < i_end; i += QMR) {
      int rows = i_end - i < QMR ? i_end - i : QMR;
      // A partial tile repeats its first row in the missing ones (computed, never stored).
      if (quads_layout) {
        const uint8_t *a[QMR];
        int32_t zp[QMR];
        for (int r = 0; r < QMR; r++) {
          int row = i + (r < rows ? r : 0);
          a[r] = (const uint8_t *)job->q + (size_t)row * stride;
          zp[r] = job->zero_points[row];
        }
        if (qtile_quads(job, stride / 4, a, pw, zp, tile, rows, whole_width, i, j0)) continue;
      } else {
        const int16_t *a[QMR];
        for (int r = 0; r < QMR; r++) a[r] = (const int16_t *)job->q + (size_t)(i + (r < rows ? r : 0)) * stride;
#if defined(__x86_64__)
        if (job->avx2) {
          if (qtile_avx2(stride / 2, a, pw, tile, rows, whole_width, job->row_scales + i, job->weight_scales, job->epilogue, i, j0,
                         glean_output_at(job->y, job->ldy, job->epilogue, i, j0), job->ldy)) continue;
        } else
#endif
          qtile_portable(stride / 2, a, pw, tile);
      }
      const glean_epilogue *e = job->epilogue;
      for (int r = 0; r < rows; r++) {
        float row_scale = job->row_scales[i + r];
        for (int j = 0; j < width; j++) {
          int32_t dot = tile[r][j];
          float scale = row_scale * job->weight_scales[j0 + j];
          float base = e && e->bias ? e->bias[j0 + j] : 0.0f;
          glean_epilogue_store(e, base + (float)dot * scale, i + r, j0 + j, glean_output_at(job->y, job->ldy, e, i + r, j0 + j));
        }
      }
    }
  }
}

typedef struct {
  qgemm_job gemm;
  const float *x;   // NULL: the rows are quantized already
  int asymmetric, row_block, simd;   // simd: glean_simd(), for the quantization
  int panels_per_task;               // QPANELS_PER_TASK, or every panel on one thread (see sgemm.c)
  void *q;
  float *row_scales;
  int32_t *zero_points;
  /// Per block of rows (with x): 0 not quantized yet, 1 being quantized, 2 quantized.
  atomic_int quantized[QMAX_ROW_BLOCKS];
} hybrid_job;

/// A hint to the core that the caller is spinning.
static inline void spin_pause(void) {
#if defined(__x86_64__)
  _mm_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/// Makes sure block `block` of rows is quantized. The first task to reach the block quantizes it; tasks are
/// numbered along the rows and each thread starts on a range of its own, so that is nearly always the thread
/// that goes on to multiply the block by its panels, the rows still in its cache. A task that finds another
/// thread quantizing the block (it took a task of that thread's range) waits for it to finish.
static void quantize_block(hybrid_job *job, int block) {
  atomic_int *state = &job->quantized[block];
  if (atomic_load_explicit(state, memory_order_acquire) == 2) return;
  int expected = 0;
  if (atomic_compare_exchange_strong_explicit(state, &expected, 1, memory_order_acquire, memory_order_acquire)) {
    int quads = job->gemm.format == QFORMAT_QUADS, begin = block * job->row_block;
    int end = begin + job->row_block < job->gemm.m ? begin + job->row_block : job->gemm.m;
    glean_quantize_row_range(job->x, job->gemm.k, job->asymmetric, job->simd, quads ? NULL : job->q, quads ? job->q : NULL,
                             job->row_scales, job->zero_points, begin, end);
    atomic_store_explicit(state, 2, memory_order_release);
    return;
  }
  for (int spin = 1; atomic_load_explicit(state, memory_order_acquire) != 2; spin++) {
    if (spin % 1024 == 0) sched_yield(); else spin_pause();
  }
}

/// A block of rows times a chunk of panels, as glean_sgemm's tasks; the block quantized first if need be.
static void hybrid_task(void *context, int task) {
  hybrid_job *job = context;
  int i_begin, i_end, panel_begin, panel_end;
  glean_gemm_task_block(task, job->gemm.column_chunks, job->gemm.m, job->row_block, job->gemm.n, QNR, job->panels_per_task, &i_begin,
                        &i_end, &panel_begin, &panel_end);
  if (job->x) quantize_block(job, task / job->gemm.column_chunks);
  qgemm_block(&job->gemm, i_begin, i_end, panel_begin, panel_end);
}

int glean_hybrid_fully_connected(glean_pool *pool, int m, int n, int k, const float *x, int asymmetric, void *q,
                                 float *row_scales, int32_t *zero_points, const int8_t *packed_w, const float *weight_scales,
                                 const glean_epilogue *epilogue, float *y, ptrdiff_t ldy) {
  qgemm_header header;
  memcpy(&header, packed_w, sizeof header);
  if ((header.format != QFORMAT_PAIRS && header.format != QFORMAT_QUADS) || header.k != k || header.n != n) return -1;
  if (m <= 0 || n <= 0) return 0;
  // Blocks of QROW_BLOCK rows, taller when that would make more than QMAX_ROW_BLOCKS of them.
  int row_block = QROW_BLOCK;
  if ((m + row_block - 1) / row_block > QMAX_ROW_BLOCKS) row_block = ((m + QMAX_ROW_BLOCKS - 1) / QMAX_ROW_BLOCKS + QMR - 1) / QMR * QMR;
  int panels = (n + QNR - 1) / QNR, row_blocks = (m + row_block - 1) / row_block;
  // With AVX512-VNNI (or its emulation) the tiles take panels in pairs: a task of several threads has a pair.
  int vnni = glean_vnni(), pair = header.format == QFORMAT_QUADS && pair_tiles(vnni);
  int panels_per_task = glean_pool_threads(pool) > 1 ? QPANELS_PER_TASK * (pair ? 2 : 1) : panels;
  hybrid_job job = {
    .gemm = {m, n, k, header.format, q, row_scales, zero_points, packed_w + QHEADER, weight_scales, epilogue, y, ldy,
             (panels + panels_per_task - 1) / panels_per_task, glean_has_avx2_fma(), vnni},
    .x = x, .asymmetric = asymmetric, .row_block = row_block, .simd = glean_simd(), .panels_per_task = panels_per_task, .q = q,
    .row_scales = row_scales,
    .zero_points = zero_points,
  };
  for (int b = 0; b < row_blocks; b++) atomic_init(&job.quantized[b], 0);
  glean_pool_run(pool, hybrid_task, &job, row_blocks * job.gemm.column_chunks);
  return 0;
}
