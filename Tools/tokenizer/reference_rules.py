"""Reference tokenizers for the modes Hugging Face `tokenizers` does not cover.

Both follow published rules, re-implemented here (not copied) so the goldens can
carry offsets, counted in code points of the original line, the way Python
`tokenizers` counts them:

* `GoogleBert`: google-research/bert `tokenization.py` (BasicTokenizer +
  WordpieceTokenizer): clean text (drop NUL, U+FFFD, Cc and Cf; Zs, tab, LF, CR
  become spaces), spaces around CJK ideographs (its ranges, 0x2B820 included),
  split on Python whitespace, then per word `str.lower()` (final sigma
  included) and NFD with Mn dropped when lower-casing, split on punctuation
  (ASCII punctuation ranges or Unicode P*), WordPiece with at most 200
  characters per word.
* `TFLiteTaskBert`: tflite-support `BertTokenizer` as the Task Library's
  BertQuestionAnswerer drives it: ASCII-only lower-casing, RE2 split on
  `\\s+` ([\\t\\n\\f\\r ]) dropped and on ASCII punctuation ranges, \\p{P} and
  the CJK ranges kept as one-character tokens, then WordPiece that gives
  [UNK] for a word over 100 UTF-8 bytes. No text cleaning, no accent stripping.
"""
import unicodedata

GOOGLE_CJK = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
              (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]


def is_google_cjk(cp):
    return any(a <= cp <= b for a, b in GOOGLE_CJK)


def is_ascii_punct(cp):
    return 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126


def is_punct(ch):
    return is_ascii_punct(ord(ch)) or unicodedata.category(ch).startswith("P")


def nfd_with_alignment(chars):
    """NFD of a whole word, each output char aligned by position like HF's NormalizedString.

    chars: [(char, source)]. Each char's decomposition: its first scalar consumes the next
    input char (takes its source), the others are insertions (take the previous input
    char's source); runs of non-starters are then stably sorted by combining class, and the
    sources are assigned by position after the sort.
    """
    items = []
    for c, _ in chars:
        for m, d in enumerate(unicodedata.normalize("NFD", c)):
            items.append((d, m > 0))
    # canonical ordering
    out, run = [], []
    for it in items + [("\0", False)]:
        if unicodedata.combining(it[0]):
            run.append(it)
        else:
            out += sorted(run, key=lambda x: unicodedata.combining(x[0]))
            run = []
            out.append(it)
    out.pop()
    assert "".join(d for d, _ in out) == unicodedata.normalize("NFD", "".join(c for c, _ in chars))
    result, nxt = [], 0
    for d, inserted in out:
        if inserted:
            src = chars[max(0, nxt - 1)][1]
        else:
            src = chars[min(nxt, len(chars) - 1)][1]
            nxt += 1
        result.append((d, src))
    return result


def wordpiece(chars, vocab, max_len, unk="[UNK]", prefix="##", length=len):
    """chars: list of (char, source index). Returns [(token, start_source, end_source_inclusive)]."""
    word = "".join(c for c, _ in chars)
    if length(word) > max_len:
        return [(unk, chars[0][1], chars[-1][1])]
    out, start = [], 0
    while start < len(chars):
        end = len(chars)
        found = None
        while start < end:
            sub = word[start:end] if False else "".join(c for c, _ in chars[start:end])
            if start > 0:
                sub = prefix + sub
            if sub in vocab:
                found = sub
                break
            end -= 1
        if found is None:
            return [(unk, chars[0][1], chars[-1][1])]
        out.append((found, chars[start][1], chars[end - 1][1]))
        start = end
    return out


class GoogleBert:
    def __init__(self, vocab, lowercase):
        self.vocab, self.lowercase = vocab, lowercase

    def tokenize(self, text):
        # clean text and CJK spacing; each element is (char, source index) or None for an inserted space
        cleaned = []
        for i, ch in enumerate(text):
            cp = ord(ch)
            cat = unicodedata.category(ch)
            if cp == 0 or cp == 0xFFFD or (ch not in "\t\n\r" and cat in ("Cc", "Cf")):
                continue
            if ch in " \t\n\r" or cat == "Zs":
                cleaned.append((" ", i))
            elif is_google_cjk(cp):
                cleaned += [(" ", i), (ch, i), (" ", i)]
            else:
                cleaned.append((ch, i))
        # whitespace_tokenize: Python str.split()
        words, cur = [], []
        for ch, i in cleaned:
            if ch.isspace():
                if cur: words.append(cur); cur = []
            else:
                cur.append((ch, i))
        if cur: words.append(cur)
        tokens = []
        for word in words:
            if self.lowercase:
                s = "".join(c for c, _ in word)
                lowered = s.lower()
                mapped, p = [], 0
                for c, i in word:
                    n = len(c.lower())
                    mapped += [(x, i) for x in lowered[p:p + n]]
                    p += n
                stripped = [(d, i) for d, i in nfd_with_alignment(mapped) if unicodedata.category(d) != "Mn"]
                word = stripped
            # split on punctuation
            piece = []
            for c, i in word:
                if is_punct(c):
                    if piece: tokens.append(piece); piece = []
                    tokens.append([(c, i)])
                else:
                    piece.append((c, i))
            if piece: tokens.append(piece)
        out = []
        for t in tokens:
            # the final whitespace_tokenize: characters that are Python whitespace after
            # lowering/stripping split again (rare: none expected, kept for fidelity)
            sub, parts = [], []
            for c, i in t:
                if c.isspace():
                    if sub: parts.append(sub); sub = []
                else:
                    sub.append((c, i))
            if sub: parts.append(sub)
            for p in parts:
                out += wordpiece(p, self.vocab, 200)
        return out


class TFLiteTaskBert:
    def __init__(self, vocab):
        self.vocab = vocab

    def tokenize(self, text):
        words, cur = [], []
        for i, ch in enumerate(text):
            cp = ord(ch)
            if ch in "\t\n\f\r ":
                if cur: words.append(cur); cur = []
            elif is_ascii_punct(cp) or unicodedata.category(ch).startswith("P") or is_google_cjk(cp):
                if cur: words.append(cur); cur = []
                words.append([(ch, i)])
            else:
                c = chr(cp + 32) if 0x41 <= cp <= 0x5A else ch
                cur.append((c, i))
        if cur: words.append(cur)
        out = []
        for w in words:
            out += wordpiece(w, self.vocab, 100, length=lambda s: len(s.encode("utf-8", "surrogatepass")))
        return out
