#!/usr/bin/env python3
"""Times `glean ask` on a ~1 MB text file, one question per process, and scores the answers.

The document is every paragraph of the SQuAD v1.1 dev articles in ../shared (half A), then training
contexts from ../shared/qa/train until it reaches the target size, joined by blank lines. Questions are
sampled (seeded) from half A, so each has its answer somewhere in the 1 MB. Each run is a whole process:
model load, reading and indexing the file, retrieval and reading, as a user would see it.

    swift build -c release
    python3 Tools/benchmark/ask_large_file.py [--questions 20] [--bytes 1000000] [--threads 2] [--passages 8]
        [--before OTHER_GLEAN]

Prints the median and p90 wall time per question, and exact match / F1 (official SQuAD v1.1 rules)
of the top answer against the question's reference answers; then the median wall time of loading the
model and indexing the file alone (`glean ask FILE < /dev/null`: no question, so it stops there), over
as many runs as questions. With --before (another build's binary, e.g. one built in a `git worktree` of
an earlier commit), the two builds take turns, question by question, so that a slow phase of the
machine touches both, and each build's figures are printed with the ratio of the medians.
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
    parser.add_argument("--before", default=None, help="another build's glean, timed in turn with --glean")
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
    options = ["ask", "--json", "--threads", str(args.threads), "--passages", str(args.passages)]
    if args.model:
        options += ["--model", args.model]
    builds = [("glean", args.glean)] + ([("before", args.before)] if args.before else [])
    times = {name: [] for name, _ in builds}
    indexing = {name: [] for name, _ in builds}
    em = {name: [] for name, _ in builds}
    f1 = {name: [] for name, _ in builds}
    try:
        for q in chosen:
            for name, binary in builds:
                started = time.perf_counter()
                out = subprocess.run([binary] + options + [path, q["question"]], capture_output=True, text=True, cwd=ROOT)
                times[name].append(time.perf_counter() - started)
                if out.returncode != 0:
                    sys.exit(f"{binary} ask failed: {out.stderr}")
                answers = json.loads(out.stdout.splitlines()[0])
                prediction = answers[0]["text"] if answers else ""
                truths = [a["text"] for a in q["answers"]]
                em[name].append(max(float(exact_match_score(prediction, t)) for t in truths))
                f1[name].append(max(f1_score(prediction, t) for t in truths))
            for name, binary in builds:
                started = time.perf_counter()
                subprocess.run([binary] + options + [path], stdin=subprocess.DEVNULL, capture_output=True, check=True, cwd=ROOT)
                indexing[name].append(time.perf_counter() - started)
    finally:
        os.unlink(path)
    print(f"document: {len(document.encode()) / 1e6:.2f} MB, {len(text)} paragraphs; {len(chosen)} questions; "
          f"threads {args.threads}, passages {args.passages}")
    for name, binary in builds:
        t = sorted(times[name])
        print(f"{name} ({binary})")
        print(f"  wall time per question (whole process): median {statistics.median(t):.3f} s, "
              f"p90 {t[int(0.9 * (len(t) - 1))]:.3f} s, min {t[0]:.3f} s")
        print(f"  loading and indexing alone: median {1000 * statistics.median(indexing[name]):.1f} ms")
        print(f"  top answer: exact match {100 * sum(em[name]) / len(em[name]):.1f}, F1 {100 * sum(f1[name]) / len(f1[name]):.1f}")
    if args.before:
        print(f"ratio of the medians, glean / before: per question "
              f"{statistics.median(times['glean']) / statistics.median(times['before']):.2f}, loading and indexing "
              f"{statistics.median(indexing['glean']) / statistics.median(indexing['before']):.2f}")


if __name__ == "__main__":
    main()
