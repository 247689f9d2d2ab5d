// A small C surface over the ICU functions Glean uses.
//
// Swift cannot call ICU's public C API directly: every symbol is a macro that
// renames it with the library's major version (`unorm2_normalize` becomes
// `unorm2_normalize_72`). Compiling this file with ICU's own headers resolves
// those names, and Swift sees the stable `glean_icu_*` names below.
//
// All text crosses this boundary as UTF-16 code units, ICU's native form.
// Functions that fill a buffer follow ICU's preflighting convention: they
// return the length they need, and set `*status` to a non-zero ICU error code
// (U_BUFFER_OVERFLOW_ERROR = 15 included) when the result did not fit.
#ifndef GLEAN_CICU_H
#define GLEAN_CICU_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Normalisation forms understood by `glean_icu_normalize`.
enum {
  GLEAN_ICU_NFC = 0,
  GLEAN_ICU_NFD = 1,
  GLEAN_ICU_NFKC = 2,
  GLEAN_ICU_NFKD = 3,
  GLEAN_ICU_NFKC_CASEFOLD = 4,
};

/// The ICU status code for "the destination buffer was too small".
#define GLEAN_ICU_BUFFER_OVERFLOW 15

/// Normalises `src[0..<srcLength]` into `dst`, returning the needed length.
int32_t glean_icu_normalize(int32_t form, const uint16_t *src, int32_t srcLength,
                            uint16_t *dst, int32_t dstCapacity, int32_t *status);

/// Returns the length of the prefix of `src` that is already in `form`
/// (a quick check that never gives a false "yes").
int32_t glean_icu_normalized_prefix_length(int32_t form, const uint16_t *src,
                                           int32_t srcLength, int32_t *status);

/// Full Unicode case folding (U_FOLD_CASE_DEFAULT).
int32_t glean_icu_fold_case(const uint16_t *src, int32_t srcLength, uint16_t *dst,
                            int32_t dstCapacity, int32_t *status);

/// Full lower-casing for `locale` ("" is the root locale), with context such as final sigma.
int32_t glean_icu_to_lower(const char *locale, const uint16_t *src, int32_t srcLength,
                           uint16_t *dst, int32_t dstCapacity, int32_t *status);

/// Full upper-casing for `locale` ("" is the root locale).
int32_t glean_icu_to_upper(const char *locale, const uint16_t *src, int32_t srcLength,
                           uint16_t *dst, int32_t dstCapacity, int32_t *status);

/// The general category of a code point, as ICU's UCharCategory value (0 = Cn ... 29 = Pf).
int32_t glean_icu_char_type(uint32_t codePoint);

/// Simple (one to one) lower-case mapping of a code point.
uint32_t glean_icu_simple_lower(uint32_t codePoint);

/// Simple case folding of a code point.
uint32_t glean_icu_simple_fold(uint32_t codePoint);

/// 1 when the code point has the White_Space property.
int32_t glean_icu_is_white_space(uint32_t codePoint);

/// Word boundaries of `text` by the root locale's rules (UAX #29).
///
/// Writes up to `capacity` boundary offsets (UTF-16 units, the first is 0 and
/// the last is `textLength`) into `boundaries`, and for each segment that ends
/// at boundary i > 0 its rule status into `ruleStatus[i]` (0 none, 100 number,
/// 200 letter, 300 kana, 400 ideographic: ICU's UWordBreak ranges).
/// Returns the number of boundaries; a result above `capacity` means the
/// buffers were too small and nothing useful was written.
int32_t glean_icu_word_boundaries(const uint16_t *text, int32_t textLength,
                                  int32_t *boundaries, int32_t *ruleStatus,
                                  int32_t capacity, int32_t *status);

/// The Unicode version of the ICU data, e.g. "15.0".
const char *glean_icu_unicode_version(void);

/// ICU's name for a status code, e.g. "U_BUFFER_OVERFLOW_ERROR".
const char *glean_icu_error_name(int32_t status);

#ifdef __cplusplus
}
#endif

#endif
