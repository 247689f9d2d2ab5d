#!/usr/bin/env python3
"""Times Glean and LiteRT on the same .tflite models in one run, alternating rounds.

    swift build -c release --product glean
    python3 Tools/benchmark/side_by_side.py --make-models /tmp/glean-bench     # once: ~3 min of conversion
    python3 Tools/benchmark/side_by_side.py --model-dir /tmp/glean-bench --threads 1 2 --rounds 5

For every model and thread count, each round runs `glean benchmark --json` and a LiteRT worker
(ai_edge_litert, default op resolver = XNNPACK, same num_threads), each in a fresh process that
warms up then times --runs inferences; the order of the two alternates between rounds. Prints the
median over rounds of each round's median, the ratio Glean/LiteRT, each side's peak RSS (VmHWM of
its own process; LiteRT's includes the Python interpreter and NumPy, ~30 MB), the ratio of the two
sides' fastest rounds (on a shared host, other load only ever slows a round down, so when the medians
swing this is the steadier estimate), the median over rounds of each round's own ratio (a round runs
both sides back to back, so a slow phase of the host that spans the round slows both: the paired
estimate, least sensitive to load that comes and goes over minutes), and the fraction of
the FP32 FMA peak reached: FLOPs / time / (peak × threads), where the peak of one core is measured at
start by Tools/benchmark/fma_peak.c (12 independent FMA chains on the widest vectors the machine has, AVX-512
or AVX2; give --peak-gflops to skip it).

With --dense-products, Glean's float FULLY_CONNECTEDs multiply every input element (`glean benchmark
--dense-products`): what the two runtimes' GEMMs do alike, without Glean's skipping of RELU zeros.

With --real-tokens N, both sides get a mask of N ones then zeros (a passage of N tokens padded to the model's
sequence, as `glean ask` feeds the reader), instead of all ones: Glean's fused attention leaves provably
zero-probability padded keys out of its products (Sources/CKernels/attention.c), LiteRT computes them.

Models looked for in --model-dir: mobilebert_float.tflite and mobilebert_int8.tflite (24-layer
MobileBERT architecture, 384 tokens), minilm_int8.tflite (a MiniLM-L6 stand-in: 6 layers, hidden
384, 12 heads, intermediate 1536, 384 tokens, dynamic-range int8) and fc_chain_float.tflite (MobileBERT's FFN
shapes alone, 48 pairs of float FULLY_CONNECTEDs: the two GEMMs compared with nothing to fuse), plus
Models/glean-qa-minilm-l6.tflite when the repository has it. Offline tool: nothing at run time or in `swift test` needs it.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The LiteRT side, run in its own process so that its peak RSS is its own.
LITERT_WORKER = r"""
import json, sys, time
import numpy as np
from ai_edge_litert.interpreter import Interpreter
path, threads, warmup, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
real_tokens = int(sys.argv[5]) if len(sys.argv) > 5 else None
started = time.perf_counter()
interpreter = Interpreter(model_path=path, num_threads=threads)
interpreter.allocate_tensors()
init_us = (time.perf_counter() - started) * 1e6
rng = np.random.default_rng(0)
for d in interpreter.get_input_details():
    shape, dtype, name = d["shape"], d["dtype"], d["name"].lower()
    if dtype == np.float32:
        value = rng.uniform(-1, 1, shape).astype(np.float32)
    elif "mask" in name:
        value = np.ones(shape, dtype)
        if real_tokens is not None:
            value[..., real_tokens:] = 0
    elif "id" in name and "type" not in name and "segment" not in name:
        value = rng.integers(0, 1000, shape).astype(dtype)
    else:
        value = np.zeros(shape, dtype)
    interpreter.set_tensor(d["index"], value)
started = time.perf_counter(); interpreter.invoke(); first_us = (time.perf_counter() - started) * 1e6
for _ in range(warmup):
    interpreter.invoke()
times = []
for _ in range(runs):
    started = time.perf_counter(); interpreter.invoke(); times.append((time.perf_counter() - started) * 1e6)
peak = None
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        peak = int(line.split()[1]) * 1024
times.sort()
print(json.dumps({"init_us": init_us, "first_us": first_us, "median_us": times[len(times) // 2],
                  "min_us": times[0], "peak_rss_bytes": peak}))
"""


def mobilebert_flops(layers=24, s=384, h=512, b=128, e=128, intermediate=512, ffn=4):
    dense = 3 * e * h + layers * (4 * h * b + 3 * b * b + ffn * 2 * b * intermediate) + h * 2
    return 2 * (s * dense + layers * 2 * s * s * b)


def bert_flops(layers=6, s=384, h=384, intermediate=1536):
    dense = layers * (4 * h * h + 2 * h * intermediate) + h * 2
    return 2 * (s * dense + layers * 2 * s * s * h)


FC_CHAIN_PAIRS = 48


def fc_chain_flops(pairs=FC_CHAIN_PAIRS, s=384, h=512, b=128):
    return pairs * 2 * 2 * s * h * b


MODELS = [
    ("mobilebert_float.tflite", "MobileBERT-24 float", mobilebert_flops()),
    ("mobilebert_int8.tflite", "MobileBERT-24 dynamic-range int8", mobilebert_flops()),
    ("minilm_int8.tflite", "MiniLM-L6 stand-in dynamic-range int8", bert_flops()),
    ("fc_chain_float.tflite", "FULLY_CONNECTED chain float (GEMM only)", fc_chain_flops()),
]


def make_models(directory):
    """Generates the benchmark models (not committed: 98 + 27 + 23 + 25 MB)."""
    os.makedirs(directory, exist_ok=True)
    sys.path.insert(0, os.path.join(ROOT, "Tools", "models"))
    import architectures  # noqa: E402
    import tflite_tools as tt  # noqa: E402
    for name, dynamic in (("mobilebert_float.tflite", False), ("mobilebert_int8.tflite", True)):
        path = os.path.join(directory, name)
        if not os.path.exists(path):
            subprocess.run([sys.executable, os.path.join(ROOT, "Tools/models/generate_fixtures.py"), "--full-mobilebert", path]
                           + (["--dynamic-range"] if dynamic else []), check=True)
    path = os.path.join(directory, "minilm_int8.tflite")
    if not os.path.exists(path):
        config = architectures.BertConfig(hidden=384, heads=12, intermediate=1536, layers=6, sequence=384)
        function, _ = architectures.bert(config, 6_384)
        with open(path, "wb") as f:
            f.write(tt.convert(function, "dynamic_range"))
        print(f"wrote {path}")
    path = os.path.join(directory, "fc_chain_float.tflite")
    if not os.path.exists(path):
        model = tt.convert(fc_chain_function(), "float")
        with open(path, "wb") as f:
            f.write(model)
        print(f"wrote {path}")


def fc_chain_function(pairs=FC_CHAIN_PAIRS, s=384, h=512, b=128):
    """MobileBERT's FFN shapes alone: `pairs` × (FULLY_CONNECTED h → b with bias, then b → h with bias and
    RELU), every weight its own (25 MB for 48 pairs, as cold as a real model's). Nothing for either runtime
    to fuse beyond bias and RELU: both sides' float GEMMs compared as such."""
    import numpy as np
    import tensorflow as tf
    rng = np.random.default_rng(7)
    layers = [(tf.constant(rng.normal(0, 0.05, (h, b)).astype(np.float32)), tf.constant(rng.normal(0, 0.05, b).astype(np.float32)),
               tf.constant(rng.normal(0, 0.05, (b, h)).astype(np.float32)), tf.constant(rng.normal(0, 0.05, h).astype(np.float32)))
              for _ in range(pairs)]

    @tf.function(input_signature=[tf.TensorSpec([s, h], tf.float32, name="x")])
    def chain(x):
        for down, down_bias, up, up_bias in layers:
            x = tf.nn.relu(tf.matmul(tf.matmul(x, down) + down_bias, up) + up_bias)
        return {"y": x}
    return chain


def measure_fma_peak():
    """GFLOP/s of one core running only FMAs (Tools/benchmark/fma_peak.c, compiled with clang)."""
    binary = "/tmp/glean-fma-peak"
    subprocess.run(["clang", "-O2", os.path.join(ROOT, "Tools/benchmark/fma_peak.c"), "-o", binary], check=True)
    return float(subprocess.run([binary], check=True, capture_output=True, text=True).stdout.strip())


def run_glean(glean, model, threads, warmup, runs, reference, dense_products=False, inputs=()):
    command = [glean, "benchmark", model, "--json", "--threads", str(threads), "--warmup-runs", str(warmup), "--num-runs", str(runs)]
    for name, file in inputs:
        command += ["--input", f"{name}={file}"]
    if reference:
        command.append("--reference")
    if dense_products:
        command.append("--dense-products")
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    return result["inference_us"]["median"], result["peak_rss_bytes"], result["first_us"]


def run_litert(model, threads, warmup, runs, real_tokens=None):
    extra = [] if real_tokens is None else [str(real_tokens)]
    out = subprocess.run([sys.executable, "-c", LITERT_WORKER, model, str(threads), str(warmup), str(runs)] + extra,
                         check=True, capture_output=True, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result["median_us"], result["peak_rss_bytes"], result["first_us"]


def mask_inputs(model, real_tokens):
    """(name, JSON file) for each integer input named like mask: the LiteRT worker's padded mask, for Glean's --input."""
    import tempfile
    import numpy as np
    from ai_edge_litert.interpreter import Interpreter
    inputs = []
    for d in Interpreter(model_path=model).get_input_details():
        if d["dtype"] != np.float32 and "mask" in d["name"].lower():
            value = np.ones(d["shape"], np.int64)
            value[..., real_tokens:] = 0
            fd, file = tempfile.mkstemp(suffix=".json", prefix="glean-mask-")
            with os.fdopen(fd, "w") as f:
                json.dump(value.reshape(-1).tolist(), f)
            inputs.append((d["name"], file))
    return inputs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--glean", default=os.path.join(ROOT, ".build/release/glean"))
    parser.add_argument("--model-dir", default="/tmp/glean-bench")
    parser.add_argument("--make-models", metavar="DIR", help="generate the benchmark models into DIR, then exit")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=10, help="timed inferences per process")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--only", help="only models whose file name contains this")
    parser.add_argument("--reference", action="store_true", help="time Glean's reference kernels")
    parser.add_argument("--dense-products", action="store_true",
                        help="Glean's float FULLY_CONNECTEDs multiply every input element (no skipping of RELU zeros)")
    parser.add_argument("--peak-gflops", type=float, help="FP32 FMA peak of one core, GFLOP/s (default: measured)")
    parser.add_argument("--real-tokens", type=int, metavar="N",
                        help="integer inputs named like mask get 1 for the first N positions and 0 after (a passage of N "
                             "tokens padded to the model's length), on both sides; default: all 1. The %% of FMA peak still "
                             "counts the full sequence's FLOPs")
    args = parser.parse_args()
    if args.make_models:
        make_models(args.make_models)
        return

    models = [(os.path.join(args.model_dir, f), label, flops) for f, label, flops in MODELS]
    shipped = os.path.join(ROOT, "Models", "glean-qa-minilm-l6.tflite")
    if os.path.exists(shipped):
        models.append((shipped, "glean-qa-minilm-l6 (shipped)", bert_flops()))
    models = [m for m in models if os.path.exists(m[0]) and (not args.only or args.only in os.path.basename(m[0]))]
    if not models:
        sys.exit(f"no models in {args.model_dir}; run with --make-models {args.model_dir} first")
    if not os.path.exists(args.glean):
        sys.exit(f"no {args.glean}; run `swift build -c release --product glean` first")

    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S')}  cores: {os.cpu_count()}  load average: {os.getloadavg()}")
    peak_gflops = args.peak_gflops or measure_fma_peak()
    print(f"# FP32 FMA peak of one core: {peak_gflops:.1f} GFLOP/s ({'given' if args.peak_gflops else 'measured by Tools/benchmark/fma_peak.c'})")
    print(f"# rounds {args.rounds} × {args.runs} runs (+{args.warmup} warm-up), alternating order; medians of round medians")
    rows = []
    for path, label, flops in models:
        inputs = mask_inputs(path, args.real_tokens) if args.real_tokens is not None else []
        if args.real_tokens is not None:
            label += f", {args.real_tokens} real tokens"
        for threads in args.threads:
            glean_times, litert_times, glean_rss, litert_rss = [], [], [], []
            for round_index in range(args.rounds):
                order = ("glean", "litert") if round_index % 2 == 0 else ("litert", "glean")
                for side in order:
                    if side == "glean":
                        median, rss, _ = run_glean(args.glean, path, threads, args.warmup, args.runs, args.reference,
                                                   args.dense_products, inputs)
                        glean_times.append(median); glean_rss.append(rss)
                    else:
                        median, rss, _ = run_litert(path, threads, args.warmup, args.runs, args.real_tokens)
                        litert_times.append(median); litert_rss.append(rss)
            g, l = statistics.median(glean_times), statistics.median(litert_times)
            peak = flops / (g * 1e-6) / (peak_gflops * 1e9 * threads)
            litert_peak = flops / (l * 1e-6) / (peak_gflops * 1e9 * threads)
            fastest = min(glean_times) / min(litert_times)
            paired = statistics.median(gt / lt for gt, lt in zip(glean_times, litert_times))
            rows.append((label, threads, g, l, g / l, peak, max(glean_rss), max(litert_rss), fastest, litert_peak, paired))
            print(f"{label:40s} threads {threads}: Glean {g / 1000:8.1f} ms  LiteRT {l / 1000:8.1f} ms  ratio {g / l:5.2f} "
                  f"(fastest rounds {min(glean_times) / 1000:.1f} / {min(litert_times) / 1000:.1f} ms, {fastest:.3f}; "
                  f"median of the rounds' own ratios {paired:.3f})  "
                  f"FMA peak: Glean {peak * 100:5.1f}%, LiteRT {litert_peak * 100:5.1f}% ({flops / 1e9:.2f} GFLOP)  peak RSS Glean {max(glean_rss) / 2**20:6.1f} MB, "
                  f"LiteRT {max(litert_rss) / 2**20:6.1f} MB   [rounds: Glean {[round(t / 1000, 1) for t in glean_times]}, "
                  f"LiteRT {[round(t / 1000, 1) for t in litert_times]}]", flush=True)
        for _, file in inputs:
            os.remove(file)
    print()
    print("| model | threads | Glean ms | LiteRT ms | ratio | ratio of fastest rounds | median of rounds' ratios | % of FMA peak, Glean / LiteRT | Glean RSS MB | LiteRT RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, threads, g, l, ratio, peak, grss, lrss, fastest, litert_peak, paired in rows:
        print(f"| {label} | {threads} | {g / 1000:.1f} | {l / 1000:.1f} | {ratio:.2f} | {fastest:.2f} | {paired:.2f} | {peak * 100:.0f} / {litert_peak * 100:.0f} | {grss / 2**20:.0f} | {lrss / 2**20:.0f} |")


if __name__ == "__main__":
    main()
