#!/usr/bin/env python3
"""Re-implements LiteRT's dynamic-range (hybrid) kernels in NumPy and checks them against the goldens.

    python3 Tools/models/check_hybrid_algorithm.py

This pins down, with numbers, the algorithm Models/test/README.md describes for
the Swift kernels: FULLY_CONNECTED v12 with int8 per-channel weights and
`asymmetric_quantize_inputs`, BATCH_MATMUL v4 with int8 per-tensor weights, and
int8 GATHER followed by DEQUANTIZE. For each hybrid single-op fixture it prints
maxScaledError of this NumPy version against LiteRT's builtin kernels (no
XNNPACK) and against the default path, and the same for two plausible wrong
variants (the zero point added before rounding with a float64 scale;
symmetric input quantization) to show how far a near miss lands. Each figure
also counts the output elements that differ at all.
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

    As LiteRT 2.3 does it (tensor_utils::AsymmetricQuantizeFloats): the range
    always includes 0; an empty range gives zeros with scale 1 and zero point 0.
    The scale is float32 arithmetic, (rmax - rmin) / 255. The zero point is
    chosen in float64 from whichever end (min or max) has the smaller error,
    clamped to [-128, 127], else rounded half away from zero. Each value is
    multiplied by the float32 inverse scale, rounded half away from zero, and
    only then offset by the zero point and clamped.
    """
    q = np.zeros(x.shape, np.int32)
    scales = np.ones(x.shape[0], np.float32)
    offsets = np.zeros(x.shape[0], np.int32)
    for r, row in enumerate(x):
        rmin = min(np.float32(0), row.min())
        rmax = max(np.float32(0), row.max())
        if rmin == rmax:
            continue
        scale = np.float32((rmax - rmin) / np.float32(255))
        s, lo, hi = float(scale), float(rmin), float(rmax)
        from_min, from_max = -128.0 - lo / s, 127.0 - hi / s
        error_min, error_max = 128.0 + abs(lo / s), 127.0 + abs(hi / s)
        zero_point = from_min if error_min < error_max else from_max
        zero_point = -128 if zero_point <= -128 else 127 if zero_point >= 127 else int(round_half_away(zero_point))
        inverse = np.float32(1) / scale
        q[r] = np.clip(round_half_away(row * inverse).astype(np.int64) + zero_point, -128, 127)
        scales[r], offsets[r] = scale, zero_point
    return q, scales, offsets


def quantize_rows_asymmetric_offset_first(x):
    """A near miss: the same, but the zero point is added before rounding and the scale is float64."""
    q = np.zeros(x.shape, np.int32)
    scales = np.ones(x.shape[0], np.float32)
    offsets = np.zeros(x.shape[0], np.int32)
    for r, row in enumerate(x):
        lo, hi = min(0.0, float(row.min())), max(0.0, float(row.max()))
        if lo == hi:
            continue
        s = (hi - lo) / 255.0
        from_min, from_max = -128.0 - lo / s, 127.0 - hi / s
        zero_point = from_min if 128.0 + abs(lo / s) < 127.0 + abs(hi / s) else from_max
        zero_point = -128 if zero_point <= -128 else 127 if zero_point >= 127 else int(round_half_away(zero_point))
        q[r] = np.clip(round_half_away(np.float32(zero_point) + row * (np.float32(1) / np.float32(s))), -128, 127)
        scales[r], offsets[r] = np.float32(s), zero_point
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

    out[r, n] = bias[n] + float(sum_k q_x[r, k] * w[n, k] - zp_x[r] * sum_k w[n, k]) * (scale_x[r] * scale_w[n])
    """
    q, scales, offsets = quantize(x)
    accumulators = q.astype(np.int64) @ weights_q.astype(np.int64).T                   # [R, N], exact in int32
    row_sums = weights_q.astype(np.int64).sum(axis=1)                                   # [N]
    accumulators = accumulators - offsets[:, None].astype(np.int64) * row_sums[None, :]
    # LiteRT: result = bias; result += float(acc) * (input_scale * weight_scale), in float32.
    out = accumulators.astype(np.float32) * (scales[:, None] * weight_scales[None, :].astype(np.float32))
    if bias is not None:
        out = bias[None, :] + out
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
    out = (table[inputs["ids"]].astype(np.int32) - np.int32(zero_points[0])).astype(np.float32) * np.float32(scales[0])
    return golden, out


def compare(label, golden, out):
    name = golden["output_names"][0]
    out = out.reshape(-1)
    figures = []
    for path, data in (("builtin", golden["outputs_by_path"]["builtin_without_xnnpack"][name]["data"]),
                       ("reference", golden["outputs_by_path"]["builtin_reference"][name]["data"]),
                       ("default", golden["outputs"][name]["data"])):
        expected = np.array(data, np.float32)
        figures.append(f"{path} {tt.spread(out, expected)['max_scaled']:.1e} ({np.sum(out != expected)}/{out.size} differ)")
    print(f"  {label:40s} vs " + ", ".join(figures))


def main():
    for name in ("fully_connected_hybrid_2d", "fully_connected_hybrid_3d", "fully_connected_hybrid_no_bias",
                 "fully_connected_hybrid_special_rows"):
        print(name)
        compare("asymmetric per-row (LiteRT's algorithm)", *fully_connected(name, quantize_rows_asymmetric))
        compare("asymmetric, offset before rounding", *fully_connected(name, quantize_rows_asymmetric_offset_first))
        compare("symmetric per-row (wrong here)", *fully_connected(name, quantize_rows_symmetric))
    print("batch_matmul_hybrid")
    compare("asymmetric per-row inputs", *batch_matmul("batch_matmul_hybrid", quantize_rows_asymmetric))
    compare("symmetric per-row inputs", *batch_matmul("batch_matmul_hybrid", quantize_rows_symmetric))
    print("gather_hybrid_embedding")
    compare("(q - zero_point) * scale", *gather_dequantize("gather_hybrid_embedding"))


if __name__ == "__main__":
    main()
