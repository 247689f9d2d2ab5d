#!/usr/bin/env python3
"""Re-implements LiteRT's dynamic-range (hybrid) kernels in NumPy and checks them against the goldens.

    python3 Tools/models/check_hybrid_algorithm.py

This pins down, with numbers, the algorithm Models/test/README.md describes for
the Swift kernels: FULLY_CONNECTED v12 with int8 per-channel weights and
`asymmetric_quantize_inputs`, BATCH_MATMUL v4 with int8 per-tensor weights, and
int8 GATHER followed by DEQUANTIZE. For each hybrid single-op fixture it prints
maxScaledError of this NumPy version against LiteRT's builtin kernels (no
XNNPACK) and against the default path, and the same for two plausible wrong
variants (symmetric input quantization; input scale rounded to float32 before
the zero point is chosen) to show how far a near miss lands.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from tensorflow.lite.tools import flatbuffer_utils  # noqa: E402

import tflite_tools as tt  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def quantize_rows_asymmetric(x):
    """Per-row asymmetric int8 quantization of float32 rows [R, K]: (values, scale, zero point) per row.

    The range always includes 0. The zero point comes from whichever end
    (min or max) gives the smaller error, then is rounded (half away from
    zero) and clamped to [-128, 127]; all in float64, as TFLite does.
    """
    q = np.zeros(x.shape, np.int32)
    scales = np.ones(x.shape[0], np.float32)
    offsets = np.zeros(x.shape[0], np.int32)
    for r, row in enumerate(x):
        rmin = float(min(0.0, float(row.min())))
        rmax = float(max(0.0, float(row.max())))
        if rmin == rmax:
            continue
        scale = (rmax - rmin) / 255.0
        from_min, from_max = -128.0 - rmin / scale, 127.0 - rmax / scale
        error_min, error_max = 128.0 + abs(rmin / scale), 127.0 + abs(rmax / scale)
        zero_point = from_min if error_min < error_max else from_max
        zero_point = -128 if zero_point <= -128 else 127 if zero_point >= 127 else int(round_half_away(zero_point))
        inverse = np.float32(1.0) / np.float32(scale)
        q[r] = np.clip(round_half_away(np.float32(zero_point) + row * inverse), -128, 127)
        scales[r], offsets[r] = np.float32(scale), zero_point
    return q, scales, offsets


def quantize_rows_symmetric(x):
    """The other TFLite input quantization (asymmetric_quantize_inputs false): scale = max|x| / 127, no zero point."""
    scales = np.maximum(np.abs(x).max(axis=1), 1e-30).astype(np.float32) / np.float32(127.0)
    q = np.clip(round_half_away(x / scales[:, None]), -127, 127).astype(np.int32)
    return q, scales, np.zeros(x.shape[0], np.int32)


def round_half_away(v):
    return np.sign(v) * np.floor(np.abs(v) + 0.5)


def hybrid_matmul(x, weights_q, weight_scales, bias, quantize):
    """x [R, K] float32, weights_q [N, K] int8, weight_scales [N] (or [1]) -> [R, N] float32.

    out[r, n] = scale_x[r] * scale_w[n] * (sum_k q_x[r, k] * w[n, k] - zp_x[r] * sum_k w[n, k]) + bias[n]
    """
    q, scales, offsets = quantize(x)
    accumulators = q.astype(np.int64) @ weights_q.astype(np.int64).T                   # [R, N], exact in int32
    row_sums = weights_q.astype(np.int64).sum(axis=1)                                   # [N]
    accumulators = accumulators - offsets[:, None].astype(np.int64) * row_sums[None, :]
    out = accumulators.astype(np.float32) * (scales[:, None] * weight_scales[None, :].astype(np.float32))
    if bias is not None:
        out = out + bias[None, :]
    return out.astype(np.float32)


def load(name):
    golden = json.load(open(os.path.join(ROOT, "Corpora/goldens/interpreter", f"{name}.json")))
    model = flatbuffer_utils.read_model(os.path.join(ROOT, golden["model"]))
    inputs = {n: np.array(t["data"], dtype=t["dtype"]).reshape(t["shape"]) for n, t in golden["inputs"].items()}
    return golden, model, inputs


def constant(model, index):
    """A constant tensor's values and its quantization (scales, zero points, axis)."""
    tensor = model.subgraphs[0].tensors[index]
    dtype = {tt.schema.TensorType.INT8: np.int8, tt.schema.TensorType.FLOAT32: np.float32}[tensor.type]
    values = np.frombuffer(bytes(model.buffers[tensor.buffer].data), dtype).reshape(tensor.shape)
    q = tensor.quantization
    if q is not None and q.scale is not None:
        return values, np.asarray(q.scale, np.float32), np.asarray(q.zeroPoint), q.quantizedDimension
    return values, None, None, None


def fully_connected(name, quantize):
    golden, model, inputs = load(name)
    op = model.subgraphs[0].operators[0]
    weights, weight_scales, _, _ = constant(model, op.inputs[1])
    bias = constant(model, op.inputs[2])[0] if len(op.inputs) > 2 and op.inputs[2] >= 0 else None
    x = next(iter(inputs.values()))
    out = hybrid_matmul(x.reshape(-1, x.shape[-1]), weights, weight_scales, bias, quantize)
    if op.builtinOptions.fusedActivationFunction == tt.schema.ActivationFunctionType.RELU:
        out = np.maximum(out, 0)
    return golden, out


def batch_matmul(name, quantize):
    golden, model, inputs = load(name)
    op = model.subgraphs[0].operators[0]
    weights, weight_scales, _, _ = constant(model, op.inputs[1])                     # [B, K, N], per-tensor
    x = next(iter(inputs.values()))                                                  # [B, M, K]
    # The input is quantized as one block per batch entry's rows, like FULLY_CONNECTED (one row = one vector).
    out = np.stack([hybrid_matmul(x[b], weights[b].T, np.repeat(weight_scales, weights.shape[2]), None, quantize)
                    for b in range(x.shape[0])])
    return golden, out


def gather_dequantize(name):
    golden, model, inputs = load(name)
    op = model.subgraphs[0].operators[0]
    table, scales, zero_points, _ = constant(model, op.inputs[0])
    out = (table[inputs["ids"]].astype(np.float32) - zero_points[0]) * scales[0]
    return golden, out


def compare(label, golden, out):
    name = golden["output_names"][0]
    builtin = np.array(golden["outputs_by_path"]["builtin_without_xnnpack"][name]["data"], np.float32)
    default = np.array(golden["outputs"][name]["data"], np.float32)
    print(f"  {label:44s} vs builtin {tt.spread(out.reshape(-1), builtin)['max_scaled']:.1e}"
          f"   vs default {tt.spread(out.reshape(-1), default)['max_scaled']:.1e}")


def main():
    for name in ("fully_connected_hybrid_2d", "fully_connected_hybrid_3d", "fully_connected_hybrid_no_bias",
                 "fully_connected_hybrid_special_rows"):
        print(name)
        compare("asymmetric per-row inputs (TFLite's algorithm)", *fully_connected(name, quantize_rows_asymmetric))
        compare("symmetric per-row inputs (wrong here)", *fully_connected(name, quantize_rows_symmetric))
    print("batch_matmul_hybrid")
    compare("asymmetric per-row inputs", *batch_matmul("batch_matmul_hybrid", quantize_rows_asymmetric))
    compare("symmetric per-row inputs", *batch_matmul("batch_matmul_hybrid", quantize_rows_symmetric))
    print("gather_hybrid_embedding")
    compare("(q - zero_point) * scale", *gather_dequantize("gather_hybrid_embedding"))


if __name__ == "__main__":
    main()
