// Template of the hybrid GEMM's VNNI pair tile, included by qgemm.c once for AVX512-VNNI and once with
// vpdpbusd emulated on AVX2 (tests: it checks the tile's logic on machines without AVX-512). Before each
// inclusion qgemm.c defines QPAIR_STRIP_NAME (the strip), QPAIR_DOTS_NAME (its depth loop), QPAIR_HALF_NAME
// (its rescale and epilogue of one panel), QPAIR_TARGET (their target attribute), QPAIR_AVX512 (1 when that
// target has AVX-512F: the epilogue then runs on 512-bit vectors) and QPAIR_DPBUSD(acc, u, s) (vpdpbusd on 16
// int32 lanes: acc + the four u8 × s8 products of each lane of u and s, all glean_v16i); this file undefines
// them.
//
// The tile: QPAIR_MR (8) rows × two adjacent panels of the quads layout (32 columns), one 16-lane vector per
// row and panel: a panel's depth quad is 64 bytes, one vector, so each broadcast activation quad feeds two
// vpdpbusd and sixteen accumulators hide the instruction's latency. (The 6 × 16 tile of qgemm_vnni_tile.h
// holds 256-bit vectors: on AMD Zen 5 it reached half the 512-bit instruction's throughput.) After the depth
// loop each row subtracts (zp[r] + 128) · Σ_p w[j, p] as the other tiles do, and the dots go through the same
// rescale and epilogue, operation for operation: the results are the other tiles' bit for bit.

/// The corrected int32 dots of rows a, a + stride, … (PAIR_MR of them; uint8 u = q + 128) with the panels
/// panel0 and panel1 (each: 16 column sums, then the quads): left[r] = columns of panel0, right[r] of panel1.
/// Inlined into the strip, as the float pair tile's dots are, so that the dots reach the rescale and epilogue in
/// registers (check `objdump -d` for zmm references to %rsp after changing this).
__attribute__((target(QPAIR_TARGET), always_inline))
static inline void QPAIR_DOTS_NAME(int quads, const uint8_t *a, ptrdiff_t stride, const int8_t *panel0, const int8_t *panel1,
                            const int32_t zp[QPAIR_MR], glean_v16i left[QPAIR_MR], glean_v16i right[QPAIR_MR]) {
  glean_v16i c0_0 = 0, c0_1 = 0, c1_0 = 0, c1_1 = 0, c2_0 = 0, c2_1 = 0, c3_0 = 0, c3_1 = 0;
  glean_v16i c4_0 = 0, c4_1 = 0, c5_0 = 0, c5_1 = 0, c6_0 = 0, c6_1 = 0, c7_0 = 0, c7_1 = 0;
  const uint8_t *r0 = a, *r4 = a + 4 * stride;
  const int8_t *bp0 = panel0 + QNR * sizeof(int32_t), *bp1 = panel1 + QNR * sizeof(int32_t);
#define QPAIR_STEP(r, row)                                                             \
  do {                                                                                 \
    int32_t quad;                                                                      \
    memcpy(&quad, (row), 4);                                                           \
    glean_v16i x = quad;                                                               \
    c##r##_0 = QPAIR_DPBUSD(c##r##_0, x, b0);                                          \
    c##r##_1 = QPAIR_DPBUSD(c##r##_1, x, b1);                                          \
  } while (0)
  for (int qq = 0; qq < quads; qq++) {
    glean_v16i b0, b1;
    memcpy(&b0, bp0, sizeof b0);
    memcpy(&b1, bp1, sizeof b1);
    // As the float pair tile: the weights' lines 64 quads ahead, one per panel and step.
    _mm_prefetch((const char *)(bp0 + 64 * 4 * QNR), _MM_HINT_T0);
    _mm_prefetch((const char *)(bp1 + 64 * 4 * QNR), _MM_HINT_T0);
    QPAIR_STEP(0, r0); QPAIR_STEP(1, r0 + stride); QPAIR_STEP(2, r0 + 2 * stride); QPAIR_STEP(3, r0 + 3 * stride);
    QPAIR_STEP(4, r4); QPAIR_STEP(5, r4 + stride); QPAIR_STEP(6, r4 + 2 * stride); QPAIR_STEP(7, r4 + 3 * stride);
    r0 += 4; r4 += 4; bp0 += 4 * QNR; bp1 += 4 * QNR;
  }
#undef QPAIR_STEP
  glean_v16i sums0, sums1;
  memcpy(&sums0, panel0, sizeof sums0);
  memcpy(&sums1, panel1, sizeof sums1);
  glean_v16i l[QPAIR_MR] = {c0_0, c1_0, c2_0, c3_0, c4_0, c5_0, c6_0, c7_0};
  glean_v16i rr[QPAIR_MR] = {c0_1, c1_1, c2_1, c3_1, c4_1, c5_1, c6_1, c7_1};
  for (int r = 0; r < QPAIR_MR; r++) {
    // Wrapping int32 arithmetic (unsigned), as vpmulld and vpsubd.
    glean_v16u offset = (uint32_t)(zp[r] + 128);
    left[r] = (glean_v16i)((glean_v16u)l[r] - offset * (glean_v16u)sums0);
    right[r] = (glean_v16i)((glean_v16u)rr[r] - offset * (glean_v16u)sums1);
  }
}

/// One panel's half of a pair tile: rows i ..< i + QPAIR_MR of the corrected dots for columns jh ..< jh + 16,
/// rescaled as qtile_finish_avx2 does (bias + dot · (row scale · weight scale)), then the epilogue, stored at
/// y (row i, column jh). Inlined into the strip twice, so that the dots stay in registers.
__attribute__((target(QPAIR_TARGET), always_inline))
static inline void QPAIR_HALF_NAME(glean_v16i dots[QPAIR_MR], const float *row_scales, const float *weight_scales,
                                   const glean_epilogue *e, const glean_epilogue *tail, ptrdiff_t i, ptrdiff_t jh, float *y,
                                   ptrdiff_t ldy) {
  glean_v16f ws, bias = 0.0f;
  memcpy(&ws, weight_scales + jh, sizeof ws);
  if (e && e->bias) memcpy(&bias, e->bias + jh, sizeof bias);
  glean_v16f values[QPAIR_MR];
  for (int r = 0; r < QPAIR_MR; r++) {
    glean_v16f rs = row_scales[i + r];
    values[r] = bias + __builtin_convertvector(dots[r], glean_v16f) * (rs * ws);
  }
#if QPAIR_AVX512
  glean_epilogue_store_tile_avx512(tail, (__m512 *)values, QPAIR_MR, i, jh, y, ldy);
#else
  glean_epilogue_store_tile16_on_avx2(tail, values, QPAIR_MR, i, jh, y, ldy);
#endif
}

/// The whole pair tiles of two adjacent panels for rows i_begin ..< i_end (a multiple of QPAIR_MR rows) of q
/// (rows `stride` bytes apart): the panels start at panel and panel + panel_bytes, the 32 output columns at y
/// (column j of row 0) and lie side by side.
__attribute__((target(QPAIR_TARGET))) GLEAN_ALIGNED
static void QPAIR_STRIP_NAME(int quads, const uint8_t *q, ptrdiff_t stride, const int8_t *panel, size_t panel_bytes,
                             const int32_t *zero_points, int i_begin, int i_end, const float *row_scales, const float *weight_scales,
                             const glean_epilogue *e, ptrdiff_t j, float *y, ptrdiff_t ldy) {
  const glean_epilogue *tail = glean_epilogue_has_tail(e) ? e : NULL;
  for (int i = i_begin; i + QPAIR_MR <= i_end; i += QPAIR_MR) {
    glean_epilogue_prefetch_residual(e, i, j, QPAIR_MR, 2 * QNR);
    glean_v16i left[QPAIR_MR], right[QPAIR_MR];
    QPAIR_DOTS_NAME(quads, q + (ptrdiff_t)i * stride, stride, panel, panel + panel_bytes, zero_points + i, left, right);
    float *yi = y + (ptrdiff_t)i * ldy;
    QPAIR_HALF_NAME(left, row_scales, weight_scales, e, tail, i, j, yi, ldy);
    QPAIR_HALF_NAME(right, row_scales, weight_scales, e, tail, i, j + QNR, yi + QNR, ldy);
  }
}

#undef QPAIR_STRIP_NAME
#undef QPAIR_DOTS_NAME
#undef QPAIR_HALF_NAME
#undef QPAIR_TARGET
#undef QPAIR_AVX512
#undef QPAIR_DPBUSD
