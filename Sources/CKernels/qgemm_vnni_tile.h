// Template of the hybrid GEMM's VNNI tile, included by qgemm.c once per encoding of vpdpbusd. Before each
// inclusion qgemm.c defines QTILE_NAME (the function), QTILE_TARGET (its target attribute) and
// QTILE_DPBUSD(acc, u, s) (acc + the four u8 × s8 products of each int32 lane of u and s); this file
// undefines them.
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

__attribute__((target(QTILE_TARGET)))
static int QTILE_NAME(int quads, const uint8_t *const a[QMR], const int8_t *panel, const int32_t zp[QMR], int32_t tile[QMR][QNR],
                      int rows, int width, const float *row_scales, const float *weight_scales, const glean_epilogue *e,
                      ptrdiff_t i, ptrdiff_t j, float *y, ptrdiff_t ldy) {
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256i c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  const uint8_t *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
  __m256i sums0 = _mm256_loadu_si256((const __m256i *)panel), sums1 = _mm256_loadu_si256((const __m256i *)(panel + 32));
  const int8_t *bp = panel + QNR * sizeof(int32_t);
  if (e && e->residual && rows == QMR && width == QNR) {
    // The epilogue reads a residual tile written long before: start fetching it now.
    for (int r = 0; r < QMR; r++) _mm_prefetch((const char *)(e->residual + (i + r) * e->residual_ld + j), _MM_HINT_T0);
  }
  for (int qq = 0; qq < quads; qq++) {
    __m256i b0 = _mm256_loadu_si256((const __m256i *)bp), b1 = _mm256_loadu_si256((const __m256i *)(bp + 32));
    bp += 4 * QNR;
    QUAD_ROW_STEP(0, a0); QUAD_ROW_STEP(1, a1); QUAD_ROW_STEP(2, a2);
    QUAD_ROW_STEP(3, a3); QUAD_ROW_STEP(4, a4); QUAD_ROW_STEP(5, a5);
  }
  QUAD_ROW_CORRECT(0); QUAD_ROW_CORRECT(1); QUAD_ROW_CORRECT(2);
  QUAD_ROW_CORRECT(3); QUAD_ROW_CORRECT(4); QUAD_ROW_CORRECT(5);
  const __m256i c[QMR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  return qtile_finish_avx2(c, tile, rows, width, row_scales, weight_scales, e, i, j, y, ldy);
}

#undef QUAD_ROW_STEP
#undef QUAD_ROW_CORRECT
#undef QTILE_NAME
#undef QTILE_TARGET
#undef QTILE_DPBUSD
