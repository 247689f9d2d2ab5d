#!/usr/bin/env python3
"""Tokenization speed: Glean (release build) against Hugging Face `tokenizers`, same corpus, one run.

    swift build -c release --product glean      # once
    python3 Tools/tokenizer/bench.py [--vocab VOCAB] [--corpus FILE] [--repeat N]

Both tokenize every line of the corpus (default Corpora/tokenizer/corpus.txt) with the BERT
uncased vocabulary, without special tokens, on one thread: HF with TOKENIZERS_PARALLELISM=false
and `encode` in a loop (encode_batch is parallel), Glean with `glean tokenize --stats` (which
times the encoding loop only, like the Python side). MB/s counts UTF-8 bytes of input.
Prints both figures (best of N runs) and the ratio.
"""
import argparse
import os
import re
import subprocess
import time

os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["RAYON_NUM_THREADS"] = "1"

from tokenizers import BertWordPieceTokenizer  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--vocab", default=os.path.join(ROOT, "..", "shared", "vocab", "bert-base-uncased-vocab.txt"))
    p.add_argument("--corpus", default=os.path.join(ROOT, "Corpora", "tokenizer", "corpus.txt"))
    p.add_argument("--glean", default=os.path.join(ROOT, ".build", "release", "glean"))
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()

    with open(args.corpus, "rb") as f:
        lines = f.read().decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    nbytes = sum(len(line.encode("utf-8")) for line in lines)

    tok = BertWordPieceTokenizer(args.vocab, lowercase=True)
    hf_best, hf_tokens = None, 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        n = 0
        for line in lines:
            n += len(tok.encode(line, add_special_tokens=False).ids)
        elapsed = time.perf_counter() - start
        hf_best = elapsed if hf_best is None else min(hf_best, elapsed)
        hf_tokens = n
    hf_mbps = nbytes / 1e6 / hf_best

    glean_best, glean_tokens = None, 0
    for _ in range(args.repeat):
        out = subprocess.run([args.glean, "tokenize", "--vocab", args.vocab, "--stats", "--file", args.corpus],
                             capture_output=True, text=True, check=True).stdout
        m = re.search(r"(\d+) tokens in ([0-9.]+) s", out)
        glean_tokens, elapsed = int(m.group(1)), float(m.group(2))
        glean_best = elapsed if glean_best is None else min(glean_best, elapsed)
    glean_mbps = nbytes / 1e6 / glean_best

    print(f"corpus: {len(lines)} lines, {nbytes} bytes")
    print(f"HF tokenizers (1 thread, encode loop): {hf_mbps:7.2f} MB/s  ({hf_tokens} tokens, best of {args.repeat})")
    print(f"Glean (release):                       {glean_mbps:7.2f} MB/s  ({glean_tokens} tokens, best of {args.repeat})")
    print(f"ratio Glean / HF: {glean_mbps / hf_mbps:.2f}x")
    if hf_tokens != glean_tokens:
        print("warning: token counts differ")


if __name__ == "__main__":
    main()
