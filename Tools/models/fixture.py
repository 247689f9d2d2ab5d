"""A fixture: one small TensorFlow function, how to convert it, and how to make its inputs."""
import zlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import tensorflow as tf


@dataclass
class Fixture:
    """One model to convert and record.

    signature: [(input name, shape, dtype)], in the order the function takes them.
    body: called once while tracing as body(w, *inputs) and returns a tensor (named
      "output") or a dict of named tensors; `w(shape, scale)` gives seeded float32
      constants (weights), so every fixture's weights depend only on its name.
    inputs: optional {input name: f(rng, shape, dtype) -> array} to override the
      default random inputs (standard normal floats, ints in [0, 10), fair bools).
    quantization: see tflite_tools.convert.
    tf_tolerance: LiteRT's default output must match TensorFlow's within this
      scaled error (None: not checked, e.g. quantized models).
    input_shapes: {input name: concrete shape} for inputs declared with unknown
      (None) dimensions; the golden records the concrete shape, and LiteRT is
      resized to it before running.
    patch: optional f(model object) that edits the converted flatbuffer (schema
      object API) for an option the converter never emits, e.g. SOFTMAX beta.
    reference: optional f(inputs dict) -> outputs dict that replaces the
      TensorFlow function as the check for a patched model.
    """
    name: str
    description: str
    signature: list
    body: Callable
    inputs: dict = field(default_factory=dict)
    quantization: str = "float"
    tf_tolerance: float | None = 1e-4
    input_shapes: dict = field(default_factory=dict)
    patch: Callable | None = None
    reference: Callable | None = None

    @property
    def seed(self):
        return zlib.crc32(self.name.encode())

    def function(self):
        rng = np.random.default_rng(self.seed)

        def w(shape, scale=1.0):
            return (rng.standard_normal(shape) * scale).astype(np.float32)

        specs = [tf.TensorSpec(shape, dtype, name=name) for name, shape, dtype in self.signature]

        @tf.function(input_signature=specs)
        def fn(*args):
            result = self.body(w, *args)
            return result if isinstance(result, dict) else {"output": result}

        return fn

    def make_inputs(self):
        rng = np.random.default_rng(self.seed + 1)
        arrays = {}
        for name, shape, dtype in self.signature:
            shape = self.input_shapes.get(name, shape)
            dtype = tf.as_dtype(dtype)
            if name in self.inputs:
                array = self.inputs[name](rng, shape, dtype)
            elif dtype.is_floating:
                array = rng.standard_normal(shape)
            elif dtype == tf.bool:
                array = rng.random(shape) < 0.5
            elif dtype == tf.int8:
                array = rng.integers(-128, 128, shape)
            else:
                array = rng.integers(0, 10, shape)
            arrays[name] = np.asarray(array).astype(dtype.as_numpy_dtype).reshape(shape)
        return arrays

    def representative_inputs(self):
        """Calibration inputs for full-integer fixtures: 32 draws shaped like the real inputs."""
        rng = np.random.default_rng(self.seed + 2)
        for _ in range(32):
            yield [rng.standard_normal(self.input_shapes.get(name, shape)).astype(np.float32)
                   for name, shape, _ in self.signature]


def uniform(low, high):
    """An input maker drawing floats uniformly from [low, high)."""
    return lambda rng, shape, dtype: rng.uniform(low, high, shape)


def integers(low, high):
    """An input maker drawing integers uniformly from [low, high)."""
    return lambda rng, shape, dtype: rng.integers(low, high, shape)
