"""Shared helpers for the fixture generator: convert, name, inspect, run and record.

Everything here uses only the official tools: `tf.lite.TFLiteConverter` to build
models, the flatbuffer schema module that ships with TensorFlow to rename tensors
and list operators, and `ai_edge_litert.interpreter.Interpreter` to run them.
"""
import json
import math
import os
from importlib.metadata import version as package_version

import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter, OpResolverType
from tensorflow.lite.python import schema_py_generated as schema
from tensorflow.lite.tools import flatbuffer_utils

TENSORFLOW_VERSION = tf.__version__
LITERT_VERSION = package_version("ai-edge-litert")

OPERATOR_NAMES = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
TYPE_NAMES = {v: k for k, v in vars(schema.TensorType).items() if not k.startswith("_")}


# MARK: Conversion

def convert(function, quantization="float", representative_inputs=None, patch=None):
    """Converts a `tf.function` with an input signature to .tflite bytes.

    quantization: "float" (no optimisation), "dynamic_range" (Optimize.DEFAULT
    without a representative dataset: int8 weights, float activations, the
    converter's defaults untouched), "float16" (float16 weights, DEQUANTIZE at
    run time), or "int8" (full integer with a representative dataset, float
    input and output, so QUANTIZE/DEQUANTIZE appear at the edges).
    """
    concrete = function.get_concrete_function()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete], function)
    if quantization == "dynamic_range":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    elif quantization == "float16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif quantization == "int8":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([x] if not isinstance(x, list) else x for x in representative_inputs())
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    elif quantization != "float":
        raise ValueError(f"unknown quantization {quantization!r}")
    return name_outputs(converter.convert(), concrete, patch)


def name_outputs(model_bytes, concrete, patch=None):
    """Gives the graph outputs the keys of the function's returned dict.

    The converter names outputs "Identity", "Identity_1", ...; it orders them as
    `tf.nest.flatten` orders the function's structured outputs (dict keys
    sorted), which is the order used here. The generator checks every float
    model against TensorFlow by name afterwards, so a wrong pairing would fail.
    """
    structured = concrete.structured_outputs
    if not isinstance(structured, dict):
        raise ValueError("fixture functions must return a dict of named outputs")
    names = sorted(structured.keys())
    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(model_bytes))
    subgraph = model.subgraphs[0]
    if len(subgraph.outputs) != len(names):
        raise ValueError(f"{len(subgraph.outputs)} outputs for names {names}")
    for index, name in zip(subgraph.outputs, names):
        subgraph.tensors[index].name = name.encode()
    if patch is not None:
        patch(model)
    return bytes(flatbuffer_utils.convert_object_to_bytearray(model))


# MARK: Inspection

def operator_codes(model_bytes):
    """The (builtin name, version) pairs in the model's operator_codes table, in table order."""
    model = schema.Model.GetRootAsModel(model_bytes, 0)
    result = []
    for i in range(model.OperatorCodesLength()):
        code = model.OperatorCodes(i)
        builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
        name = OPERATOR_NAMES[builtin]
        if name == "CUSTOM":
            name = "CUSTOM:" + code.CustomCode().decode()
        result.append((name, code.Version()))
    return result


def operator_list(model_bytes):
    """Every operator in execution order with its options (as a dict), for checking what the converter emitted."""
    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(model_bytes))
    codes = operator_codes(model_bytes)
    subgraph = model.subgraphs[0]
    result = []
    for op in subgraph.operators:
        name, version = codes[op.opcodeIndex]
        options = {}
        if op.builtinOptions is not None:
            options = {k: v for k, v in vars(op.builtinOptions).items() if not isinstance(v, (list, np.ndarray)) or len(v) < 8}
        if op.builtinOptions2 is not None:
            options.update({k: v for k, v in vars(op.builtinOptions2).items()})
        inputs = [tensor_summary(subgraph.tensors[i]) if i >= 0 else "-" for i in op.inputs]
        outputs = [tensor_summary(subgraph.tensors[i]) for i in op.outputs]
        result.append({"op": f"{name} v{version}", "options": options, "inputs": inputs, "outputs": outputs})
    return result


def tensor_summary(tensor):
    shape = list(tensor.shape) if tensor.shape is not None else []
    text = f"{TYPE_NAMES[tensor.type]}{shape}"
    q = tensor.quantization
    if q is not None and q.scale is not None and len(q.scale) > 0:
        text += f" q(scales={len(q.scale)}, axis={q.quantizedDimension})"
    return text


def count_parameters(model_bytes):
    """Elements held in constant buffers (weights), the model's parameter count."""
    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(model_bytes))
    total = 0
    for tensor in model.subgraphs[0].tensors:
        buffer = model.buffers[tensor.buffer]
        if buffer.data is not None and len(buffer.data) > 0:
            total += int(np.prod(tensor.shape)) if tensor.shape is not None else 1
    return total


# MARK: Running LiteRT

# The LiteRT execution paths recorded for every model. "default" is what users
# get: builtin kernels with the XNNPACK delegate applied (OpResolverType.AUTO).
EXECUTION_PATHS = {
    "default": dict(experimental_op_resolver_type=OpResolverType.AUTO, num_threads=1),
    "builtin_without_xnnpack": dict(experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES, num_threads=1),
    "builtin_reference": dict(experimental_op_resolver_type=OpResolverType.BUILTIN_REF, num_threads=1),
    "default_2_threads": dict(experimental_op_resolver_type=OpResolverType.AUTO, num_threads=2),
}


def run_litert(model_bytes, inputs, path="default"):
    """Runs the model once on one execution path; returns (ordered outputs dict, input names, output names)."""
    interpreter = Interpreter(model_content=model_bytes, **EXECUTION_PATHS[path])
    for detail in interpreter.get_input_details():
        shape = np.shape(inputs[detail["name"]])
        if tuple(detail["shape"]) != shape:
            interpreter.resize_tensor_input(detail["index"], list(shape), strict=True)
    interpreter.allocate_tensors()
    input_details = interpreter.get_input_details()
    for detail in input_details:
        interpreter.set_tensor(detail["index"], inputs[detail["name"]])
    interpreter.invoke()
    output_details = interpreter.get_output_details()
    outputs = {d["name"]: interpreter.get_tensor(d["index"]).copy() for d in output_details}
    return outputs, [d["name"] for d in input_details], [d["name"] for d in output_details], input_details, output_details


def spread(actual, reference):
    """Largest absolute difference and that difference over the reference's largest magnitude."""
    a = np.asarray(actual, dtype=np.float64)
    b = np.asarray(reference, dtype=np.float64)
    max_abs = float(np.max(np.abs(a - b))) if a.size else 0.0
    scale = float(np.max(np.abs(b))) if b.size else 0.0
    return {"max_abs": max_abs, "max_scaled": max_abs / scale if scale > 0 else max_abs}


# MARK: Golden files

def encode_tensor(array, detail=None, allow_non_finite=False):
    array = np.asarray(array)
    if array.dtype == np.bool_:
        data = [int(v) for v in array.reshape(-1)]
    elif np.issubdtype(array.dtype, np.floating):
        data = [float(v) for v in array.reshape(-1)]  # exact: float32/float16 -> float64 is lossless
        if allow_non_finite:
            data = [v if math.isfinite(v) else repr(v) for v in data]  # "nan", "inf", "-inf" as strings
        elif any(not math.isfinite(v) for v in data):
            raise ValueError("non-finite value in a golden tensor; JSON cannot hold it")
    else:
        data = [int(v) for v in array.reshape(-1)]
    entry = {"dtype": array.dtype.name, "shape": list(array.shape), "data": data}
    if detail is not None:
        scales = detail["quantization_parameters"]["scales"]
        if len(scales) > 0:
            entry["quantization"] = {"scale": [float(s) for s in scales],
                                     "zero_point": [int(z) for z in detail["quantization_parameters"]["zero_points"]]}
    return entry


def write_json(path, document):
    """Writes JSON with two-space indentation but every list of plain values (data, shape) on one line."""
    placeholders = {}

    def compact(node):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if isinstance(value, list) and not any(isinstance(v, (dict, list)) for v in value):
                    token = f"@@DATA{len(placeholders)}@@"
                    placeholders[token] = json.dumps(value, separators=(", ", ": "))
                    out[key] = token
                else:
                    out[key] = compact(value)
            return out
        if isinstance(node, list):
            return [compact(v) for v in node]
        return node

    text = json.dumps(compact(document), indent=2)
    for token, data in placeholders.items():
        text = text.replace(f'"{token}"', data, 1)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text + "\n")
