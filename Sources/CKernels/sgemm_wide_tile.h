// Template of the float GEMM's wide tile, included by sgemm.c once per target. Before each inclusion
// sgemm.c defines WIDE_TILE_NAME (the tile function), WIDE_STRIP_NAME (the function running a panel's whole
// tiles one after another, as strip_avx2 does), WIDE_PAIR_STRIP_NAME (the same over two panels at once, in
// tiles of PAIR_MR rows × 32 columns), WIDE_WHOLE_NAME (their shared whole-tile body) and
// WIDE_TILE_TARGET (their target attribute) and WIDE_TILE_AVX512 (1 when that target has AVX-512F: the epilogue
// then runs on 512-bit vectors); this file undefines them.
//
// The tile: WIDE_MR (12) rows × NR (16) columns, one 16-float vector per row (a ZMM register with
// AVX-512F, a pair of YMM registers when compiled for AVX2), written with clang's vector extensions so
// that the same source serves both targets. Each accumulator sums fma(a[r][p], B[p, ·], acc) over
// p = 0 ..< k in order, as the AVX2 tile does: the two tiles agree bit for bit. A whole tile adds the bias,
// applies the epilogue, writes C (top-left element C[i, j]) and the function returns 1; otherwise the raw
// sums go to `tile` and it returns 0.

/// Bias, epilogue and store of `rows` rows of 16 columns (acc[r] = row i + r, columns j ..< j + 16; c points at C[i, j]);
/// inlined with a constant `rows`, so that acc stays in registers.
__attribute__((target(WIDE_TILE_TARGET), always_inline))
static inline void WIDE_STORE_NAME(glean_v16f acc[], int rows, float *c, ptrdiff_t ldc, const glean_epilogue *epilogue, ptrdiff_t i,
                                   ptrdiff_t j) {
  if (epilogue && epilogue->bias) {
    glean_v16f bias;
    memcpy(&bias, epilogue->bias + j, sizeof bias);
    for (int r = 0; r < rows; r++) acc[r] = bias + acc[r];
  }
  if (glean_epilogue_has_tail(epilogue)) {
#if WIDE_TILE_AVX512
    glean_epilogue_store_tile_avx512(epilogue, (__m512 *)acc, rows, i, j, c, ldc);
    return;
#endif
    glean_epilogue_store_tile16_on_avx2(epilogue, acc, rows, i, j, c, ldc);
    return;
  }
  for (int r = 0; r < rows; r++) memcpy(c + r * ldc, &acc[r], sizeof acc[r]);
}

#define WIDE_STEP(r, value) c##r = __builtin_elementwise_fma((glean_v16f)(value), b, c##r)

/// A whole wide tile whose rows start at a (depth contiguous) and are lda apart: four base pointers and fixed
/// offsets, so that a depth step costs few integer operations; then bias, epilogue and store.
__attribute__((target(WIDE_TILE_TARGET), always_inline))
static inline void WIDE_WHOLE_NAME(int k, const float *a, ptrdiff_t lda, const float *panel, float *c, ptrdiff_t ldc,
                                   const glean_epilogue *epilogue, ptrdiff_t i, ptrdiff_t j) {
  // Twelve named accumulators (an array whose address is taken would live in memory).
  glean_v16f c0 = 0.0f, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
  glean_epilogue_prefetch_residual(epilogue, i, j, WIDE_MR, NR);
  const float *bp = panel, *r0 = a, *r3 = a + 3 * lda, *r6 = a + 6 * lda, *r9 = a + 9 * lda;
  for (int p = 0; p < k; p++) {
    glean_v16f b;
    memcpy(&b, bp, sizeof b);
    WIDE_STEP(0, r0[0]); WIDE_STEP(1, r0[lda]); WIDE_STEP(2, r0[2 * lda]);
    WIDE_STEP(3, r3[0]); WIDE_STEP(4, r3[lda]); WIDE_STEP(5, r3[2 * lda]);
    WIDE_STEP(6, r6[0]); WIDE_STEP(7, r6[lda]); WIDE_STEP(8, r6[2 * lda]);
    WIDE_STEP(9, r9[0]); WIDE_STEP(10, r9[lda]); WIDE_STEP(11, r9[2 * lda]);
    r0++; r3++; r6++; r9++; bp += NR;
  }
  glean_v16f acc[WIDE_MR] = {c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11};
  WIDE_STORE_NAME(acc, WIDE_MR, c, ldc, epilogue, i, j);
}

#define PAIR_STEP(r, value)                                                                \
  do {                                                                                     \
    glean_v16f x = (value);                                                                \
    c##r##_0 = __builtin_elementwise_fma(x, b0, c##r##_0);                                 \
    c##r##_1 = __builtin_elementwise_fma(x, b1, c##r##_1);                                 \
  } while (0)

/// The dots of one pair tile: PAIR_MR (8) rows of A from a (lda apart, contiguous along depth) times two
/// adjacent panels (panel0 and panel1), into left[r] (columns of panel0) and right[r]. Sixteen accumulators,
/// and each element of A, broadcast once, feeds two FMAs. Inlined into the strip, so that left and right
/// stay in registers through the epilogue: as a separate function it wrote them to memory, clang then ran
/// every epilogue step as a load, the operation and a store back, and the strip's stores took ~8 % of
/// MobileBERT float's time (AMD Zen 5; check `objdump -d` for zmm references to %rsp after changing this).
__attribute__((target(WIDE_TILE_TARGET), always_inline))
static inline void WIDE_PAIR_DOTS_NAME(int k, const float *a, ptrdiff_t lda, const float *panel0, const float *panel1,
                                glean_v16f left[PAIR_MR], glean_v16f right[PAIR_MR]) {
  glean_v16f c0_0 = 0.0f, c0_1 = c0_0, c1_0 = c0_0, c1_1 = c0_0, c2_0 = c0_0, c2_1 = c0_0, c3_0 = c0_0, c3_1 = c0_0;
  glean_v16f c4_0 = c0_0, c4_1 = c0_0, c5_0 = c0_0, c5_1 = c0_0, c6_0 = c0_0, c6_1 = c0_0, c7_0 = c0_0, c7_1 = c0_0;
  const float *r0 = a, *r4 = a + 4 * lda, *bp0 = panel0, *bp1 = panel1;
  for (int p = 0; p < k; p++) {
    glean_v16f b0, b1;
    memcpy(&b0, bp0, sizeof b0);
    memcpy(&b1, bp1, sizeof b1);
    // Weights met for the first time come from memory (a model's are far larger than the caches): fetch the
    // lines 64 steps ahead, one per panel and step. Fed from L3 or memory, the M 384 × K 128 × N 512 and
    // K 512 × N 128 pair of MobileBERT's feed-forward network ran at 211 GFLOP/s without this and 217 with it
    // (AMD Zen 5, 48 weight sets in turn; 227 and 225 with one set, in cache).
    _mm_prefetch((const char *)(bp0 + 64 * NR), _MM_HINT_T0);
    _mm_prefetch((const char *)(bp1 + 64 * NR), _MM_HINT_T0);
    PAIR_STEP(0, r0[0]); PAIR_STEP(1, r0[lda]); PAIR_STEP(2, r0[2 * lda]); PAIR_STEP(3, r0[3 * lda]);
    PAIR_STEP(4, r4[0]); PAIR_STEP(5, r4[lda]); PAIR_STEP(6, r4[2 * lda]); PAIR_STEP(7, r4[3 * lda]);
    r0++; r4++; bp0 += NR; bp1 += NR;
  }
  left[0] = c0_0; left[1] = c1_0; left[2] = c2_0; left[3] = c3_0; left[4] = c4_0; left[5] = c5_0; left[6] = c6_0; left[7] = c7_0;
  right[0] = c0_1; right[1] = c1_1; right[2] = c2_1; right[3] = c3_1; right[4] = c4_1; right[5] = c5_1; right[6] = c6_1; right[7] = c7_1;
}

/// The whole tiles of two adjacent panels (32 columns) for rows i_begin ..< i_end (a multiple of PAIR_MR rows),
/// PAIR_MR × 32 at a time. The wide tile spends one load per FMA (its 12 broadcasts and the panel's vector per
/// 12 FMAs), which on AMD Zen 5 held it to 78–92 % of the FMA peak; here 10 loads serve 16 FMAs. Each sum is
/// still one FMA per depth step in order p = 0 ..< k, so the results are the other tiles' bit for bit. The
/// panels start at panel and panel + k·16; C's 32 columns start at c (C[0, j]) and lie side by side.
__attribute__((target(WIDE_TILE_TARGET))) GLEAN_ALIGNED
static void WIDE_PAIR_STRIP_NAME(int k, const float *a, ptrdiff_t lda, const float *panel, float *c, ptrdiff_t ldc,
                                 const glean_epilogue *epilogue, int i_begin, int i_end, ptrdiff_t j) {
  const float *panel1 = panel + (size_t)k * NR;
  for (int i = i_begin; i + PAIR_MR <= i_end; i += PAIR_MR) {
    glean_epilogue_prefetch_residual(epilogue, i, j, PAIR_MR, 2 * NR);
    glean_v16f left[PAIR_MR], right[PAIR_MR];
    WIDE_PAIR_DOTS_NAME(k, a + (ptrdiff_t)i * lda, lda, panel, panel1, left, right);
    float *ci = c + (ptrdiff_t)i * ldc;
    WIDE_STORE_NAME(left, PAIR_MR, ci, ldc, epilogue, i, j);
    WIDE_STORE_NAME(right, PAIR_MR, ci + NR, ldc, epilogue, i, j + NR);
  }
}
#undef PAIR_STEP

/// The whole wide tiles of one panel for rows i_begin ..< i_end (a multiple of WIDE_MR rows), one after another.
__attribute__((target(WIDE_TILE_TARGET))) GLEAN_ALIGNED
static void WIDE_STRIP_NAME(int k, const float *a, ptrdiff_t lda, const float *panel, float *c, ptrdiff_t ldc,
                            const glean_epilogue *epilogue, int i_begin, int i_end, ptrdiff_t j) {
  for (int i = i_begin; i + WIDE_MR <= i_end; i += WIDE_MR) {
    WIDE_WHOLE_NAME(k, a + (ptrdiff_t)i * lda, lda, panel, c + (ptrdiff_t)i * ldc, ldc, epilogue, i, j);
  }
}

/// The wide tile for any rows a[r] (strided by stride_k along depth).
__attribute__((target(WIDE_TILE_TARGET))) GLEAN_ALIGNED
static int WIDE_TILE_NAME(int k, const float *const a[WIDE_MR], ptrdiff_t stride_k, const float *panel, float tile[WIDE_MR][NR],
                          float *c, ptrdiff_t ldc, const glean_epilogue *epilogue, ptrdiff_t i, ptrdiff_t j, int rows, int width) {
  int whole = rows == WIDE_MR && width == NR;
  ptrdiff_t lda = a[1] - a[0];
  int evenly_spaced = stride_k == 1;
  for (int r = 2; r < WIDE_MR; r++) evenly_spaced = evenly_spaced && a[r] - a[r - 1] == lda;
  if (whole && evenly_spaced) {
    WIDE_WHOLE_NAME(k, a[0], lda, panel, c, ldc, epilogue, i, j);
    return 1;
  }
  glean_v16f c0 = 0.0f, c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
  const float *bp = panel;
  for (int p = 0; p < k; p++) {
    glean_v16f b;
    memcpy(&b, bp, sizeof b);
    ptrdiff_t o = p * stride_k;
    WIDE_STEP(0, a[0][o]); WIDE_STEP(1, a[1][o]); WIDE_STEP(2, a[2][o]); WIDE_STEP(3, a[3][o]);
    WIDE_STEP(4, a[4][o]); WIDE_STEP(5, a[5][o]); WIDE_STEP(6, a[6][o]); WIDE_STEP(7, a[7][o]);
    WIDE_STEP(8, a[8][o]); WIDE_STEP(9, a[9][o]); WIDE_STEP(10, a[10][o]); WIDE_STEP(11, a[11][o]);
    bp += NR;
  }
  glean_v16f acc[WIDE_MR] = {c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11};
  if (!whole) {
    for (int r = 0; r < WIDE_MR; r++) memcpy(tile[r], &acc[r], sizeof acc[r]);
    return 0;
  }
  WIDE_STORE_NAME(acc, WIDE_MR, c, ldc, epilogue, i, j);
  return 1;
}
#undef WIDE_STEP

#undef WIDE_TILE_NAME
#undef WIDE_STRIP_NAME
#undef WIDE_PAIR_STRIP_NAME
#undef WIDE_PAIR_DOTS_NAME
#undef WIDE_WHOLE_NAME
#undef WIDE_STORE_NAME
#undef WIDE_TILE_TARGET
#undef WIDE_TILE_AVX512
