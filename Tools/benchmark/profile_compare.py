#!/usr/bin/env python3
"""Per-op-type time of two Glean builds on one model, run alternately: the smallest average of each node type
over the rounds (other load on a shared host only ever slows a run down).

    git worktree add /tmp/glean-before <rev> && (cd /tmp/glean-before && swift build -c release)
    swift build -c release
    python3 Tools/benchmark/profile_compare.py /tmp/glean-before/.build/release/glean .build/release/glean \\
        Models/glean-qa-minilm-l6.tflite --threads 1 --rounds 6

Each round runs `glean benchmark MODEL --threads N --num-runs 10 --enable-op-profiling` with both builds
(order alternating) and reads its "Summary by node type" table. Offline tool, not part of the package.
"""
import argparse
import re
import subprocess


def summary(glean, model, threads):
    out = subprocess.run([glean, "benchmark", model, "--threads", str(threads), "--num-runs", "10", "--enable-op-profiling"],
                         capture_output=True, text=True, check=True).stdout
    table = out.split("Summary by node type", 1)[1].split("Timings", 1)[0]
    times = {}
    for line in table.splitlines():
        m = re.match(r"\s+(\S+)\s+\d+\s+([\d.]+)\s", line)
        if m:
            times[m.group(1)] = float(m.group(2))
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("model")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    # Keyed by side, so that one binary given twice measures the noise between rounds.
    best = {"before": {}, "after": {}}
    totals = {"before": float("inf"), "after": float("inf")}
    for r in range(args.rounds):
        for side in ("before", "after") if r % 2 == 0 else ("after", "before"):
            times = summary(getattr(args, side), args.model, args.threads)
            for op, ms in times.items():
                best[side][op] = min(best[side].get(op, float("inf")), ms)
            totals[side] = min(totals[side], sum(times.values()))
    ops = sorted(set(best["before"]) | set(best["after"]),
                 key=lambda op: -max(best["before"].get(op, 0), best["after"].get(op, 0)))
    print(f"# smallest per-type average over {args.rounds} alternating rounds, ms per run ({args.threads} thread(s))")
    print(f"{'node type':28s} {'before':>9s} {'after':>9s}")
    for op in ops:
        a, b = best["before"].get(op), best["after"].get(op)
        print(f"{op:28s} {a if a is not None else '-':>9} {b if b is not None else '-':>9}")
    print(f"{'sum (smallest round)':28s} {totals['before']:9.2f} {totals['after']:9.2f}")

if __name__ == "__main__":
    main()
