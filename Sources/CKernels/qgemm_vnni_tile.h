// Template of the hybrid GEMM's VNNI tile, included by qgemm.c once per encoding of vpdpbusd. Before each
// inclusion qgemm.c defines QTILE_NAME (the tile function), QSTRIP_NAME (the function running a panel's whole
// tiles one after another, as qstrip_avx2 does), QDOTS_NAME (their shared depth loop), QTILE_TARGET (their
// target attribute) and QTILE_DPBUSD(acc, u, s) (acc + the four u8 × s8 products of each int32 lane of u and
// s); this file undefines them.
//
// The tile: QMR (6) rows × QNR (16) columns of the quads layout (see qgemm.c) in 12 int32 accumulators,
// rows a[r] of u = q + 128 (uint8, 4 per depth step), zero points zp[r]. After the depth loop it subtracts
// (zp[r] + 128) · Σ_p w[j, p] (the panel's column sums), which leaves dot(q − zp, w) exactly. A whole tile
// is rescaled, run through the epilogue and written to y (top-left element y[i, j]) and the function
// returns 1; otherwise the int32 dots go to `tile` and it returns 0.

#define QUAD_ROW_STEP(r, row)                                                            \
  do {                                                                                   \
    int32_t quad;                                                                        \
    memcpy(&quad, (row) + 4 * qq, 4);                                                    \
    __m256i x = _mm256_set1_epi32(quad);                                                 \
    c##r##0 = QTILE_DPBUSD(c##r##0, x, b0);                                              \
    c##r##1 = QTILE_DPBUSD(c##r##1, x, b1);                                              \
  } while (0)

#define QUAD_ROW_CORRECT(r)                                                              \
  do {                                                                                   \
    __m256i offset = _mm256_set1_epi32(zp[r] + 128);                                     \
    c##r##0 = _mm256_sub_epi32(c##r##0, _mm256_mullo_epi32(offset, sums0));              \
    c##r##1 = _mm256_sub_epi32(c##r##1, _mm256_mullo_epi32(offset, sums1));              \
  } while (0)

/// The corrected int32 dots of rows a0 … a5 with the panel's 16 columns: c[r] = columns 0 ..< 8 and 8 ..< 16.
__attribute__((target(QTILE_TARGET), always_inline))
static inline void QDOTS_NAME(int quads, const uint8_t *a0, const uint8_t *a1, const uint8_t *a2, const uint8_t *a3,
                              const uint8_t *a4, const uint8_t *a5, const int8_t *panel, const int32_t zp[QMR], __m256i c[QMR][2]) {
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256i c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  __m256i sums0 = _mm256_loadu_si256((const __m256i *)panel), sums1 = _mm256_loadu_si256((const __m256i *)(panel + 32));
  const int8_t *bp = panel + QNR * sizeof(int32_t);
  for (int qq = 0; qq < quads; qq++) {
    __m256i b0 = _mm256_loadu_si256((const __m256i *)bp), b1 = _mm256_loadu_si256((const __m256i *)(bp + 32));
    bp += 4 * QNR;
    QUAD_ROW_STEP(0, a0); QUAD_ROW_STEP(1, a1); QUAD_ROW_STEP(2, a2);
    QUAD_ROW_STEP(3, a3); QUAD_ROW_STEP(4, a4); QUAD_ROW_STEP(5, a5);
  }
  QUAD_ROW_CORRECT(0); QUAD_ROW_CORRECT(1); QUAD_ROW_CORRECT(2);
  QUAD_ROW_CORRECT(3); QUAD_ROW_CORRECT(4); QUAD_ROW_CORRECT(5);
  c[0][0] = c00; c[0][1] = c01; c[1][0] = c10; c[1][1] = c11; c[2][0] = c20; c[2][1] = c21;
  c[3][0] = c30; c[3][1] = c31; c[4][0] = c40; c[4][1] = c41; c[5][0] = c50; c[5][1] = c51;
}

__attribute__((target(QTILE_TARGET))) GLEAN_ALIGNED
static int QTILE_NAME(int quads, const uint8_t *const a[QMR], const int8_t *panel, const int32_t zp[QMR], int32_t tile[QMR][QNR],
                      int rows, int width, const float *row_scales, const float *weight_scales, const glean_epilogue *e,
                      ptrdiff_t i, ptrdiff_t j, float *y, ptrdiff_t ldy) {
  __m256i c[QMR][2];
  QDOTS_NAME(quads, a[0], a[1], a[2], a[3], a[4], a[5], panel, zp, c);
  return qtile_finish_avx2(c, tile, rows, width, row_scales, weight_scales, e, i, j, y, ldy);
}

/// The whole tiles of one panel for rows i_begin ..< i_end (a multiple of QMR rows) of q (rows `stride` bytes
/// apart), one after another; `y` points at column j of row 0.
__attribute__((target(QTILE_TARGET))) GLEAN_ALIGNED
static void QSTRIP_NAME(int quads, const uint8_t *q, ptrdiff_t stride, const int8_t *panel, const int32_t *zero_points,
                        int i_begin, int i_end, const float *row_scales, const float *weight_scales, const glean_epilogue *e,
                        ptrdiff_t j, float *y, ptrdiff_t ldy) {
  for (int i = i_begin; i + QMR <= i_end; i += QMR) {
    glean_epilogue_prefetch_residual(e, i, j, QMR, QNR);
    const uint8_t *a = q + (ptrdiff_t)i * stride;
    __m256i c[QMR][2];
    QDOTS_NAME(quads, a, a + stride, a + 2 * stride, a + 3 * stride, a + 4 * stride, a + 5 * stride, panel, zero_points + i, c);
    qtile_finish_avx2(c, NULL, QMR, QNR, row_scales + i, weight_scales, e, i, j, y + (ptrdiff_t)i * ldy, ldy);
  }
}

#undef QUAD_ROW_STEP
#undef QUAD_ROW_CORRECT
#undef QTILE_NAME
#undef QSTRIP_NAME
#undef QDOTS_NAME
#undef QTILE_TARGET
#undef QTILE_DPBUSD
