#include "cicu.h"

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>
#include <unicode/uversion.h>

static const UNormalizer2 *normalizer_for(int32_t form, UErrorCode *err) {
  switch (form) {
  case GLEAN_ICU_NFC: return unorm2_getNFCInstance(err);
  case GLEAN_ICU_NFD: return unorm2_getNFDInstance(err);
  case GLEAN_ICU_NFKC: return unorm2_getNFKCInstance(err);
  case GLEAN_ICU_NFKD: return unorm2_getNFKDInstance(err);
  case GLEAN_ICU_NFKC_CASEFOLD: return unorm2_getNFKCCasefoldInstance(err);
  default: *err = U_ILLEGAL_ARGUMENT_ERROR; return NULL;
  }
}

int32_t glean_icu_normalize(int32_t form, const uint16_t *src, int32_t srcLength,
                            uint16_t *dst, int32_t dstCapacity, int32_t *status) {
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2 *n = normalizer_for(form, &err);
  int32_t length = 0;
  if (U_SUCCESS(err)) {
    length = unorm2_normalize(n, (const UChar *)src, srcLength, (UChar *)dst, dstCapacity, &err);
  }
  *status = U_SUCCESS(err) ? 0 : (int32_t)err;
  return length;
}

int32_t glean_icu_normalized_prefix_length(int32_t form, const uint16_t *src,
                                           int32_t srcLength, int32_t *status) {
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2 *n = normalizer_for(form, &err);
  int32_t length = 0;
  if (U_SUCCESS(err)) {
    length = unorm2_spanQuickCheckYes(n, (const UChar *)src, srcLength, &err);
  }
  *status = U_SUCCESS(err) ? 0 : (int32_t)err;
  return length;
}

int32_t glean_icu_fold_case(const uint16_t *src, int32_t srcLength, uint16_t *dst,
                            int32_t dstCapacity, int32_t *status) {
  UErrorCode err = U_ZERO_ERROR;
  int32_t length = u_strFoldCase((UChar *)dst, dstCapacity, (const UChar *)src, srcLength,
                                 U_FOLD_CASE_DEFAULT, &err);
  *status = U_SUCCESS(err) ? 0 : (int32_t)err;
  return length;
}

int32_t glean_icu_to_lower(const char *locale, const uint16_t *src, int32_t srcLength,
                           uint16_t *dst, int32_t dstCapacity, int32_t *status) {
  UErrorCode err = U_ZERO_ERROR;
  int32_t length = u_strToLower((UChar *)dst, dstCapacity, (const UChar *)src, srcLength,
                                locale, &err);
  *status = U_SUCCESS(err) ? 0 : (int32_t)err;
  return length;
}

int32_t glean_icu_to_upper(const char *locale, const uint16_t *src, int32_t srcLength,
                           uint16_t *dst, int32_t dstCapacity, int32_t *status) {
  UErrorCode err = U_ZERO_ERROR;
  int32_t length = u_strToUpper((UChar *)dst, dstCapacity, (const UChar *)src, srcLength,
                                locale, &err);
  *status = U_SUCCESS(err) ? 0 : (int32_t)err;
  return length;
}

int32_t glean_icu_char_type(uint32_t codePoint) { return (int32_t)u_charType((UChar32)codePoint); }

uint32_t glean_icu_simple_lower(uint32_t codePoint) { return (uint32_t)u_tolower((UChar32)codePoint); }

uint32_t glean_icu_simple_fold(uint32_t codePoint) {
  return (uint32_t)u_foldCase((UChar32)codePoint, U_FOLD_CASE_DEFAULT);
}

int32_t glean_icu_is_white_space(uint32_t codePoint) {
  return u_hasBinaryProperty((UChar32)codePoint, UCHAR_WHITE_SPACE) ? 1 : 0;
}

int32_t glean_icu_word_boundaries(const uint16_t *text, int32_t textLength,
                                  int32_t *boundaries, int32_t *ruleStatus,
                                  int32_t capacity, int32_t *status) {
  UErrorCode err = U_ZERO_ERROR;
  UBreakIterator *it = ubrk_open(UBRK_WORD, "", (const UChar *)text, textLength, &err);
  if (U_FAILURE(err)) {
    *status = (int32_t)err;
    return 0;
  }
  int32_t count = 0;
  for (int32_t b = ubrk_first(it); b != UBRK_DONE; b = ubrk_next(it)) {
    if (count < capacity) {
      boundaries[count] = b;
      ruleStatus[count] = count == 0 ? 0 : ubrk_getRuleStatus(it);
    }
    count++;
  }
  ubrk_close(it);
  *status = 0;
  return count;
}

const char *glean_icu_unicode_version(void) {
  static char text[U_MAX_VERSION_STRING_LENGTH];
  UVersionInfo version;
  u_getUnicodeVersion(version);
  u_versionToString(version, text);
  return text;
}

const char *glean_icu_error_name(int32_t status) { return u_errorName((UErrorCode)status); }
