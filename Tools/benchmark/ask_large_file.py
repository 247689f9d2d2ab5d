#!/usr/bin/env python3
"""Times `glean ask` on a ~1 MB text file, one question per process, and scores the answers.

The document is every paragraph of the SQuAD v1.1 dev articles in ../shared (half A), then training
contexts from ../shared/qa/train until it reaches the target size, joined by blank lines. Questions are
sampled (seeded) from half A, so each has its answer somewhere in the 1 MB. Each run is a whole process:
model load, reading and indexing the file, retrieval and reading, as a user would see it.

    swift build -c release
    python3 Tools/benchmark/ask_large_file.py [--questions 20] [--bytes 1000000] [--threads 2] [--passages 8]

Prints the median and p90 wall time per question, and exact match / F1 (official SQuAD v1.1 rules)
of the top answer against the question's reference answers.
"""
import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "Tools", "qa_model"))
from squad_eval import exact_match_score, f1_score  # noqa: E402


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    parser.add_argument("--glean", default=os.path.join(ROOT, ".build", "release", "glean"))
    parser.add_argument("--model", default=None, help="default: the shipped model")
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--bytes", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--passages", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    dev = load(os.path.join(args.shared, "qa", "squad-v1.1-dev-half-a.json"))
    paragraphs = [p["context"] for a in dev["data"] for p in a["paragraphs"]]
    train_dir = os.path.join(args.shared, "qa", "train")
    for name in sorted(os.listdir(train_dir)):
        if sum(len(p.encode()) + 2 for p in paragraphs) >= args.bytes:
            break
        paragraphs += [p["context"] for a in load(os.path.join(train_dir, name))["data"] for p in a["paragraphs"]]
    text, size = [], 0
    for p in paragraphs:
        if size >= args.bytes:
            break
        text.append(p)
        size += len(p.encode()) + 2
    document = "\n\n".join(text)

    rng = random.Random(args.seed)
    questions = [q for a in dev["data"] for p in a["paragraphs"] for q in p["qas"]]
    chosen = rng.sample(questions, args.questions)

    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(document)
        path = f.name
    command = [args.glean, "ask", "--json", "--threads", str(args.threads), "--passages", str(args.passages)]
    if args.model:
        command += ["--model", args.model]
    times, em, f1 = [], [], []
    try:
        for q in chosen:
            started = time.perf_counter()
            out = subprocess.run(command + [path, q["question"]], capture_output=True, text=True, cwd=ROOT)
            times.append(time.perf_counter() - started)
            if out.returncode != 0:
                sys.exit(f"glean ask failed: {out.stderr}")
            answers = json.loads(out.stdout.splitlines()[0])
            prediction = answers[0]["text"] if answers else ""
            truths = [a["text"] for a in q["answers"]]
            em.append(max(float(exact_match_score(prediction, t)) for t in truths))
            f1.append(max(f1_score(prediction, t) for t in truths))
    finally:
        os.unlink(path)
    times.sort()
    print(f"document: {len(document.encode()) / 1e6:.2f} MB, {len(text)} paragraphs; {len(chosen)} questions; "
          f"threads {args.threads}, passages {args.passages}")
    print(f"wall time per question (whole process): median {statistics.median(times):.3f} s, "
          f"p90 {times[int(0.9 * (len(times) - 1))]:.3f} s, min {times[0]:.3f} s")
    print(f"top answer: exact match {100 * sum(em) / len(em):.1f}, F1 {100 * sum(f1) / len(f1):.1f}")


if __name__ == "__main__":
    main()
