#!/usr/bin/env python3
"""Whole-process latency of short `glean` commands, as a user at a terminal sees it: process start,
model and vocabulary loading, tokenizer set-up, the work, exit.

    swift build -c release --product glean
    python3 Tools/benchmark/cli_latency.py [--glean PATH] [--before PATH] [--runs 21]

Times `glean ask Corpora/samples/tesla.txt "When was Tesla born?"` (the README's first command, one
384-token window) and `glean tokenize "Hello, world!"`. With --before (another build's binary, e.g.
one built in a `git worktree` of an earlier commit), the two builds run alternately, one process
each in turn, so that a slow phase of the machine touches both; prints each one's median and p90
wall time in ms and the ratio of the medians.
"""
import argparse
import os
import statistics
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

COMMANDS = [
    ("ask, tesla.txt", ["ask", os.path.join(ROOT, "Corpora", "samples", "tesla.txt"), "When was Tesla born?"]),
    ("tokenize, one line", ["tokenize", "Hello, world!"]),
]


def wall_ms(binary, arguments):
    start = time.perf_counter()
    subprocess.run([binary] + arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT)
    return (time.perf_counter() - start) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--glean", default=os.path.join(ROOT, ".build", "release", "glean"))
    parser.add_argument("--before", default=None, help="another build's glean, timed alternately")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    builds = [("glean", args.glean)] + ([("before", args.before)] if args.before else [])
    for name, arguments in COMMANDS:
        times = {label: [] for label, _ in builds}
        for label, binary in builds:
            wall_ms(binary, arguments)  # warm the file cache
        for run in range(args.runs):
            order = builds if run % 2 == 0 else builds[::-1]
            for label, binary in order:
                times[label].append(wall_ms(binary, arguments))
        line = f"{name:20s}"
        for label, _ in builds:
            xs = sorted(times[label])
            line += f"  {label}: median {statistics.median(xs):6.1f} ms, p90 {xs[int(0.9 * (len(xs) - 1))]:6.1f} ms"
        if args.before:
            line += f"  ratio {statistics.median(times['glean']) / statistics.median(times['before']):.2f}"
        print(line)


if __name__ == "__main__":
    main()
