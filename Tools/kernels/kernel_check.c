// Checks Glean's C GEMM kernels on the machine (or emulator) it runs on against scalar models of what each
// path promises, bit for bit:
//   - float GEMM, every SIMD path (AVX2, AVX-512F, NEON): C = bias + Σ_p fma in order p = 0 ..< k, then the
//     epilogue (model: fmaf in a loop); the portable path: multiply then add in the same order;
//   - the float GEMM skipping A's zeros: the same sums without the steps whose A element is zero, bit for bit
//     (and, deciding for itself, the dense model's values as numbers: glean_sgemm_finite_b);
//   - the float GEMM's packing of B, both layouts (K × N, and N × K through 8 × 8 transposes);
//   - hybrid FULLY_CONNECTED, every layout and path: LiteRT's integer dots and rescale (model: int64 dots of
//     the quantized rows the kernel leaves in its scratch, equal to the kernel's own rows quantized again), also
//     multiplying rows an earlier call left (x NULL);
// over shapes with partial tiles, strided A, every epilogue step, 1 and 3 threads; the softmax and GELU of
// each path against double-precision formulas (within 1e-6); DEQUANTIZE against the reference's formula in
// double, bit for bit; the vector input quantization against the
// portable one, bit for bit, on any float bit pattern; the row mean against a model of each path's
// summation order, bit for bit; the thread pool runs each task once, over many short jobs too (a bug in
// how workers join and leave jobs shows as a failure or a hang); on x86-64 also with
// glean_kernels_emulate_wide (the AVX-512 and VNNI tiles compiled for AVX2). The Swift tests check the same
// kernels against the reference kernels; this tool exists for the paths a machine cannot run natively —
// arm64 under QEMU from an x86-64 machine:
//
//   S=Sources/CKernels; clang -O2 -I$S/include -I$S Tools/kernels/kernel_check.c $S/*.c -o /tmp/kernel_check -lm -lpthread
//   /tmp/kernel_check
//
//   apt-get install gcc-aarch64-linux-gnu qemu-user         # cross linker, C library and emulator
//   for f in $S/*.c Tools/kernels/kernel_check.c; do
//     clang --target=aarch64-linux-gnu -isystem /usr/aarch64-linux-gnu/include -O2 -I$S/include -I$S -c $f -o /tmp/$(basename $f .c).a64.o
//   done
//   aarch64-linux-gnu-gcc /tmp/*.a64.o -o /tmp/kernel_check_a64 -lm -lpthread
//   qemu-aarch64 -L /usr/aarch64-linux-gnu /tmp/kernel_check_a64
//
// Offline tool, not part of the package. Prints one line per failure and a summary; exits 1 on any failure.
#include "glean_kernels.h"
#include "internal.h"   // glean_quantize_row_range, glean_simd
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Every multiply and add rounds on its own unless the model says fmaf (clang fuses a + b * c on arm64 by default).
#pragma clang fp contract(off)

static uint64_t state = 0x1234567;
static uint32_t next(void) { state = state * 6364136223846793005ULL + 1442695040888963407ULL; return (uint32_t)(state >> 33); }
static float uniform(void) { return (float)next() / 2147483648.0f * 2 - 1; }

static int failures = 0;
static void expect_equal(const float *actual, const float *expected, size_t count, const char *what, int m, int k, int n) {
  for (size_t i = 0; i < count; i++) {
    if (memcmp(&actual[i], &expected[i], sizeof(float)) != 0) {
      printf("FAIL %s M%d K%d N%d: element %zu is %.9g, expected %.9g\n", what, m, k, n, i, actual[i], expected[i]);
      failures++;
      return;
    }
  }
}

/// The epilogue after the bias, as glean_epilogue documents it.
static void epilogue_tail(const glean_epilogue *e, float v, int i, int j, float *out, float *second_out) {
  if (!e) { *out = v; return; }
  if (e->clamp) { v = e->clamp_lo >= v ? e->clamp_lo : v; v = e->clamp_hi < v ? e->clamp_hi : v; }
  if (e->residual) v = v + e->residual[i * e->residual_ld + j];
  if (e->second) { *out = v; out = second_out; }
  if (e->scale) v = v * e->scale[e->scale_per_column ? j : 0];
  if (e->shift) v = v + e->shift[e->shift_per_column ? j : 0];
  *out = v;
}

/// C (and second) as the float GEMM computes them: fused (fmaf) or multiply-then-add sums in depth order.
static void sgemm_model(int fused, int m, int n, int k, const float *a, ptrdiff_t sm, ptrdiff_t sk, const float *b,
                        const glean_epilogue *e, float *c, float *second) {
  for (int i = 0; i < m; i++) {
    for (int j = 0; j < n; j++) {
      float acc = 0;
      for (int p = 0; p < k; p++) {
        float x = a[i * sm + p * sk], w = b[p * n + j];
        if (fused) acc = fmaf(x, w, acc); else { float product = x * w; acc = acc + product; }
      }
      float v = e && e->bias ? e->bias[j] + acc : acc;
      epilogue_tail(e, v, i, j, &c[i * n + j], second ? &second[i * n + j] : NULL);
    }
  }
}

/// The operands of one float GEMM check: A (`a_floats` floats, for the caller to fill), B (k × n) and its packing,
/// the epilogue's operands, C and `second` with their expected values. Variant 0 has no epilogue; 1 every step
/// with a RELU clamp; 2 every step with a RELU6 clamp, scale and shift by one value, and `second`.
typedef struct {
  float *a, *b, *bias, *residual, *scale, *shift, *c, *expected, *second, *second_expected, *packed;
  glean_epilogue full;
  const glean_epilogue *e;
} sgemm_case;

static void sgemm_case_init(sgemm_case *c, int m, int k, int n, size_t a_floats, int variant) {
  sgemm_case t;
  t.a = malloc(sizeof(float) * a_floats);
  t.b = malloc(sizeof(float) * k * n);
  t.bias = malloc(sizeof(float) * n), t.scale = malloc(sizeof(float) * n), t.shift = malloc(sizeof(float) * n);
  t.residual = malloc(sizeof(float) * m * n);
  t.c = malloc(sizeof(float) * m * n), t.expected = malloc(sizeof(float) * m * n);
  t.second = malloc(sizeof(float) * m * n), t.second_expected = malloc(sizeof(float) * m * n);
  t.packed = malloc(sizeof(float) * glean_sgemm_packed_size(k, n));
  for (int i = 0; i < k * n; i++) t.b[i] = uniform();
  for (int i = 0; i < n; i++) { t.bias[i] = uniform(); t.scale[i] = uniform(); t.shift[i] = uniform(); }
  for (int i = 0; i < m * n; i++) t.residual[i] = uniform();
  glean_sgemm_pack(t.b, n, 1, k, n, t.packed);
  t.full = (glean_epilogue){t.bias, 1, -0.25f, variant == 2 ? 6.0f : INFINITY, t.residual, n, variant == 2 ? t.second : NULL, n,
                            t.scale, 1, t.shift, variant == 2 ? 0 : 1};
  *c = t;
  c->e = variant == 0 ? NULL : &c->full;
}

static void sgemm_case_free(sgemm_case *t) {
  free(t->a); free(t->b); free(t->bias); free(t->residual); free(t->scale); free(t->shift); free(t->c); free(t->expected);
  free(t->second); free(t->second_expected); free(t->packed);
}

static void check_sgemm(glean_pool *pool, int m, int k, int n, int variant, const char *path, int fused) {
  sgemm_case t;
  sgemm_case_init(&t, m, k, n, (size_t)m * k * 2, variant);
  for (int i = 0; i < m * k * 2; i++) t.a[i] = uniform();
  // Plain A (stride_m k) and, for variant 1, A read transposed through strides (stride_m 1, stride_k m).
  ptrdiff_t sm = variant == 1 ? 1 : k, sk = variant == 1 ? m : 1;
  sgemm_model(fused, m, n, k, t.a, sm, sk, t.b, t.e, t.expected, t.second_expected);
  glean_sgemm(pool, m, n, k, t.a, sm, sk, t.packed, t.e, t.c, n);
  char what[96];
  snprintf(what, sizeof what, "sgemm %s epilogue %d threads %d", path, variant, glean_pool_threads(pool));
  expect_equal(t.c, t.expected, (size_t)m * n, what, m, k, n);
  if (variant == 2) expect_equal(t.second, t.second_expected, (size_t)m * n, what, m, k, n);
  sgemm_case_free(&t);
}

/// C as the float GEMM skipping A's zeros computes it: the fused model's sums without the steps whose a[i, p] is
/// zero (+0 or −0), rows lda apart.
static void sgemm_skipping_zeros_model(int m, int n, int k, const float *a, ptrdiff_t lda, const float *b, const glean_epilogue *e,
                                       float *c, float *second) {
  for (int i = 0; i < m; i++) {
    for (int j = 0; j < n; j++) {
      float acc = 0;
      for (int p = 0; p < k; p++) {
        float x = a[i * lda + p];
        if (x != 0) acc = fmaf(x, b[p * n + j], acc);
      }
      float v = e && e->bias ? e->bias[j] + acc : acc;
      epilogue_tail(e, v, i, j, &c[i * n + j], second ? &second[i * n + j] : NULL);
    }
  }
}

/// Whether x and y are equal as numbers (+0 and −0 alike, NaN equal to NaN).
static int same_number(float x, float y) { return x == y || (isnan(x) && isnan(y)); }

/// glean_sgemm_skipping_zeros against its model bit for bit (where it runs the row kernel: x86-64 with AVX2;
/// elsewhere it is the dense GEMM and is held to that model), and glean_sgemm_finite_b against the dense model
/// as numbers, on A with `zeros` of every 8 elements zero (of both signs), whole zero rows, and in variant 1
/// NaN and infinities; A's rows padded (lda k + 3) in variant 1.
static void check_sgemm_skipping_zeros(glean_pool *pool, int m, int k, int n, int variant, int zeros, const char *path, int fused) {
  ptrdiff_t lda = variant == 1 ? k + 3 : k;
  sgemm_case t;
  sgemm_case_init(&t, m, k, n, (size_t)m * lda, variant);
  float *a = t.a;
  for (int i = 0; i < m * lda; i++) {
    a[i] = (int)(next() % 8) < zeros ? (next() % 2 ? 0.0f : -0.0f) : uniform();
    if (variant == 1 && next() % 97 == 0) a[i] = next() % 3 == 0 ? NAN : (next() % 2 ? INFINITY : -INFINITY);
  }
  for (int i = 0; i < m; i += 7) for (int p = 0; p < k; p++) a[i * lda + p] = 0;   // whole rows of zeros
  char what[128];
#if defined(__x86_64__)
  int row_kernel = strcmp(path, "portable") != 0;
#else
  int row_kernel = 0;
#endif
  if (row_kernel) sgemm_skipping_zeros_model(m, n, k, a, lda, t.b, t.e, t.expected, t.second_expected);
  else sgemm_model(fused, m, n, k, a, lda, 1, t.b, t.e, t.expected, t.second_expected);
  glean_sgemm_skipping_zeros(pool, m, n, k, a, lda, t.packed, t.e, t.c, n);
  snprintf(what, sizeof what, "sgemm skipping zeros (%d of 8) %s epilogue %d threads %d", zeros, path, variant, glean_pool_threads(pool));
  expect_equal(t.c, t.expected, (size_t)m * n, what, m, k, n);
  if (variant == 2) expect_equal(t.second, t.second_expected, (size_t)m * n, what, m, k, n);

  sgemm_model(fused, m, n, k, a, lda, 1, t.b, t.e, t.expected, t.second_expected);
  glean_sgemm_finite_b(pool, m, n, k, a, lda, 1, t.packed, t.e, t.c, n);
  for (int i = 0; i < m * n; i++) {
    if (!same_number(t.c[i], t.expected[i]) || (variant == 2 && !same_number(t.second[i], t.second_expected[i]))) {
      printf("FAIL sgemm finite B (%d of 8 zeros) %s epilogue %d M%d K%d N%d: element %d is %.9g, expected %.9g\n", zeros, path,
             variant, m, k, n, i, t.c[i], t.expected[i]);
      failures++;
      break;
    }
  }
  sgemm_case_free(&t);
}

static void check_hybrid(glean_pool *pool, int m, int k, int n, int asymmetric, const char *path) {
  float *x = malloc(sizeof(float) * m * k), *y = malloc(sizeof(float) * m * n), *expected = malloc(sizeof(float) * m * n);
  float *scales = malloc(sizeof(float) * m), *bias = malloc(sizeof(float) * n), *wscale = malloc(sizeof(float) * n);
  int32_t *zp = malloc(sizeof(int32_t) * m);
  int8_t *w = malloc((size_t)n * k), *packed = malloc(glean_qgemm_packed_size(k, n));
  void *q = malloc(glean_qgemm_quantized_bytes(m, k));
  for (int i = 0; i < m * k; i++) x[i] = 3 * uniform();
  if (m > 2) { for (int p = 0; p < k; p++) x[k + p] = 0; x[2 * k + k / 2] = NAN; }   // a zero row, a NaN
  if (m > 4) { x[3 * k + k / 3] = INFINITY; x[4 * k] = -INFINITY; }   // infinities: NaN outputs, or ±∞ ones
  for (int i = 0; i < n * k; i++) w[i] = (int8_t)((int)(next() % 255) - 127);
  for (int j = 0; j < n; j++) { bias[j] = uniform(); wscale[j] = 0.01f * (1 + uniform()); }
  glean_qgemm_pack(w, n, k, packed);
  glean_epilogue e = {bias, 0, 0, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0};
  if (glean_hybrid_fully_connected(pool, m, n, k, x, asymmetric, q, scales, zp, packed, wscale, &e, y, n) != 0) {
    printf("FAIL hybrid %s: rejected its own packed weights\n", path);
    failures++;
  }
  // Model: quantize each row as LiteRT does (symmetric or asymmetric), int64 dots, LiteRT's rescale.
  for (int i = 0; i < m; i++) {
    const float *row = x + (size_t)i * k;
    int32_t qrow[4096];
    float lo = asymmetric ? 0 : row[0], hi = lo;
    for (int p = 0; p < k; p++) { lo = row[p] < lo ? row[p] : lo; hi = row[p] > hi ? row[p] : hi; }
    float scale = 1;
    int32_t zero = 0;
    if (!asymmetric) {
      float range = fabsf(lo) > fabsf(hi) ? fabsf(lo) : fabsf(hi);
      if (range == 0) { for (int p = 0; p < k; p++) qrow[p] = 0; }
      else {
        scale = range / 127.0f;
        for (int p = 0; p < k; p++) {
          float r = roundf(row[p] * (127.0f / range));
          if (isnan(r)) r = 0;
          qrow[p] = (int32_t)(r < -127 ? -127 : (r > 127 ? 127 : r));
        }
      }
    } else if (lo == hi) {
      for (int p = 0; p < k; p++) qrow[p] = 0;
    } else {
      scale = (hi - lo) / 255.0f;
      double zpd_min = -128.0 - lo / (double)scale, zpd_max = 127.0 - hi / (double)scale;
      double zpd = 128.0 + fabs(lo / (double)scale) < 127.0 + fabs(hi / (double)scale) ? zpd_min : zpd_max;
      zero = zpd != zpd ? 0 : (zpd <= -128.0 ? -128 : (zpd >= 127.0 ? 127 : (int32_t)round(zpd)));
      for (int p = 0; p < k; p++) {
        float r = roundf(row[p] * (1.0f / scale));
        if (isnan(r)) r = 0;
        r = r < -256 ? -256 : (r > 256 ? 256 : r);
        int32_t v = (int32_t)r + zero;
        qrow[p] = v < -128 ? -128 : (v > 127 ? 127 : v);
      }
    }
    if (scales[i] != scale || zp[i] != zero) { printf("FAIL hybrid %s: row %d scale/zero point\n", path, i); failures++; }
    for (int j = 0; j < n; j++) {
      int64_t dot = 0;
      for (int p = 0; p < k; p++) dot += (int64_t)(qrow[p] - zero) * w[(size_t)j * k + p];
      float s = scale * wscale[j];
      expected[i * n + j] = bias[j] + (float)(int32_t)dot * s;
    }
  }
  char what[96];
  snprintf(what, sizeof what, "hybrid %s %s threads %d", path, asymmetric ? "asymmetric" : "symmetric", glean_pool_threads(pool));
  expect_equal(y, expected, (size_t)m * n, what, m, k, n);
  // Without x: the rows the call above left in q, scales and zp, multiplied again (a second node on the same input).
  memset(y, 0, sizeof(float) * m * n);
  glean_hybrid_fully_connected(pool, m, n, k, NULL, asymmetric, q, scales, zp, packed, wscale, &e, y, n);
  snprintf(what, sizeof what, "hybrid %s %s threads %d, rows quantized before", path, asymmetric ? "asymmetric" : "symmetric",
           glean_pool_threads(pool));
  expect_equal(y, expected, (size_t)m * n, what, m, k, n);
  free(x); free(y); free(expected); free(scales); free(bias); free(wscale); free(zp); free(w); free(packed); free(q);
}

/// Column blocks (attention's head split): the float and the hybrid GEMM with block_columns B store what the
/// plain layout stores, element (i, j) at block j / B, bit for bit; B of 16 and 32 fill whole panels, 8 and 24
/// straddle them.
static void check_column_blocks(glean_pool *pool, const char *path) {
  static const int cases[][4] = {{37, 24, 4, 16}, {100, 64, 3, 32}, {13, 40, 6, 8}, {97, 33, 5, 24}};
  for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    int m = cases[c][0], k = cases[c][1], block = cases[c][3], n = cases[c][2] * block;
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *bias = malloc(sizeof(float) * n);
    float *plain = malloc(sizeof(float) * m * n), *blocked = malloc(sizeof(float) * m * n), *expected = malloc(sizeof(float) * m * n);
    float *packed = malloc(sizeof(float) * glean_sgemm_packed_size(k, n)), *scales = malloc(sizeof(float) * m), *wscale = malloc(sizeof(float) * n);
    int8_t *w = malloc((size_t)n * k), *qpacked = malloc(glean_qgemm_packed_size(k, n));
    int32_t *zp = malloc(sizeof(int32_t) * m);
    void *q = malloc(glean_qgemm_quantized_bytes(m, k));
    for (int i = 0; i < m * k; i++) a[i] = uniform();
    for (int i = 0; i < k * n; i++) { b[i] = uniform(); w[i] = (int8_t)((int)(next() % 255) - 127); }
    for (int j = 0; j < n; j++) { bias[j] = uniform(); wscale[j] = 0.01f * (1 + uniform()); }
    glean_sgemm_pack(b, n, 1, k, n, packed);
    glean_qgemm_pack(w, n, k, qpacked);
    glean_epilogue e = {.bias = bias}, split = {.bias = bias, .block_columns = block, .block_stride = (ptrdiff_t)m * block};
    for (int hybrid = 0; hybrid < 2; hybrid++) {
      if (hybrid) {
        glean_hybrid_fully_connected(pool, m, n, k, a, 0, q, scales, zp, qpacked, wscale, &e, plain, n);
        glean_hybrid_fully_connected(pool, m, n, k, a, 0, q, scales, zp, qpacked, wscale, &split, blocked, block);
      } else {
        glean_sgemm(pool, m, n, k, a, k, 1, packed, &e, plain, n);
        glean_sgemm(pool, m, n, k, a, k, 1, packed, &split, blocked, block);
      }
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) expected[(size_t)(j / block) * m * block + (size_t)i * block + j % block] = plain[(size_t)i * n + j];
      }
      char what[96];
      snprintf(what, sizeof what, "%s column blocks of %d %s threads %d", hybrid ? "hybrid" : "sgemm", block, path, glean_pool_threads(pool));
      expect_equal(blocked, expected, (size_t)m * n, what, m, k, n);
    }
    free(a); free(b); free(bias); free(plain); free(blocked); free(expected); free(packed); free(scales); free(wscale); free(w);
    free(qpacked); free(zp); free(q);
  }
}

/// Layer normalisation in three passes per row against its steps run one by one (MEAN, SQUARED_DIFFERENCE,
/// MEAN, ADD ε, RSQRT, SUB, MUL, MUL γ, ADD β with glean_mean_rows_f32 and glean_binary_f32): bit for bit.
static void check_layer_norm(const char *path) {
  static const int shapes[][2] = {{3, 7}, {13, 24}, {10, 384}, {5, 100}};
  for (size_t c = 0; c < sizeof shapes / sizeof shapes[0]; c++) {
    int rows = shapes[c][0], n = shapes[c][1];
    size_t size = (size_t)rows * n;
    float *x = malloc(sizeof(float) * size), *gamma = malloc(sizeof(float) * n), *beta = malloc(sizeof(float) * n);
    float *mean = malloc(sizeof(float) * rows), *variance = malloc(sizeof(float) * rows), *squares = malloc(sizeof(float) * size);
    float *steps[4], *fused[3], epsilon = 1e-6f;
    for (int s = 0; s < 4; s++) steps[s] = malloc(sizeof(float) * size);
    for (int s = 0; s < 3; s++) fused[s] = malloc(sizeof(float) * size);
    for (size_t i = 0; i < size; i++) x[i] = 4 * uniform() - 1;
    for (int j = 0; j < n; j++) { gamma[j] = 1 + uniform(); beta[j] = uniform(); }
    glean_mean_rows_f32(NULL, x, mean, rows, n);
    glean_binary_f32(NULL, GLEAN_BINARY_SQUARED_DIFFERENCE, x, n, 1, mean, 1, 0, squares, rows, n);
    glean_mean_rows_f32(NULL, squares, variance, rows, n);
    for (int r = 0; r < rows; r++) variance[r] = 1.0f / sqrtf(variance[r] + epsilon);
    glean_binary_f32(NULL, GLEAN_BINARY_SUB, x, n, 1, mean, 1, 0, steps[0], rows, n);
    glean_binary_f32(NULL, GLEAN_BINARY_MUL, steps[0], n, 1, variance, 1, 0, steps[1], rows, n);
    glean_binary_f32(NULL, GLEAN_BINARY_MUL, steps[1], n, 1, gamma, 0, 1, steps[2], rows, n);
    glean_binary_f32(NULL, GLEAN_BINARY_ADD, steps[2], n, 1, beta, 0, 1, steps[3], rows, n);
    glean_layer_norm_f32(NULL, x, &epsilon, gamma, 1, beta, 1, fused[0], fused[1], fused[2], rows, n);
    char what[96];
    for (int s = 0; s < 3; s++) {
      snprintf(what, sizeof what, "layer norm %s output %d", path, s);
      expect_equal(fused[s], steps[s + 1], size, what, rows, n, n);
    }
    free(x); free(gamma); free(beta); free(mean); free(variance); free(squares);
    for (int s = 0; s < 4; s++) free(steps[s]);
    for (int s = 0; s < 3; s++) free(fused[s]);
  }
}

/// Softmax, masked softmax and GELU of the path in use against double-precision formulas: within 1e-6
/// (softmax values lie in [0, 1]) and 1e-6 · max(1, |x|) (GELU), over rows of every length up to 40 and 384,
/// betas that take each loop (1, other positive, negative) and masks of −10000: scattered, and over the last
/// two thirds of the row (padding: whole steps of the exponential are skipped there, and must give exactly 0).
static void check_activations(const char *path) {
  enum { MAXLEN = 384 };
  float x[MAXLEN], mask[MAXLEN], y[MAXLEN], scale = 0.125f;
  const float betas[] = {1.0f, 0.7f, -0.4f};
  for (int length = 1; length <= MAXLEN; length = length < 40 ? length + 1 : MAXLEN + (length == MAXLEN)) {
    for (int b = 0; b < 3; b++) {
      for (int masked = 0; masked < 3; masked++) {   // 0: plain softmax; 1: scattered mask; 2: padding mask
        for (int i = 0; i < length; i++) {
          x[i] = uniform() * 12;
          mask[i] = masked == 2 ? (3 * i >= length ? -10000.0f : 0.0f) : (i % 5 == 3 ? -10000.0f : 0.0f);
        }
        if (masked) glean_masked_softmax_f32(NULL, x, &scale, mask, y, 1, length, betas[b]);
        else glean_softmax_f32(NULL, x, y, 1, length, betas[b]);
        double z[MAXLEN], maximum = -INFINITY, sum = 0;
        for (int i = 0; i < length; i++) {
          float t = masked ? x[i] * scale : x[i];   // the kernel rounds x · scale and + mask separately
          z[i] = masked ? (double)(t + mask[i]) : (double)t;
          if (z[i] > maximum) maximum = z[i];
        }
        for (int i = 0; i < length; i++) { z[i] = exp((z[i] - maximum) * betas[b]); sum += z[i]; }
        for (int i = 0; i < length; i++) {
          double expected = z[i] / sum;   // NaN where the reference's exponentials overflow too (masks with beta < 0)
          int masked_out = masked && mask[i] < 0 && betas[b] > 0;   // must be exactly 0
          if ((!(fabs(y[i] - expected) <= 1e-6) && !(isnan(y[i]) && isnan(expected))) || (masked_out && y[i] != 0.0f)) {
            printf("FAIL %s softmax%s length %d beta %g: element %d is %.9g, expected %.9g\n", path, masked ? " (masked)" : "",
                   length, betas[b], i, y[i], expected);
            failures++;
            break;
          }
        }
      }
    }
  }
  enum { COUNT = 4099 };
  static float v[COUNT], g[COUNT];
  for (int i = 0; i < COUNT; i++) v[i] = i < 2000 ? -10 + 20.0f * i / 2000 : uniform() * (i % 3 ? 4 : 60);
  for (int approximate = 0; approximate < 2; approximate++) {
    glean_gelu_f32(NULL, v, g, COUNT, approximate);
    for (int i = 0; i < COUNT; i++) {
      double xv = v[i], expected = approximate ? 0.5 * xv * (1 + tanh(0.7978845608028654 * (xv + 0.044715 * xv * xv * xv)))
                                               : 0.5 * xv * (1 + erf(xv / sqrt(2.0)));
      if (!(fabs(g[i] - expected) <= 1e-6 * fmax(1.0, fabs(xv)))) {
        printf("FAIL %s GELU (%s): x = %.9g gives %.9g, expected %.9g\n", path, approximate ? "tanh" : "erf", v[i], g[i], expected);
        failures++;
        break;
      }
    }
  }
}

/// The input quantization of the vector path (AVX2 or NEON) against the portable one, bit for bit: rows of
/// ordinary values, halves (rounding ties), huge values, infinities, NaNs (quiet and signalling: any bit
/// pattern), both forms (int16 q − zp, uint8 q + 128) and both modes (symmetric, asymmetric).
static void check_quantization(const char *path) {
  if (!glean_simd()) return;
  enum { ROWS = 64, MAXK = 130 };
  static float x[ROWS * MAXK], scales[2][ROWS];
  static int16_t q16[2][ROWS * (MAXK + 4)];
  static uint8_t q8[2][ROWS * (MAXK + 4)];   // rows padded to 2 or 4 elements
  static int32_t zp[2][ROWS];
  for (int k = 1; k <= MAXK; k += k < 40 ? 1 : 45) {
    for (int i = 0; i < ROWS * k; i++) {
      uint32_t bits = next();
      float any;
      memcpy(&any, &bits, sizeof any);
      switch (next() % 8) {
        case 0: x[i] = any; break;
        case 1: x[i] = (float)((int)(next() % 2001) - 1000) * 0.5f; break;
        case 2: x[i] = uniform() * ldexpf(1, (int)(next() % 60) - 20); break;
        default: x[i] = uniform() * 10;
      }
    }
    for (int asymmetric = 0; asymmetric < 2; asymmetric++) {
      for (int form = 0; form < 2; form++) {
        for (int simd = 0; simd < 2; simd++) {
          glean_quantize_row_range(x, k, asymmetric, simd, form ? NULL : q16[simd], form ? q8[simd] : NULL, scales[simd], zp[simd], 0, ROWS);
        }
        int same = memcmp(scales[0], scales[1], sizeof scales[0]) == 0 && memcmp(zp[0], zp[1], sizeof zp[0]) == 0 &&
                   (form ? memcmp(q8[0], q8[1], (size_t)ROWS * ((k + 3) & ~3)) : memcmp(q16[0], q16[1], sizeof(int16_t) * ROWS * ((k + 1) & ~1))) == 0;
        if (!same) {
          printf("FAIL %s quantization k %d %s %s: vector and portable rows differ\n", path, k, asymmetric ? "asymmetric" : "symmetric",
                 form ? "uint8" : "int16");
          failures++;
        }
      }
    }
  }
}

/// MEAN of rows on the path in use against a model of its summation order, bit for bit: the vector paths
/// (AVX2, NEON) sum x[i + j] into partial sum j (j < 16) over whole groups of 16, add partial sums j and
/// j + 8, then lanes 0 … 7 and the tail in order; the portable path sums in order.
static void check_mean(const char *path) {
  enum { MAXN = 600 };
  static float x[MAXN];
  for (int n = 1; n <= MAXN; n += n < 40 ? 1 : 97) {
    for (int i = 0; i < n; i++) x[i] = uniform() * ldexpf(1, (int)(next() % 12));
    float mean;
    glean_mean_rows_f32(NULL, x, &mean, 1, n);
    float sum = 0;
    int i = 0;
    if (glean_simd()) {
      float partial[16] = {0};
      for (; i + 16 <= n; i += 16) for (int j = 0; j < 16; j++) partial[j] = partial[j] + x[i + j];
      for (int j = 0; j < 8; j++) sum = sum + (partial[j] + partial[j + 8]);
    }
    for (; i < n; i++) sum = sum + x[i];
    float expected = sum / (float)n;
    if (memcmp(&mean, &expected, sizeof mean) != 0) {
      printf("FAIL %s mean n %d: %.9g, expected %.9g\n", path, n, mean, expected);
      failures++;
    }
  }
}

/// DEQUANTIZE of int8 and uint8 values against the reference's formula in double, rounded once to float, bit
/// for bit: lengths with vector tails and several tasks, zero points at the ends of the allowed range, scales
/// from subnormal to near overflow.
static void check_dequantize(glean_pool *pool, const char *path) {
  enum { MAXCOUNT = 140001 };
  static uint8_t x[MAXCOUNT];
  static float y[MAXCOUNT];
  static const int counts[] = {1, 7, 8, 9, 33, 65536, 65537, MAXCOUNT};
  static const float scales[] = {0.0371f, 1e-40f, 3e38f, 1.0f};
  static const int32_t zero_points[] = {0, -128, 255, 32768, -32768};
  for (int i = 0; i < MAXCOUNT; i++) x[i] = (uint8_t)(rand() & 0xFF);
  for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
    for (int is_signed = 0; is_signed < 2; is_signed++) {
      for (size_t s = 0; s < sizeof scales / sizeof scales[0]; s++) {
        for (size_t z = 0; z < sizeof zero_points / sizeof zero_points[0]; z++) {
          int count = counts[c];
          glean_dequantize_8bit(pool, x, is_signed, y, count, scales[s], zero_points[z]);
          for (int i = 0; i < count; i++) {
            int32_t q = is_signed ? (int32_t)(int8_t)x[i] : (int32_t)x[i];
            float expected = (float)((double)scales[s] * (double)(q - zero_points[z]));
            if (memcmp(&expected, &y[i], sizeof expected) != 0) {
              printf("FAIL %s dequantize %s count %d scale %g zero point %d, element %d: %.9g, expected %.9g\n", path,
                     is_signed ? "int8" : "uint8", count, scales[s], zero_points[z], i, y[i], expected);
              failures++;
              break;
            }
          }
        }
      }
    }
  }
}

static atomic_int runs[1000];
static void count_task(void *context, int task) { (void)context; atomic_fetch_add(&runs[task], 1); }

/// The thread pool runs every task of a job exactly once (each thread's own range, then the others'), for
/// task counts below, equal to and above the thread count; then many short jobs back to back, where workers
/// join jobs late, find them closed, or arrive as the next one is published.
static void check_pool(void) {
  for (int threads = 2; threads <= 3; threads++) {
    glean_pool *pool = glean_pool_create(threads);
    for (int job = 0; job < 20000; job++) {
      int count = 2 + job % 11;
      for (int i = 0; i < count; i++) atomic_store(&runs[i], 0);
      glean_pool_run(pool, count_task, NULL, count);
      int wrong = -1;
      for (int i = 0; i < count && wrong < 0; i++) wrong = atomic_load(&runs[i]) != 1 ? i : -1;
      if (wrong >= 0) {
        printf("FAIL pool of %d threads, short job %d of %d tasks: task %d ran %d times\n", threads, job, count, wrong,
               atomic_load(&runs[wrong]));
        failures++;
        break;
      }
    }
    glean_pool_destroy(pool);
  }
  for (int threads = 2; threads <= 5; threads++) {
    glean_pool *pool = glean_pool_create(threads);
    for (int count = 1; count <= 1000; count += count < 40 ? 1 : 137) {
      for (int i = 0; i < count; i++) atomic_store(&runs[i], 0);
      glean_pool_run(pool, count_task, NULL, count);
      for (int i = 0; i < count; i++) {
        if (atomic_load(&runs[i]) != 1) {
          printf("FAIL pool of %d threads, %d tasks: task %d ran %d times\n", threads, count, i, atomic_load(&runs[i]));
          failures++;
          break;
        }
      }
    }
    glean_pool_destroy(pool);
  }
}

/// The float GEMM's packing against a model (element (p, j) of B at panel j / 16, row p, column j % 16, zeros past
/// n), for B stored K × N (stride_k n) and N × K (stride_k 1, the transposing path), bit for bit.
static void check_pack(const char *path) {
  enum { MAXK = 70, MAXN = 50 };
  static float b[MAXK * MAXN], packed[MAXK * (MAXN + 16)];
  for (int k = 1; k <= MAXK; k += k < 20 ? 1 : 17) {
    for (int n = 1; n <= MAXN; n += n < 20 ? 1 : 15) {
      for (int i = 0; i < k * n; i++) b[i] = uniform();
      for (int transposed = 0; transposed < 2; transposed++) {
        ptrdiff_t stride_k = transposed ? 1 : n, stride_n = transposed ? k : 1;
        memset(packed, 0xFF, sizeof packed);
        glean_sgemm_pack(b, stride_k, stride_n, k, n, packed);
        int same = 1;
        for (int j = 0; j < (n + 15) / 16 * 16; j++) {
          for (int p = 0; p < k; p++) {
            float expected = j < n ? b[p * stride_k + j * stride_n] : 0.0f, actual = packed[(size_t)(j / 16) * k * 16 + p * 16 + j % 16];
            same = same && memcmp(&expected, &actual, sizeof actual) == 0;
          }
        }
        if (!same) { printf("FAIL %s pack k %d n %d %s\n", path, k, n, transposed ? "N x K" : "K x N"); failures++; }
      }
    }
  }
}

static void check_all(const char *path, int fused) {
  static const int shapes[][3] = {{1, 1, 1}, {5, 7, 3}, {6, 16, 16}, {12, 16, 16}, {13, 100, 50}, {25, 3, 40},
                                  {97, 64, 65}, {200, 31, 17}, {3, 255, 129}, {100, 128, 128}, {384, 128, 512},
                                  {49, 512, 128}, {50, 130, 200}, {30, 70, 100}, {40, 65, 90}};
  check_pack(path);
  check_activations(path);
  check_quantization(path);
  check_mean(path);
  check_layer_norm(path);
  glean_pool *pools[2] = {NULL, glean_pool_create(3)};
  for (int t = 0; t < 2; t++) check_column_blocks(pools[t], path);
  for (int t = 0; t < 2; t++) check_dequantize(pools[t], path);
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
    for (int t = 0; t < 2; t++) {
      for (int variant = 0; variant < 3; variant++) check_sgemm(pools[t], shapes[s][0], shapes[s][1], shapes[s][2], variant, path, fused);
      for (int variant = 0; variant < 3; variant++) {
        for (int zeros = 0; zeros <= 8; zeros += 4) {
          check_sgemm_skipping_zeros(pools[t], shapes[s][0], shapes[s][1], shapes[s][2], variant, zeros, path, fused);
        }
      }
      for (int asymmetric = 0; asymmetric < 2; asymmetric++) check_hybrid(pools[t], shapes[s][0], shapes[s][1], shapes[s][2], asymmetric, path);
    }
  }
  glean_pool_destroy(pools[1]);
}

/// On a machine with AVX-512F: its softmax, masked softmax and GELU against the same with
/// glean_kernels_emulate_wide set (the AVX2 functions), bit for bit, over the row lengths and betas of
/// check_activations (every tail length of both widths, skipped steps under a padding mask; the masked softmax
/// over three rows, so that rows taken two at a time and the odd one are both compared); and its input
/// quantization against the AVX2 one.
static void check_native_matches_emulation(const char *native, const char *emulated) {
  enum { MAXLEN = 1000 };
  enum { ROWS_MASKED = 3 };
  static float x[ROWS_MASKED * MAXLEN], mask[MAXLEN], y[2][ROWS_MASKED * MAXLEN];
  float scale = 0.125f;
  const float betas[] = {1.0f, 0.7f, -0.4f};
  for (int length = 1; length <= MAXLEN; length = length < 70 ? length + 1 : length == 70 ? 384 : MAXLEN + (length == MAXLEN)) {
    for (int b = 0; b < 3; b++) {
      for (int masked = 0; masked < 3; masked++) {
        int rows = masked ? ROWS_MASKED : 1;
        for (int i = 0; i < rows * length; i++) x[i] = uniform() * 12;
        for (int i = 0; i < length; i++) mask[i] = masked == 2 ? (3 * i >= length ? -10000.0f : 0.0f) : (i % 5 == 3 ? -10000.0f : 0.0f);
        for (int e = 0; e < 2; e++) {
          glean_kernels_emulate_wide(e);
          if (masked) glean_masked_softmax_f32(NULL, x, &scale, mask, y[e], rows, length, betas[b]);
          else glean_softmax_f32(NULL, x, y[e], 1, length, betas[b]);
        }
        glean_kernels_emulate_wide(0);
        if (memcmp(y[0], y[1], sizeof(float) * rows * length) != 0) {
          printf("FAIL softmax%s length %d beta %g: %s and %s differ\n", masked ? " (masked)" : "", length, betas[b], native, emulated);
          failures++;
        }
      }
    }
  }
  // Input quantization, both stored forms, rows of every length to 70 and some longer (the AVX-512 range loop
  // takes 64 values a step), nine rows: a whole group of eight and one more. First with NaN, ±∞, ±0 and large
  // values in most rows; then with finite rows only (the AVX-512 path's packed form): ordinary values, rounding
  // ties (half-integers over [−127.5, 127.5], where the scale is 1), a large offset with a small spread (x ·
  // inverse beyond 2³⁰: the unpacked form again), RELU outputs, magnitudes from 2⁻²⁰ to 2⁴⁰, and ±0.
  enum { ROWS = 9, K = 520 };
  static float rows[ROWS * K];
  const int longer[] = {127, 128, 129, 200, 383, 384, 512, 520};
  for (int step = 0; step < 2 * (70 + 8); step++) {
    int finite = step >= 70 + 8, length = step % (70 + 8);
    int k = length < 70 ? length + 1 : longer[length - 70];
    for (int i = 0; i < ROWS * k; i++) {
      float u = uniform();
      if (!finite) {
        rows[i] = i % 17 == 5 ? NAN : i % 23 == 7 ? (i % 2 ? INFINITY : -INFINITY) : i % 13 == 2 ? -0.0f : (u - 0.3f) * (i % 11 ? 3 : 3e5f);
        continue;
      }
      int row = i / k, column = i % k;
      switch (row % 6) {
        case 0: rows[i] = column % 13 == 2 ? -0.0f : (u - 0.3f) * 3; break;
        case 1: rows[i] = column == 0 ? -127.5f : column == 1 ? 127.5f : (float)((int)(next() % 256) - 128) + 0.5f; break;
        case 2: rows[i] = 3e9f + u * 1e3f; break;
        case 3: rows[i] = u < 0.5f ? 0.0f : (u - 0.5f) * 5; break;
        case 4: rows[i] = (u - 0.5f) * ldexpf(1, (int)(next() % 60) - 20); break;
        default: rows[i] = -u * 7; break;
      }
    }
    for (int asymmetric = 0; asymmetric < 2; asymmetric++) {
      for (int form = 0; form < 2; form++) {
        static int16_t q16[2][ROWS * (K + 4)];
        static uint8_t q8[2][ROWS * (K + 4)];
        float scales[2][ROWS];
        int32_t zps[2][ROWS];
        for (int e = 0; e < 2; e++) {
          glean_quantize_row_range(rows, k, asymmetric, e ? 1 : GLEAN_SIMD_AVX512, form ? q16[e] : NULL, form ? NULL : q8[e], scales[e], zps[e],
                                   0, ROWS);
        }
        int same = memcmp(scales[0], scales[1], sizeof scales[0]) == 0 && memcmp(zps[0], zps[1], sizeof zps[0]) == 0 &&
                   (form ? memcmp(q16[0], q16[1], sizeof(int16_t) * ROWS * ((k + 1) & ~1)) : memcmp(q8[0], q8[1], (size_t)ROWS * ((k + 3) & ~3))) == 0;
        if (!same) {
          printf("FAIL quantization k %d asymmetric %d %s: AVX-512 and AVX2 differ\n", k, asymmetric, form ? "int16" : "uint8");
          failures++;
        }
      }
    }
  }
  enum { COUNT = 4099 };
  static float v[COUNT], g[2][COUNT];
  for (int i = 0; i < COUNT; i++) v[i] = i < 2000 ? -10 + 20.0f * i / 2000 : uniform() * (i % 3 ? 4 : 60) - (i % 7 ? 0 : 30);
  for (int approximate = 0; approximate < 2; approximate++) {
    for (int e = 0; e < 2; e++) {
      glean_kernels_emulate_wide(e);
      glean_gelu_f32(NULL, v, g[e], COUNT, approximate);
    }
    glean_kernels_emulate_wide(0);
    if (memcmp(g[0], g[1], sizeof g[0]) != 0) {
      printf("FAIL gelu (approximate %d): %s and %s differ\n", approximate, native, emulated);
      failures++;
    }
  }
}

int main(void) {
  check_pool();
  char best[64];
  snprintf(best, sizeof best, "%s", glean_kernels_isa());
  int simd = strcmp(best, "portable") != 0;
  check_all(best, simd);
  glean_kernels_force_portable(1);
  check_all("portable", 0);
  glean_kernels_force_portable(0);
  glean_kernels_emulate_wide(1);
  char emulated[64];
  snprintf(emulated, sizeof emulated, "%s", glean_kernels_isa());
  if (strcmp(emulated, best) != 0) check_all(emulated, 1);
  glean_kernels_emulate_wide(0);
  if (strcmp(emulated, best) != 0) check_native_matches_emulation(best, emulated);
  printf("%s: %d failures (paths: %s, portable%s%s)\n", failures ? "FAIL" : "ok", failures, best,
         strcmp(emulated, best) ? ", " : "", strcmp(emulated, best) ? emulated : "");
  return failures != 0;
}
