#!/usr/bin/env python3
"""Writes the tokenizer goldens in Corpora/tokenizer/ from corpus.txt.

    python3 Tools/tokenizer/make_corpus.py     # corpus.txt (only if it changed)
    python3 Tools/tokenizer/make_goldens.py    # everything below but cased-vocab.txt
    python3 Tools/tokenizer/make_goldens.py hf google tflite encodings codepoints cased-vocab   # a selection

Needs Python `tokenizers` (0.23.3 was used) and ../shared/vocab/bert-base-uncased-vocab.txt.

Outputs (formats in Corpora/tokenizer/README.md):
  cased-vocab.txt           our cased WordPiece vocabulary, trained here by HF's trainer on corpus.txt
  hf-uncased.golden         HF BertWordPieceTokenizer(lowercase=True), bert-base-uncased vocab
  hf-cased.golden           HF BertWordPieceTokenizer(lowercase=False), cased-vocab.txt
  google-uncased.golden     google-research/bert rules (reference_rules.GoogleBert), uncased vocab
  google-cased.golden       the same rules, cased, cased-vocab.txt
  tflite.golden             TFLite Task Library rules (reference_rules.TFLiteTaskBert), uncased vocab
  encodings.json            pairs, truncation, padding and overflowing windows by HF, uncased vocab
  hf-codepoints.json        per code point: what HF's BertNormalizer and BertPreTokenizer do
"""
import json
import os
import sys

from tokenizers import BertWordPieceTokenizer, normalizers, pre_tokenizers

from reference_rules import GoogleBert, TFLiteTaskBert

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.path.join(ROOT, "Corpora", "tokenizer")
UNCASED_VOCAB = os.path.normpath(os.path.join(ROOT, "..", "shared", "vocab", "bert-base-uncased-vocab.txt"))
CASED_VOCAB = os.path.join(OUT, "cased-vocab.txt")


def read_lines():
    with open(os.path.join(OUT, "corpus.txt"), "rb") as f:
        data = f.read().decode("utf-8")
    lines = data.split("\n")
    assert lines[-1] == ""
    return lines[:-1]


def load_vocab(path):
    with open(path, encoding="utf-8") as f:
        return {line.rstrip("\n"): i for i, line in enumerate(f)}


def varint(n, out):
    assert n >= 0
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return


def write_golden(name, rows, base=None):
    """rows: per line, a list of (id, start, end) in code points of the line.

    With `base` (the rows of another golden), a line equal to the base's is
    written as a count of 0 ("same as the base golden"); others as count + 1.
    """
    out = bytearray(b"GLEANTOK\x01")
    varint(len(rows), out)
    varint(0 if base is None else 1, out)
    same = 0
    for k, row in enumerate(rows):
        if base is not None and base[k] == row:
            varint(0, out)
            same += 1
            continue
        varint(len(row) + 1, out)
        prev_end = 0
        for tid, start, end in row:
            delta = start - prev_end
            varint(tid, out)
            varint((delta << 1) if delta >= 0 else ((-delta << 1) - 1), out)
            varint(end - start, out)
            prev_end = end
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(out)
    print(f"{name}: {len(rows)} lines ({same} as in the base), {sum(len(r) for r in rows)} tokens, {len(out)} bytes")


def hf_rows(tok, lines):
    rows = []
    for line in lines:
        enc = tok.encode(line, add_special_tokens=False)
        rows.append([(i, s, e) for i, (s, e) in zip(enc.ids, enc.offsets)])
    return rows


def rule_rows(tok, vocab, lines):
    rows = []
    for line in lines:
        rows.append([(vocab[t], s, e + 1) for t, s, e in tok.tokenize(line)])
    return rows


def train_cased_vocab():
    tok = BertWordPieceTokenizer(lowercase=False)
    tok.train([os.path.join(OUT, "corpus.txt")], vocab_size=6000, min_frequency=2, limit_alphabet=600,
              special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"], show_progress=False)
    vocab = tok.get_vocab()
    inverse = sorted(vocab.items(), key=lambda kv: kv[1])
    assert [i for _, i in inverse] == list(range(len(inverse)))
    with open(CASED_VOCAB, "w", encoding="utf-8", newline="\n") as f:
        for token, _ in inverse:
            f.write(token + "\n")
    print(f"cased-vocab.txt: {len(inverse)} tokens")


def encoding_cases(tok):
    q = "Who wrote the book about the river, and when?"
    ctx = ("The quiet river runs past the old library. In 1897 a teacher named Alice wrote a book about it; "
           "the book, called \u201cRiver Songs\u201d, sold 12,000 copies in Paris and Z\u00fcrich. "
           "Later editions added maps, photographs and an index of every bridge between the harbour and the sea.")
    cases = []
    for max_len in (16, 24, 32, 40, 64, 128):
        for strategy in ("longest_first", "only_first", "only_second"):
            for stride in (0, 4):
                cases.append(dict(a=q, b=ctx, max_length=max_len, strategy=strategy, stride=stride, pad=False))
    cases.append(dict(a=q, b=None, max_length=8, strategy="longest_first", stride=2, pad=False))
    cases.append(dict(a=ctx, b=None, max_length=20, strategy="longest_first", stride=5, pad=False))
    cases.append(dict(a=ctx, b=q, max_length=30, strategy="longest_first", stride=0, pad=True))
    cases.append(dict(a="short one", b="and two", max_length=16, strategy="longest_first", stride=0, pad=True))
    cases.append(dict(a="short one", b=None, max_length=None, strategy=None, stride=0, pad=False))
    cases.append(dict(a="", b="", max_length=None, strategy=None, stride=0, pad=False))
    cases.append(dict(a="a b c d e f g h", b="i j k", max_length=9, strategy="longest_first", stride=0, pad=False))
    cases.append(dict(a="a b c", b="d e f g h i j k", max_length=9, strategy="longest_first", stride=0, pad=False))
    cases.append(dict(a="a b c d e", b="f g h i j", max_length=10, strategy="longest_first", stride=1, pad=False))
    cases.append(dict(a="a b c d e f", b="g h i j k l m", max_length=11, strategy="longest_first", stride=1, pad=False))
    out = []
    for c in cases:
        tok.no_truncation()
        tok.no_padding()
        if c["strategy"]:
            try:
                tok.enable_truncation(c["max_length"], stride=c["stride"], strategy=c["strategy"])
            except BaseException as e:  # noqa: BLE001  (tokenizers panics surface as BaseException)
                c["error"] = str(e).split("\n")[0]
                out.append(c)
                continue
        if c["pad"]:
            tok.enable_padding(length=c["max_length"])
        try:
            enc = tok.encode(c["a"], c["b"]) if c["b"] is not None else tok.encode(c["a"])
        except BaseException as e:  # noqa: BLE001  (tokenizers panics surface as BaseException)
            c["error"] = str(e).split("\n")[0]
            out.append(c)
            continue

        def dump(e):
            return dict(ids=e.ids, type_ids=e.type_ids, attention_mask=e.attention_mask,
                        tokens=e.tokens, offsets=[list(o) for o in e.offsets], sequence_ids=e.sequence_ids)
        c["encodings"] = [dump(enc)] + [dump(o) for o in enc.overflowing]
        out.append(c)
    tok.no_truncation()
    tok.no_padding()
    return out


def ranges_of(codepoints):
    out = []
    for cp in sorted(codepoints):
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def codepoint_table():
    """What BertNormalizer (both casings) and BertPreTokenizer do to each code point alone.

    Layout: {"cjk": ranges the normalizer surrounds with spaces,
             "<casing>": {"removed": ranges, "whitespace": ranges (become " "),
                          "mapped": {cp: replacement} for the rest that change},
             "punctuation": ranges the pre-tokenizer isolates}
    Ranges are inclusive [first, last] pairs of decimal code points.
    """
    uncased = normalizers.BertNormalizer(lowercase=True)
    cased = normalizers.BertNormalizer(lowercase=False)
    pre = pre_tokenizers.BertPreTokenizer()
    sets = {name: {"removed": set(), "whitespace": set(), "mapped": {}} for name in ("uncased", "cased")}
    cjk, punct = set(), set()
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        for name, norm in (("uncased", uncased), ("cased", cased)):
            n = norm.normalize_str(ch)
            if n == ch:
                continue
            if n == "":
                sets[name]["removed"].add(cp)
            elif n == " ":
                sets[name]["whitespace"].add(cp)
            elif len(n) >= 3 and n[0] == " " and n[-1] == " ":
                cjk.add(cp)
                if n[1:-1] != ch:
                    sets[name]["mapped"][str(cp)] = n[1:-1]
            else:
                sets[name]["mapped"][str(cp)] = n
        pieces = pre.pre_tokenize_str(ch + "a")
        if len(pieces) == 2 and pieces[0][0] == ch:
            punct.add(cp)
    table = {"cjk": ranges_of(cjk), "punctuation": ranges_of(punct)}
    for name, s in sets.items():
        table[name] = {"removed": ranges_of(s["removed"]), "whitespace": ranges_of(s["whitespace"]),
                       "mapped": s["mapped"]}
    with open(os.path.join(OUT, "hf-codepoints.json"), "w", encoding="utf-8") as f:
        json.dump(table, f, ensure_ascii=True, separators=(",", ":"))
    print("hf-codepoints.json written")


def main():
    if not os.path.exists(UNCASED_VOCAB):
        sys.exit(f"needs {UNCASED_VOCAB}")
    lines = read_lines()
    only = set(sys.argv[1:])

    def want(name):
        return not only or name in only

    # HF's trainer breaks ties in hash-map order, so retraining changes cased-vocab.txt (and every
    # cased golden with it): it is trained only when missing or asked for by name.
    if "cased-vocab" in only or not os.path.exists(CASED_VOCAB):
        train_cased_vocab()
    uncased_vocab = load_vocab(UNCASED_VOCAB)
    cased_vocab = load_vocab(CASED_VOCAB)
    hf_uncased = hf_rows(BertWordPieceTokenizer(UNCASED_VOCAB, lowercase=True), lines)
    hf_cased = hf_rows(BertWordPieceTokenizer(CASED_VOCAB, lowercase=False), lines)
    if want("hf"):
        write_golden("hf-uncased.golden", hf_uncased)
        write_golden("hf-cased.golden", hf_cased)
    # The other modes store only the lines where they differ from HF with the same vocabulary.
    if want("google"):
        write_golden("google-uncased.golden", rule_rows(GoogleBert(uncased_vocab, True), uncased_vocab, lines), hf_uncased)
        write_golden("google-cased.golden", rule_rows(GoogleBert(cased_vocab, False), cased_vocab, lines), hf_cased)
    if want("tflite"):
        write_golden("tflite.golden", rule_rows(TFLiteTaskBert(uncased_vocab), uncased_vocab, lines), hf_uncased)
    if want("encodings"):
        cases = encoding_cases(BertWordPieceTokenizer(UNCASED_VOCAB, lowercase=True))
        with open(os.path.join(OUT, "encodings.json"), "w", encoding="utf-8") as f:
            json.dump(cases, f, ensure_ascii=False, indent=None, separators=(",", ":"))
        print(f"encodings.json: {len(cases)} cases")
    if want("codepoints"):
        codepoint_table()


if __name__ == "__main__":
    main()
