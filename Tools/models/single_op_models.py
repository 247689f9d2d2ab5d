"""Single-op fixtures: each kernel's edge cases, one small model per case.

The converter decides what it emits; generate_fixtures.py records the op,
version and options it actually produced (see Models/test/README.md), so a
case listed here documents intent, and the README documents the result.
"""
import numpy as np
import tensorflow as tf

import tflite_tools as tt
from fixture import Fixture, integers, uniform

F32, I32, I8, BOOL = tf.float32, tf.int32, tf.int8, tf.bool


def layer_norm(x, gamma, beta, epsilon=1e-12):
    """The BERT LayerNorm pattern as TensorFlow writes it (mean, squared difference, rsqrt)."""
    mean = tf.reduce_mean(x, axis=-1, keepdims=True)
    variance = tf.reduce_mean(tf.math.squared_difference(x, mean), axis=-1, keepdims=True)
    return (x - mean) * tf.math.rsqrt(variance + epsilon) * gamma + beta


_keras_layers = {}


def keras_layer_norm(w, x, kind="LayerNormalization", **options):
    """Keras' own normalisation layer (whatever pattern the installed Keras writes), its weights seeded.
    The layer and its variables are made once, outside the traced function, and reused by every trace."""
    key = (kind,) + tuple(sorted(options.items()))
    if key not in _keras_layers:
        with tf.init_scope():
            layer = getattr(tf.keras.layers, kind)(axis=-1, **options)
            layer.build(x.shape)
            for weight in layer.weights:
                weight.assign(w(weight.shape, 0.5) + (1.0 if weight.name in ("gamma", "scale") else 0.0))
        _keras_layers[key] = layer
    return _keras_layers[key](x)


def set_softmax_beta(model, beta):
    """Sets `beta` in every SOFTMAX of a converted model (schema object API)."""
    codes = model.operatorCodes
    for op in model.subgraphs[0].operators:
        code = codes[op.opcodeIndex]
        if max(code.builtinCode, code.deprecatedBuiltinCode) == tt.schema.BuiltinOperator.SOFTMAX:
            op.builtinOptions.beta = beta


def set_strided_slice(model, begin, end, strides, output_shape, **masks):
    """Rewrites the model's one STRIDED_SLICE: new begin/end/strides constants, masks and output shape.

    For the masks the converter never writes (ellipsis_mask, new_axis_mask): it
    resolves `...` and `tf.newaxis` itself, but the kernel and schema support them.
    """
    subgraph = model.subgraphs[0]
    (op,) = subgraph.operators
    for index, values in zip(op.inputs[1:4], (begin, end, strides)):
        tensor = subgraph.tensors[index]
        buffer = tt.schema.BufferT()
        buffer.data = np.asarray(values, np.int32).view(np.uint8)
        model.buffers.append(buffer)
        tensor.buffer = len(model.buffers) - 1
        tensor.shape = np.asarray([len(values)], np.int32)
    subgraph.tensors[op.outputs[0]].shape = np.asarray(output_shape, np.int32)
    options = op.builtinOptions
    options.beginMask, options.endMask = masks.get("begin_mask", 0), masks.get("end_mask", 0)
    options.ellipsisMask, options.newAxisMask = masks.get("ellipsis_mask", 0), masks.get("new_axis_mask", 0)
    options.shrinkAxisMask = masks.get("shrink_axis_mask", 0)


def fixtures():
    return [
        # MARK: FULLY_CONNECTED
        Fixture("fully_connected_2d_bias", "x[3,16] @ W[16,8] + b", [("x", [3, 16], F32)],
                lambda w, x: tf.matmul(x, w([16, 8])) + w([8])),
        Fixture("fully_connected_2d_no_bias", "x[3,16] @ W[16,8], no bias operand", [("x", [3, 16], F32)],
                lambda w, x: tf.matmul(x, w([16, 8]))),
        Fixture("fully_connected_3d_keep_dims", "x[2,5,16] @ W[16,8] + b keeps the leading dims", [("x", [2, 5, 16], F32)],
                lambda w, x: tf.matmul(x, w([16, 8])) + w([8])),
        Fixture("fully_connected_3d_flatten", "reshape x[2,5,16] to [10,16], then @ W + b",
                [("x", [2, 5, 16], F32)],
                lambda w, x: tf.matmul(tf.reshape(x, [-1, 16]), w([16, 8])) + w([8])),
        Fixture("fully_connected_relu", "relu(x @ W + b): fused RELU", [("x", [4, 16], F32)],
                lambda w, x: tf.nn.relu(tf.matmul(x, w([16, 8])) + w([8]))),
        Fixture("fully_connected_relu6", "relu6(x @ W + b): fused RELU6", [("x", [4, 16], F32)],
                lambda w, x: tf.nn.relu6(3.0 * (tf.matmul(x, w([16, 8])) + w([8])))),
        Fixture("fully_connected_hybrid_2d", "dynamic-range int8: x[3,64] @ W[64,32] + b", [("x", [3, 64], F32)],
                lambda w, x: tf.matmul(x, w([64, 32])) + w([32]), quantization="dynamic_range", tf_tolerance=None),
        Fixture("fully_connected_hybrid_3d", "dynamic-range int8: x[2,7,64] @ W[64,48] + b, relu",
                [("x", [2, 7, 64], F32)],
                lambda w, x: tf.nn.relu(tf.matmul(x, w([64, 48])) + w([48])), quantization="dynamic_range", tf_tolerance=None),
        Fixture("fully_connected_hybrid_no_bias", "dynamic-range int8: x[5,32] @ W[32,40], no bias",
                [("x", [5, 32], F32)],
                lambda w, x: tf.matmul(x, w([32, 40])), quantization="dynamic_range", tf_tolerance=None),
        Fixture("fully_connected_hybrid_special_rows", "dynamic-range int8, x[4,64] rows: all zeros (scale 1, zero point 0), "
                "all positive (rmin 0), all negative (rmax 0), one large outlier", [("x", [4, 64], F32)],
                lambda w, x: tf.matmul(x, w([64, 32])) + w([32]), quantization="dynamic_range", tf_tolerance=None,
                inputs={"x": lambda rng, shape, dtype: np.stack([
                    np.zeros(64), rng.uniform(0.1, 2.0, 64), -rng.uniform(0.1, 2.0, 64),
                    np.concatenate([[300.0], rng.standard_normal(63)])])}),
        Fixture("fully_connected_float16", "float16 weights (DEQUANTIZE to float32 at run time): x[3,64] @ W + b",
                [("x", [3, 64], F32)],
                lambda w, x: tf.matmul(x, w([64, 32])) + w([32]), quantization="float16", tf_tolerance=2e-3),

        # MARK: BATCH_MATMUL
        Fixture("batch_matmul", "a[2,3,4] @ b[2,4,5]", [("a", [2, 3, 4], F32), ("b", [2, 4, 5], F32)],
                lambda w, a, b: tf.matmul(a, b)),
        Fixture("batch_matmul_adj_x", "a[2,4,3]^T @ b[2,4,5]", [("a", [2, 4, 3], F32), ("b", [2, 4, 5], F32)],
                lambda w, a, b: tf.matmul(a, b, transpose_a=True)),
        Fixture("batch_matmul_adj_y", "a[2,3,4] @ b[2,5,4]^T (attention scores)", [("a", [2, 3, 4], F32), ("b", [2, 5, 4], F32)],
                lambda w, a, b: tf.matmul(a, b, transpose_b=True)),
        Fixture("batch_matmul_adj_x_adj_y", "a[3,4,2]^T @ b[3,5,4]^T", [("a", [3, 4, 2], F32), ("b", [3, 5, 4], F32)],
                lambda w, a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True)),
        Fixture("batch_matmul_broadcast", "a[2,1,3,4] @ b[3,4,5] broadcasts the batch to [2,3]",
                [("a", [2, 1, 3, 4], F32), ("b", [3, 4, 5], F32)],
                lambda w, a, b: tf.matmul(a, b)),
        Fixture("batch_matmul_hybrid", "dynamic-range: x[2,3,64] @ W[2,64,32] (constant, int8 per-tensor)",
                [("x", [2, 3, 64], F32)],
                lambda w, x: tf.matmul(x, w([2, 64, 32])), quantization="dynamic_range", tf_tolerance=None),
        Fixture("batch_matmul_rank4", "a[1,4,6,8] @ b[1,4,8,6] (heads)", [("a", [1, 4, 6, 8], F32), ("b", [1, 4, 8, 6], F32)],
                lambda w, a, b: tf.matmul(a, b)),

        # MARK: Elementwise binary
        Fixture("add_broadcast_both", "x[2,1,4] + y[3,1] -> [2,3,4]", [("x", [2, 1, 4], F32), ("y", [3, 1], F32)],
                lambda w, x, y: x + y),
        Fixture("add_relu_n1_to_1", "clip(x + y, -1, 1): fused RELU_N1_TO_1 when the converter does",
                [("x", [3, 5], F32), ("y", [3, 5], F32)],
                lambda w, x, y: tf.clip_by_value(x + y, -1.0, 1.0)),
        Fixture("add_same_shape_relu", "relu(x + y), fused RELU", [("x", [3, 5], F32), ("y", [3, 5], F32)],
                lambda w, x, y: tf.nn.relu(x + y)),
        Fixture("add_constant_row", "x[2,3,8] + c[8]", [("x", [2, 3, 8], F32)],
                lambda w, x: x + w([8])),
        Fixture("add_rank5_broadcast", "x[2,1,3,1,2] + y[1,2,1,4,1]", [("x", [2, 1, 3, 1, 2], F32), ("y", [1, 2, 1, 4, 1], F32)],
                lambda w, x, y: x + y),
        Fixture("sub_broadcast_both", "y[1,4] - x[3,1]", [("x", [3, 1], F32), ("y", [1, 4], F32)],
                lambda w, x, y: y - x),
        Fixture("sub_scalar_relu6", "relu6(x - 0.5), fused RELU6", [("x", [4, 6], F32)],
                lambda w, x: tf.nn.relu6(4.0 * x - 0.5)),
        Fixture("mul_broadcast_both", "x[4,1,3] * y[1,5,1]", [("x", [4, 1, 3], F32), ("y", [1, 5, 1], F32)],
                lambda w, x, y: x * y),
        Fixture("mul_relu", "relu(x * y), fused RELU", [("x", [2, 8], F32), ("y", [2, 8], F32)],
                lambda w, x, y: tf.nn.relu(x * y)),
        Fixture("mul_scalar", "x * 0.125", [("x", [2, 3, 4], F32)],
                lambda w, x: x * 0.125),
        Fixture("div_broadcast_both", "x[2,1,3] / y[4,1]", [("x", [2, 1, 3], F32), ("y", [4, 1], F32)],
                lambda w, x, y: x / y, inputs={"y": uniform(0.5, 2.0)}),
        Fixture("div_relu", "relu(x / y), fused RELU", [("x", [3, 4], F32), ("y", [3, 4], F32)],
                lambda w, x, y: tf.nn.relu(x / y), inputs={"y": uniform(0.5, 2.0)}),
        Fixture("squared_difference", "(x[2,3,4] - y[2,3,1])^2", [("x", [2, 3, 4], F32), ("y", [2, 3, 1], F32)],
                lambda w, x, y: tf.math.squared_difference(x, y)),
        Fixture("pow", "x[3,4] ^ y[3,4] with x > 0", [("x", [3, 4], F32), ("y", [3, 4], F32)],
                lambda w, x, y: tf.pow(x, y), inputs={"x": uniform(0.1, 3.0), "y": uniform(-2.0, 3.0)}),
        Fixture("pow_constant_exponent", "x ^ 3 with x > 0", [("x", [2, 5], F32)],
                lambda w, x: tf.pow(x, 3.0), inputs={"x": uniform(0.1, 2.0)}),
        Fixture("maximum_minimum", "min(max(x, y), 0.5)", [("x", [3, 4], F32), ("y", [3, 4], F32)],
                lambda w, x, y: tf.minimum(tf.maximum(x, y), 0.5)),

        # MARK: Elementwise unary
        Fixture("rsqrt", "1/sqrt(x), x > 0", [("x", [3, 7], F32)],
                lambda w, x: tf.math.rsqrt(x), inputs={"x": uniform(0.01, 4.0)}),
        Fixture("sqrt", "sqrt(x), x >= 0", [("x", [3, 7], F32)],
                lambda w, x: tf.sqrt(x), inputs={"x": uniform(0.0, 4.0)}),
        Fixture("tanh", "tanh(3x)", [("x", [4, 9], F32)],
                lambda w, x: tf.tanh(x * 3.0)),
        Fixture("gelu_exact", "gelu(x, approximate=False) (erf)", [("x", [4, 16], F32)],
                lambda w, x: tf.nn.gelu(x * 3.0, approximate=False)),
        Fixture("gelu_tanh", "gelu(x, approximate=True) (tanh)", [("x", [4, 16], F32)],
                lambda w, x: tf.nn.gelu(x * 3.0, approximate=True)),
        Fixture("relu", "relu(x) on its own", [("x", [3, 8], F32)],
                lambda w, x: tf.nn.relu(x)),
        Fixture("logistic", "sigmoid(x)", [("x", [3, 8], F32)],
                lambda w, x: tf.sigmoid(x * 4.0)),
        Fixture("exp", "exp(x)", [("x", [3, 8], F32)],
                lambda w, x: tf.exp(x)),
        Fixture("neg_abs", "-|x|", [("x", [3, 8], F32)],
                lambda w, x: -tf.abs(x)),

        # MARK: SOFTMAX
        Fixture("softmax", "softmax over the last axis of [2,3,10]", [("x", [2, 3, 10], F32)],
                lambda w, x: tf.nn.softmax(x * 3.0)),
        Fixture("softmax_scaled_input", "softmax(0.25 * x): the converter keeps MUL + SOFTMAX (beta 1)", [("x", [2, 12], F32)],
                lambda w, x: tf.nn.softmax(0.25 * x)),
        Fixture("softmax_beta_patched", "SOFTMAX with beta 0.25: the converter always writes beta 1 (it emits MUL + SOFTMAX), "
                "so this model's option was edited after conversion", [("x", [2, 12], F32)],
                lambda w, x: tf.nn.softmax(x), patch=lambda model: set_softmax_beta(model, 0.25),
                reference=lambda inputs: {"output": tf.nn.softmax(0.25 * inputs["x"]).numpy()}),
        Fixture("softmax_rank4_large", "softmax of attention-like scores [1,2,5,5] with large values", [("x", [1, 2, 5, 5], F32)],
                lambda w, x: tf.nn.softmax(x), inputs={"x": uniform(-60.0, 60.0)}),

        # MARK: GATHER
        Fixture("gather_float_axis0", "embedding lookup: table[50,8] (constant) at ids[2,3]", [("ids", [2, 3], I32)],
                lambda w, ids: tf.gather(w([50, 8]), ids), inputs={"ids": integers(0, 50)}),
        Fixture("gather_int8_params", "params int8[10,4] (input) at indices[5]", [("params", [10, 4], I8), ("indices", [5], I32)],
                lambda w, p, i: tf.gather(p, i), inputs={"indices": integers(0, 10)}),
        Fixture("gather_axis1", "params[3,7,4] at indices[5] along axis 1", [("params", [3, 7, 4], F32), ("indices", [5], I32)],
                lambda w, p, i: tf.gather(p, i, axis=1), inputs={"indices": integers(0, 7)}),
        Fixture("gather_axis_last", "params[3,6] at indices[2,2] along axis -1", [("params", [3, 6], F32), ("indices", [2, 2], I32)],
                lambda w, p, i: tf.gather(p, i, axis=-1), inputs={"indices": integers(0, 6)}),
        Fixture("gather_batch_dims", "params[2,6,3] at indices[2,4], axis 1, batch_dims 1",
                [("params", [2, 6, 3], F32), ("indices", [2, 4], I32)],
                lambda w, p, i: tf.gather(p, i, axis=1, batch_dims=1), inputs={"indices": integers(0, 6)}),
        Fixture("gather_hybrid_embedding", "dynamic-range: table[300,16] quantized to int8, ids[1,6]", [("ids", [1, 6], I32)],
                lambda w, ids: tf.gather(w([300, 16]), ids), inputs={"ids": integers(0, 300)},
                quantization="dynamic_range", tf_tolerance=None),

        # MARK: STRIDED_SLICE
        Fixture("strided_slice_basic", "x[1:3, ::2, -3:] of [4,6,5]", [("x", [4, 6, 5], F32)],
                lambda w, x: x[1:3, ::2, -3:]),
        Fixture("strided_slice_negative_stride", "x[::-1, 5:0:-2] of [4,6,5]", [("x", [4, 6, 5], F32)],
                lambda w, x: x[::-1, 5:0:-2]),
        Fixture("strided_slice_ellipsis_shrink", "x[..., 1] of [2,3,4] (ellipsis + shrink)", [("x", [2, 3, 4], F32)],
                lambda w, x: x[..., 1]),
        Fixture("strided_slice_new_axis", "x[:, tf.newaxis, 1:3] of [3,4]", [("x", [3, 4], F32)],
                lambda w, x: x[:, tf.newaxis, 1:3]),
        Fixture("strided_slice_shrink_two", "x[1, :, 2] of [3,4,5]", [("x", [3, 4, 5], F32)],
                lambda w, x: x[1, :, 2]),
        Fixture("strided_slice_shift", "x[:, 1:] and x[:, :-1] of [1,6,3] (MobileBERT trigram shifts)", [("x", [1, 6, 3], F32)],
                lambda w, x: {"left": x[:, 1:], "right": x[:, :-1]}),
        Fixture("strided_slice_new_axis_ellipsis_patched",
                "x[tf.newaxis, ..., 1:3] of [2,3,4] with new_axis_mask 1 and ellipsis_mask 2 (edited after conversion: "
                "the converter resolves both itself)", [("x", [2, 3, 4], F32)],
                lambda w, x: x[:, :, 1:3],
                patch=lambda m: set_strided_slice(m, [0, 0, 1], [0, 0, 3], [1, 1, 1], [1, 2, 3, 2],
                                                  new_axis_mask=1, ellipsis_mask=2),
                reference=lambda inputs: {"output": inputs["x"][np.newaxis, ..., 1:3]}),
        Fixture("strided_slice_ellipsis_middle_patched",
                "x[1, ..., ::-2] of [2,3,4,5] with ellipsis_mask 2 and shrink_axis_mask 1 (edited after conversion)",
                [("x", [2, 3, 4, 5], F32)],
                lambda w, x: x[1:2, :, :, ::-2],
                patch=lambda m: set_strided_slice(m, [1, 0, -1], [2, 0, -6], [1, 1, -2], [3, 4, 3],
                                                  ellipsis_mask=2, shrink_axis_mask=1, end_mask=4),
                reference=lambda inputs: {"output": inputs["x"][1, ..., ::-2]}),
        Fixture("strided_slice_int32", "ids[:, 2:-1] of int32 [2,7]", [("ids", [2, 7], I32)],
                lambda w, x: x[:, 2:-1]),

        # MARK: Shape and layout
        Fixture("pad", "pad [2,3,4] by [[0,0],[1,2],[3,0]] with zeros", [("x", [2, 3, 4], F32)],
                lambda w, x: tf.pad(x, [[0, 0], [1, 2], [3, 0]])),
        Fixture("pad_constant_value", "pad [3,4] by [[1,1],[0,2]] with 1.5 (PADV2)", [("x", [3, 4], F32)],
                lambda w, x: tf.pad(x, [[1, 1], [0, 2]], constant_values=1.5)),
        Fixture("transpose_rank3", "transpose [2,3,4] by [0,2,1]", [("x", [2, 3, 4], F32)],
                lambda w, x: tf.transpose(x, [0, 2, 1])),
        Fixture("transpose_heads", "transpose [1,5,4,3] by [0,2,1,3] (attention heads)", [("x", [1, 5, 4, 3], F32)],
                lambda w, x: tf.transpose(x, [0, 2, 1, 3])),
        Fixture("transpose_rank4_mixed", "transpose [2,3,4,5] by [3,1,0,2]", [("x", [2, 3, 4, 5], F32)],
                lambda w, x: tf.transpose(x, [3, 1, 0, 2])),
        Fixture("reshape_minus_one", "reshape [2,3,4] to [-1,4]", [("x", [2, 3, 4], F32)],
                lambda w, x: tf.reshape(x, [-1, 4])),
        Fixture("reshape_split_heads", "reshape [1,6,8] to [1,6,2,-1]", [("x", [1, 6, 8], F32)],
                lambda w, x: tf.reshape(x, [1, 6, 2, -1])),
        Fixture("concatenation_last_axis", "concat [2,3,1], [2,3,2], [2,3,3] on axis -1",
                [("a", [2, 3, 1], F32), ("b", [2, 3, 2], F32), ("c", [2, 3, 3], F32)],
                lambda w, a, b, c: tf.concat([a, b, c], axis=-1)),
        Fixture("concatenation_axis0", "concat [1,4], [3,4] on axis 0", [("a", [1, 4], F32), ("b", [3, 4], F32)],
                lambda w, a, b: tf.concat([a, b], axis=0)),
        Fixture("concatenation_int32", "concat int32 [2,2] and [2,3] on axis 1", [("a", [2, 2], I32), ("b", [2, 3], I32)],
                lambda w, a, b: tf.concat([a, b], axis=1)),
        Fixture("unpack_last_axis", "unstack [1,6,2] on axis -1 (QA logits split)", [("x", [1, 6, 2], F32)],
                lambda w, x: dict(zip(["first", "second"], tf.unstack(x, axis=-1)))),
        Fixture("unpack_axis0", "unstack [3,4] on axis 0", [("x", [3, 4], F32)],
                lambda w, x: dict(zip(["a", "b", "c"], tf.unstack(x, axis=0)))),
        Fixture("expand_dims", "expand [N,4] (N unknown, 3 at run time) at axis 1 and at axis -1; "
                "static shapes become RESHAPE", [("x", [None, 4], F32)],
                lambda w, x: {"axis1": tf.expand_dims(x, 1), "last": tf.expand_dims(x, -1)},
                input_shapes={"x": [3, 4]}),
        Fixture("squeeze", "squeeze axis -1 of [N,M,1] (unknown dims, [2,3,1] at run time); "
                "static shapes become RESHAPE", [("x", [None, None, 1], F32)],
                lambda w, x: tf.squeeze(x, -1), input_shapes={"x": [2, 3, 1]}),
        Fixture("squeeze_static", "squeeze [1,3,1,4] at axis 2 and everywhere, with static shapes (converter emits RESHAPE)",
                [("x", [1, 3, 1, 4], F32)],
                lambda w, x: {"axis2": tf.squeeze(x, axis=2), "all": tf.squeeze(x)}),

        # MARK: Reductions
        Fixture("mean_last_keep_dims", "mean of [2,3,8] over -1, keep_dims", [("x", [2, 3, 8], F32)],
                lambda w, x: tf.reduce_mean(x, axis=-1, keepdims=True)),
        Fixture("mean_two_axes", "mean of [2,3,4] over [0,2], no keep_dims", [("x", [2, 3, 4], F32)],
                lambda w, x: tf.reduce_mean(x, axis=[0, 2])),
        Fixture("sum_keep_dims", "sum of [2,3,4] over 1, keep_dims", [("x", [2, 3, 4], F32)],
                lambda w, x: tf.reduce_sum(x, axis=1, keepdims=True)),
        Fixture("sum_two_axes", "sum of [2,3,4] over [0,1], no keep_dims", [("x", [2, 3, 4], F32)],
                lambda w, x: tf.reduce_sum(x, axis=[0, 1])),
        Fixture("reduce_max", "max of [2,3,4] over -1", [("x", [2, 3, 4], F32)],
                lambda w, x: tf.reduce_max(x, axis=-1)),

        # MARK: Types
        Fixture("cast_int32_to_float", "int32 -> float32", [("x", [2, 5], I32)],
                lambda w, x: tf.cast(x, tf.float32), inputs={"x": integers(-1000, 1000)}),
        Fixture("cast_float_to_int32", "float32 -> int32 truncates toward zero", [("x", [2, 6], F32)],
                lambda w, x: tf.cast(x, tf.int32), inputs={"x": uniform(-9.0, 9.0)}),
        Fixture("cast_bool_to_float", "bool -> float32", [("x", [2, 4], BOOL)],
                lambda w, x: tf.cast(x, tf.float32)),
        Fixture("cast_int32_to_bool", "int32 -> bool (nonzero is true)", [("x", [2, 4], I32)],
                lambda w, x: tf.cast(x, tf.bool), inputs={"x": integers(-2, 3)}),
        Fixture("quantize_dequantize_int8", "full-int8 model with float32 edges: QUANTIZE, int8 RESHAPE, DEQUANTIZE "
                "(output = input rounded to the int8 grid)",
                [("x", [2, 8], F32)],
                lambda w, x: tf.reshape(x, [4, 4]), quantization="int8", tf_tolerance=5e-2),

        # MARK: Patterns
        Fixture("layer_norm", "LayerNorm over the last axis of [1,4,16] (mean, squared difference, rsqrt)",
                [("x", [1, 4, 16], F32)],
                lambda w, x: layer_norm(x * 3.0 + 1.0, w([16], 0.5) + 1.0, w([16], 0.1))),
        # The same normalisation as Keras writes it (13 rows of 24: whole and partial blocks and vectors).
        Fixture("layer_norm_keras", "tf.keras.layers.LayerNormalization over the last axis of [1,13,24]",
                [("x", [1, 13, 24], F32)], lambda w, x: keras_layer_norm(w, x * 2.0 - 0.5, epsilon=1e-3)),
        Fixture("rms_norm_keras", "tf.keras.layers.RMSNormalization over the last axis of [1,13,24]",
                [("x", [1, 13, 24], F32)], lambda w, x: keras_layer_norm(w, x, "RMSNormalization", epsilon=1e-6)),
        # Chains the GEMM epilogue takes over (Optimized.FullyConnected.Epilogue); 13 rows and 24 columns
        # give whole and partial 6 × 16 tiles.
        Fixture("fully_connected_epilogue", "relu(x[1,13,40] @ W + b) + r, then * gamma[24] + beta[24] (MobileBERT's "
                "residual and NoNorm after a FULLY_CONNECTED)", [("x", [1, 13, 40], F32), ("r", [1, 13, 24], F32)],
                lambda w, x, r: (tf.nn.relu(tf.matmul(x, w([40, 24])) + w([24])) + r) * (w([24], 0.5) + 1.0) + w([24], 0.1)),
        Fixture("fully_connected_epilogue_hybrid", "dynamic-range int8: (relu6(x[1,13,64] @ W + b) + r) * gamma[40] + beta[40]",
                [("x", [1, 13, 64], F32), ("r", [1, 13, 40], F32)],
                lambda w, x, r: (tf.nn.relu6(3.0 * tf.matmul(x, w([64, 40])) + w([40])) + r) * (w([40], 0.5) + 1.0) + w([40], 0.1),
                quantization="dynamic_range", tf_tolerance=None),
        Fixture("fully_connected_epilogue_shared_sum", "s = x[1,13,40] @ W + b + r is an output and is read by "
                "s * gamma + beta, the other output (the residual sum has two readers)",
                [("x", [1, 13, 40], F32), ("r", [1, 13, 24], F32)],
                lambda w, x, r: (lambda s: {"sum": s, "normalized": s * (w([24], 0.5) + 1.0) + w([24], 0.1)})(
                    tf.matmul(x, w([40, 24])) + w([24]) + r)),
        Fixture("attention_mask", "BERT mask: (1 - cast(mask)) * -10000 added to scores [1,2,4,4]",
                [("scores", [1, 2, 4, 4], F32), ("mask", [1, 4], I32)],
                lambda w, s, m: tf.nn.softmax(s + (1.0 - tf.cast(m[:, tf.newaxis, tf.newaxis, :], tf.float32)) * -10000.0),
                inputs={"mask": lambda rng, shape, dtype: np.array([[1, 1, 1, 0]])}),
    ]
