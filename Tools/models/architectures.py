"""Transformer encoders with the BERT question-answering contract, written in plain TensorFlow ops.

Both take `ids`, `mask`, `segment_ids` (int32 [1, S]) and return `end_logits`,
`start_logits` (float32 [1, S]), the contract of the TFLite Task Library's
BertQuestionAnswerer. Weights are seeded random numbers: these models are for
parity and speed, not answers.

- MobileBERT (Sun et al. 2020, google-research/mobilebert): embeddings of width
  E with the 3-token "trigram" input (concat of the next, current and previous
  token's embedding, then a dense layer to the hidden width H), NoNorm
  (x * gamma + beta) instead of LayerNorm, and per layer a bottleneck down to
  the inner width B (with key and query sharing one bottleneck), 4-head
  self-attention inside the bottleneck, a stack of F feed-forward networks
  (relu), and a dense layer back up to H with a residual connection.
- BERT (Devlin et al. 2019; MiniLM keeps the same shape): post-LN encoder,
  word + position + segment embeddings, LayerNorm, multi-head attention,
  GELU (erf) feed-forward.
"""
import math
import os
import time
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

import tflite_tools as tt
from fixture import Fixture


# MARK: Configurations

@dataclass(frozen=True)
class MobileBertConfig:
    vocab: int = 30522
    embedding: int = 128      # E: word embedding width (before the trigram concat)
    hidden: int = 512         # H: the width between layers
    bottleneck: int = 128     # B: the inner ("intra-bottleneck") width
    heads: int = 4
    intermediate: int = 512   # the width inside each feed-forward network
    feed_forwards: int = 4    # F: feed-forward networks stacked per layer
    layers: int = 24
    sequence: int = 384       # S
    max_positions: int = 512
    segments: int = 2


@dataclass(frozen=True)
class BertConfig:
    vocab: int = 30522
    hidden: int = 384
    heads: int = 12
    intermediate: int = 1536
    layers: int = 6
    sequence: int = 128
    max_positions: int = 512
    segments: int = 2
    layer_norm_epsilon: float = 1e-12


# The committed fixtures: 2 layers, hidden <= 128, vocab <= 2000, short sequences.
MOBILEBERT_TINY = MobileBertConfig(vocab=2000, embedding=32, hidden=128, bottleneck=32, heads=4, intermediate=128,
                                   feed_forwards=4, layers=2, sequence=64, max_positions=64)
BERT_TINY = BertConfig(vocab=1000, hidden=96, heads=12, intermediate=384, layers=2, sequence=32, max_positions=32)
MOBILEBERT_FULL = MobileBertConfig()

# Token ids the synthetic QA inputs use, whatever the vocabulary size.
PAD, CLS, SEP, FIRST_WORD = 0, 2, 3, 5


# Dense kernels are drawn from N(0, (DENSE_GAIN / sqrt(fan_in))^2). With a gain of 1
# the un-normalised MobileBERT residual stream grows layer after layer (logits ~50
# after 2 layers) and int8 quantization error is amplified chaotically; 0.5 keeps
# activations and logits of order 1, as in a trained model.
DENSE_GAIN = 0.5


class Weights:
    """Seeded weights: dense kernels scaled by DENSE_GAIN/sqrt(fan_in), tables N(0, 1), norms near identity."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.count = 0

    def normal(self, shape, scale):
        self.count += int(np.prod(shape))
        return (self.rng.standard_normal(shape) * scale).astype(np.float32)

    def dense(self, x, outputs):
        inputs = x.shape[-1]
        return tf.matmul(x, self.normal([inputs, outputs], DENSE_GAIN / math.sqrt(inputs))) + self.normal([outputs], 0.1)

    def table(self, rows, width):
        return self.normal([rows, width], 1.0)

    def no_norm(self, x):
        width = x.shape[-1]
        return x * (1.0 + self.normal([width], 0.1)) + self.normal([width], 0.1)

    def layer_norm(self, x, epsilon):
        width = x.shape[-1]
        mean = tf.reduce_mean(x, axis=-1, keepdims=True)
        variance = tf.reduce_mean(tf.math.squared_difference(x, mean), axis=-1, keepdims=True)
        return (x - mean) * tf.math.rsqrt(variance + epsilon) * (1.0 + self.normal([width], 0.1)) + self.normal([width], 0.1)


# MARK: Shared pieces

def attention_bias(mask):
    """[1, S] int32 mask -> [1, 1, 1, S] additive bias: 0 where attended, -10000 on padding."""
    mask = tf.cast(mask[:, tf.newaxis, tf.newaxis, :], tf.float32)
    return (1.0 - mask) * -10000.0


def self_attention(query, key, value, bias, heads):
    """Multi-head scaled dot-product attention on [1, S, W] projections; returns [1, S, W]."""
    sequence, width = query.shape[1], query.shape[2]
    head_width = width // heads

    def split(x):
        return tf.transpose(tf.reshape(x, [1, sequence, heads, head_width]), [0, 2, 1, 3])

    scores = tf.matmul(split(query), split(key), transpose_b=True) * (1.0 / math.sqrt(head_width))
    probabilities = tf.nn.softmax(scores + bias)
    context = tf.matmul(probabilities, split(value))
    return tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [1, sequence, width])


def question_answering_head(w, x):
    logits = w.dense(x, 2)
    start, end = tf.unstack(logits, axis=-1)
    return {"start_logits": start, "end_logits": end}


def qa_signature(sequence):
    return [tf.TensorSpec([1, sequence], tf.int32, name=n) for n in ("ids", "mask", "segment_ids")]


# MARK: MobileBERT

def mobilebert(config, seed):
    """The MobileBERT-architecture QA model as a tf.function, and the parameter count."""
    w = Weights(seed)

    @tf.function(input_signature=qa_signature(config.sequence))
    def model(ids, mask, segment_ids):
        words = tf.gather(w.table(config.vocab, config.embedding), ids)                       # [1, S, E]
        next_words = tf.pad(words[:, 1:], [[0, 0], [0, 1], [0, 0]])
        previous_words = tf.pad(words[:, :-1], [[0, 0], [1, 0], [0, 0]])
        trigram = tf.concat([next_words, words, previous_words], axis=2)                       # [1, S, 3E]
        x = w.dense(trigram, config.hidden)
        x = x + w.table(config.max_positions, config.hidden)[: config.sequence]
        x = x + tf.gather(w.table(config.segments, config.hidden), segment_ids)
        x = w.no_norm(x)
        bias = attention_bias(mask)
        for _ in range(config.layers):
            x = mobilebert_layer(w, x, bias, config)
        return question_answering_head(w, x)

    model.get_concrete_function()  # trace now, so w.count is the parameter count
    return model, w.count


def mobilebert_layer(w, layer_input, bias, config):
    inner = w.no_norm(w.dense(layer_input, config.bottleneck))              # the residual path inside the bottleneck
    shared = w.no_norm(w.dense(layer_input, config.bottleneck))             # key and query share this bottleneck
    query = w.dense(shared, config.bottleneck)
    key = w.dense(shared, config.bottleneck)
    value = w.dense(layer_input, config.bottleneck)
    context = self_attention(query, key, value, bias, config.heads)
    x = w.no_norm(w.dense(context, config.bottleneck) + inner)
    for _ in range(config.feed_forwards):
        hidden = tf.nn.relu(w.dense(x, config.intermediate))
        x = w.no_norm(w.dense(hidden, config.bottleneck) + x)
    return w.no_norm(w.dense(x, config.hidden) + layer_input)


# MARK: BERT

def bert(config, seed):
    """The BERT/MiniLM-architecture QA model as a tf.function, and the parameter count."""
    w = Weights(seed)

    @tf.function(input_signature=qa_signature(config.sequence))
    def model(ids, mask, segment_ids):
        x = tf.gather(w.table(config.vocab, config.hidden), ids)
        x = x + w.table(config.max_positions, config.hidden)[: config.sequence]
        x = x + tf.gather(w.table(config.segments, config.hidden), segment_ids)
        x = w.layer_norm(x, config.layer_norm_epsilon)
        bias = attention_bias(mask)
        for _ in range(config.layers):
            context = self_attention(w.dense(x, config.hidden), w.dense(x, config.hidden), w.dense(x, config.hidden),
                                     bias, config.heads)
            x = w.layer_norm(w.dense(context, config.hidden) + x, config.layer_norm_epsilon)
            hidden = tf.nn.gelu(w.dense(x, config.intermediate), approximate=False)
            x = w.layer_norm(w.dense(hidden, config.hidden) + x, config.layer_norm_epsilon)
        return question_answering_head(w, x)

    model.get_concrete_function()
    return model, w.count


# MARK: Inputs

def qa_inputs(sequence, vocab, seed, question=None, padding=None):
    """A [CLS] question [SEP] context [SEP] pad... example with valid ids, mask and segments."""
    rng = np.random.default_rng(seed)
    question = question or max(2, sequence // 6)
    padding = padding if padding is not None else max(1, sequence // 8)
    context = sequence - padding - question - 3
    ids = np.full([1, sequence], PAD, np.int32)
    mask = np.zeros([1, sequence], np.int32)
    segments = np.zeros([1, sequence], np.int32)
    tokens = ([CLS] + list(rng.integers(FIRST_WORD, vocab, question)) + [SEP]
              + list(rng.integers(FIRST_WORD, vocab, context)) + [SEP])
    ids[0, : len(tokens)] = tokens
    mask[0, : len(tokens)] = 1
    segments[0, question + 2: len(tokens)] = 1
    return {"ids": ids, "mask": mask, "segment_ids": segments}


# MARK: Fixtures

class ArchitectureFixture(Fixture):
    """A Fixture whose function is a whole encoder rather than a body of ops."""

    def __init__(self, name, description, build, config, quantization):
        super().__init__(name=name, description=description, signature=[], body=None, quantization=quantization,
                         tf_tolerance=1e-3 if quantization == "float" else None)
        self.build, self.config = build, config
        self.signature = [(n, [1, config.sequence], tf.int32) for n in ("ids", "mask", "segment_ids")]

    def function(self):
        return self.build(self.config, self.seed)[0]

    def make_inputs(self):
        return qa_inputs(self.config.sequence, self.config.vocab, self.seed + 1)


def fixtures():
    mb, bt = MOBILEBERT_TINY, BERT_TINY
    mb_text = (f"MobileBERT architecture, {mb.layers} layers, S={mb.sequence}, H={mb.hidden}, B={mb.bottleneck}, "
               f"E={mb.embedding}, {mb.heads} heads, {mb.feed_forwards} FFNs of {mb.intermediate}, vocab {mb.vocab}")
    bt_text = (f"BERT/MiniLM architecture (post-LN, GELU), {bt.layers} layers, S={bt.sequence}, H={bt.hidden}, "
               f"{bt.heads} heads, FFN {bt.intermediate}, vocab {bt.vocab}")
    return [
        ArchitectureFixture("mobilebert_tiny_float", mb_text + "; float32", mobilebert, mb, "float"),
        ArchitectureFixture("mobilebert_tiny_dynamic_range", mb_text + "; dynamic-range int8 weights", mobilebert, mb, "dynamic_range"),
        ArchitectureFixture("bert_tiny_float", bt_text + "; float32", bert, bt, "float"),
        ArchitectureFixture("bert_tiny_dynamic_range", bt_text + "; dynamic-range int8 weights", bert, bt, "dynamic_range"),
    ]


# MARK: The full-size benchmark model (not committed)

def mobilebert_flops(config):
    """Multiply-adds x 2 of one inference: every dense layer plus the two attention matmuls."""
    s, h, b, e = config.sequence, config.hidden, config.bottleneck, config.embedding
    # Per layer: input and shared bottlenecks (H->B twice), value (H->B), output (B->H): 4HB;
    # query, key and attention output (B->B): 3B^2; each FFN B->I->B: 2BI.
    dense = 3 * e * h + config.layers * (4 * h * b + 3 * b * b + config.feed_forwards * 2 * b * config.intermediate) + h * 2
    attention = config.layers * 2 * s * s * b
    return 2 * (s * dense + attention)


def write_full_mobilebert(path, dynamic_range):
    """Writes the 24-layer, 384-token MobileBERT-architecture model, a golden beside it, and LiteRT timings."""
    config = MOBILEBERT_FULL
    quantization = "dynamic_range" if dynamic_range else "float"
    seed = 24_384
    model_function, parameters = mobilebert(config, seed)
    started = time.time()
    model = tt.convert(model_function, quantization)
    print(f"converted in {time.time() - started:.0f} s")
    with open(path, "wb") as f:
        f.write(model)
    inputs = qa_inputs(config.sequence, config.vocab, seed + 1, question=12, padding=40)
    outputs, input_names, output_names, _, _ = tt.run_litert(model, inputs, "default")
    timings = {}
    for label, path_name in (("default_1_thread", "default"), ("default_2_threads", "default_2_threads"),
                             ("builtin_without_xnnpack", "builtin_without_xnnpack")):
        interpreter = tt.Interpreter(model_content=model, **tt.EXECUTION_PATHS[path_name])
        interpreter.allocate_tensors()
        for d in interpreter.get_input_details():
            interpreter.set_tensor(d["index"], inputs[d["name"]])
        interpreter.invoke()  # warm-up
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            interpreter.invoke()
            runs.append(time.perf_counter() - started)
        timings[label] = min(runs)
    golden = {
        "model": path,
        "description": f"MobileBERT architecture, full size {config}; {quantization}",
        "quantization": quantization,
        "ops": [f"{n} v{v}" for n, v in tt.operator_codes(model)],
        "parameters": parameters,
        "flops_per_inference": mobilebert_flops(config),
        "input_names": input_names,
        "output_names": output_names,
        "inputs": {n: tt.encode_tensor(inputs[n]) for n in input_names},
        "outputs": {n: tt.encode_tensor(outputs[n]) for n in output_names},
        "litert_seconds_best_of_3": timings,
        "litert_version": tt.LITERT_VERSION,
        "tensorflow_version": tt.TENSORFLOW_VERSION,
        "seed": seed,
        "generator": "Tools/models/generate_fixtures.py --full-mobilebert",
    }
    golden_path = os.path.splitext(path)[0] + ".json"
    tt.write_json(golden_path, golden)
    print(f"{path}: {len(model)} bytes, {parameters} parameters, {mobilebert_flops(config) / 1e9:.2f} GFLOP per inference")
    print(f"{golden_path}: inputs and LiteRT outputs; LiteRT seconds (best of 3): {timings}")
