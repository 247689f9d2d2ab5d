#!/usr/bin/env python3
"""Times two builds of glean on the same model, alternating, to measure one change.

    git worktree add /tmp/glean-before <commit> && (cd /tmp/glean-before && swift build -c release --product glean)
    swift build -c release --product glean
    python3 Tools/benchmark/compare_builds.py /tmp/glean-before/.build/release/glean .build/release/glean \\
        /tmp/glean-bench/mobilebert_int8.tflite --threads 2 --rounds 8

Each round runs `glean benchmark MODEL --json` once per build (fresh processes, the order alternating between
rounds) and keeps each run's median inference time; prints every round, the median over rounds for each
build, their ratio (after / before) and the median of each round's own ratio. Extra arguments after `--` go to
both builds' `glean benchmark`; --before-args and --after-args to one side only, so one build can be compared
with itself under two options:

    python3 Tools/benchmark/compare_builds.py .build/release/glean .build/release/glean \
        /tmp/glean-bench/mobilebert_float.tflite --rounds 16 --runs 5 --before-args=--dense-products
Offline tool: nothing at run time or in `swift test` needs it. For Glean against LiteRT use side_by_side.py.
"""
import argparse
import json
import statistics
import subprocess


def median_ms(glean, model, threads, runs, extra):
    command = [glean, "benchmark", model, "--threads", str(threads), "--num-runs", str(runs), "--json", *extra]
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    return result["inference_us"]["median"] / 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("model")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--before-args", default="", help="options for the first build's runs only, as one string")
    parser.add_argument("--after-args", default="", help="options for the second build's runs only, as one string")
    parser.add_argument("extra", nargs="*", help="after --: more `glean benchmark` options for both builds")
    args = parser.parse_args()
    own = {"before": args.before_args.split(), "after": args.after_args.split()}
    times = {"before": [], "after": []}
    for round_index in range(args.rounds):
        order = ["before", "after"] if round_index % 2 == 0 else ["after", "before"]
        for side in order:
            times[side].append(median_ms(getattr(args, side), args.model, args.threads, args.runs, args.extra + own[side]))
    for side in ("before", "after"):
        rounds = ", ".join(f"{t:.1f}" for t in times[side])
        print(f"{side:6s} median {statistics.median(times[side]):7.1f} ms  min {min(times[side]):7.1f} ms  [{rounds}]")
    ratios = [a / b for a, b in zip(times["after"], times["before"])]
    print(f"after / before (medians): {statistics.median(times['after']) / statistics.median(times['before']):.3f}; "
          f"median of the rounds' own ratios {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
