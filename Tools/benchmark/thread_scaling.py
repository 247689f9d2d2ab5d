#!/usr/bin/env python3
"""How each op type of one model scales from 1 thread to 2: the smallest per-type average of the rounds at each
thread count (other load on a shared host only ever slows a run down), the speedup, and the time lost against
half of the 1-thread time.

    swift build -c release --product glean
    python3 Tools/benchmark/thread_scaling.py .build/release/glean Models/glean-qa-minilm-l6.tflite --rounds 8

Each round runs `glean benchmark MODEL --threads N --num-runs 10 --enable-op-profiling` at 1 and 2 threads
(order alternating) and reads its "Summary by node type" table (profile_compare.py's reader). Offline tool, not
part of the package.
"""
import argparse

from profile_compare import summary


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("glean")
    parser.add_argument("model")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    best = {1: {}, 2: {}}
    for round_index in range(args.rounds):
        for threads in (1, 2) if round_index % 2 == 0 else (2, 1):
            for kind, ms in summary(args.glean, args.model, threads).items():
                best[threads][kind] = min(best[threads].get(kind, float("inf")), ms)
    print(f"{'node type':32s} {'1 thread':>9s} {'2 threads':>9s} {'speedup':>8s} {'lost, ms':>9s}")
    for kind in sorted(best[1], key=lambda k: -best[1][k]):
        one, two = best[1][kind], best[2].get(kind)
        if two is None:
            continue
        speedup = f"{one / two:8.2f}" if two > 0 else f"{'-':>8s}"
        print(f"{kind:32s} {one:9.3f} {two:9.3f} {speedup} {two - one / 2:9.3f}")
    one, two = sum(best[1].values()), sum(best[2].values())
    print(f"{'total':32s} {one:9.3f} {two:9.3f} {one / two:8.2f} {two - one / 2:9.3f}")


if __name__ == "__main__":
    main()
