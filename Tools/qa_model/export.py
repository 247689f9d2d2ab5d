"""Export a trained checkpoint to TFLite with the TFLite BERT QA contract and Task Library metadata.

  python3 Tools/qa_model/export.py --checkpoint Tools/out/qa/final_model.pt --out Tools/out/qa

Writes OUT/glean-qa-minilm-l6-float.tflite and OUT/glean-qa-minilm-l6-int8.tflite (dynamic-range int8):
  inputs  ids, mask, segment_ids : int32 [1, 384]
  outputs end_logits, start_logits : float32 [1, 384]
The encoder is re-built with plain TensorFlow ops (same maths as HF BertForQuestionAnswering: exact-erf GELU,
LayerNorm eps 1e-12, additive attention mask) and checked against the PyTorch model before conversion.
"""
import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# torch (and transformers) must be imported before tensorflow: both carry LLVM, and the other order aborts.
import torch
from transformers import BertForQuestionAnswering

import flatbuffers
import numpy as np
import tensorflow as tf
from tensorflow.lite.python import schema_py_generated as schema

import qa_data
import tflite_metadata

SEQ = 384
HIDDEN = 384
HEADS = 12
LAYERS = 6
EPS = 1e-12

INPUTS = [
    ("ids", "Tokenized ids of input text as concatenated query and passage."),
    ("mask", "Mask with 1 for real tokens and 0 for padding tokens."),
    ("segment_ids", "0 for query and 1 for passage tokens."),
]
OUTPUTS = [
    ("end_logits", "logits over the sequence which indicates the end position of the answer span with closed interval."),
    ("start_logits", "logits over the sequence which indicates the start position of the answer span with closed interval."),
]
NAME = "Glean MiniLM-L6 Question Answerer"
DESCRIPTION = ("Extractive question answering: answers a question with a span of a given passage. "
               "MiniLM-L6-H384 (all-MiniLM-L6-v2 weights) fine-tuned on SQuAD-format data; BERT uncased WordPiece; "
               "same inputs/outputs as the TFLite MobileBERT QA model (BertQuestionAnswerer).")
LICENSE = "Apache License. Version 2.0 http://www.apache.org/licenses/LICENSE-2.0."


def load_state_dict(path):
    state = torch.load(path, map_location="cpu", weights_only=False)
    if "model" in state and isinstance(state["model"], dict):
        state = state["model"]
    return {k: v.float().numpy() for k, v in state.items()}


class BertQA(tf.Module):
    """BERT encoder + span head with constant weights, batch 1, sequence SEQ."""

    def __init__(self, w):
        super().__init__()
        c = lambda name: tf.constant(w[name])
        linear = lambda prefix: (tf.constant(w[prefix + ".weight"].T.copy()), c(prefix + ".bias"))
        self.word = c("bert.embeddings.word_embeddings.weight")
        self.position = c("bert.embeddings.position_embeddings.weight")[:SEQ]
        self.token_type = c("bert.embeddings.token_type_embeddings.weight")
        self.emb_norm = (c("bert.embeddings.LayerNorm.weight"), c("bert.embeddings.LayerNorm.bias"))
        self.layers = []
        for i in range(LAYERS):
            p = "bert.encoder.layer.%d." % i
            self.layers.append({
                "q": linear(p + "attention.self.query"),
                "k": linear(p + "attention.self.key"),
                "v": linear(p + "attention.self.value"),
                "o": linear(p + "attention.output.dense"),
                "norm1": (c(p + "attention.output.LayerNorm.weight"), c(p + "attention.output.LayerNorm.bias")),
                "up": linear(p + "intermediate.dense"),
                "down": linear(p + "output.dense"),
                "norm2": (c(p + "output.LayerNorm.weight"), c(p + "output.LayerNorm.bias")),
            })
        self.head = linear("qa_outputs")

    @staticmethod
    def _norm(x, gamma_beta):
        gamma, beta = gamma_beta
        mean = tf.reduce_mean(x, axis=-1, keepdims=True)
        variance = tf.reduce_mean(tf.math.squared_difference(x, mean), axis=-1, keepdims=True)
        return (x - mean) * tf.math.rsqrt(variance + EPS) * gamma + beta

    @staticmethod
    def _dense(x, weight_bias):
        weight, bias = weight_bias
        return tf.matmul(x, weight) + bias

    def _heads(self, x):
        return tf.transpose(tf.reshape(x, [SEQ, HEADS, HIDDEN // HEADS]), [1, 0, 2])

    @tf.function(input_signature=[
        tf.TensorSpec([1, SEQ], tf.int32, name="ids"),
        tf.TensorSpec([1, SEQ], tf.int32, name="mask"),
        tf.TensorSpec([1, SEQ], tf.int32, name="segment_ids"),
    ])
    def __call__(self, ids, mask, segment_ids):
        x = tf.gather(self.word, ids[0]) + self.position + tf.gather(self.token_type, segment_ids[0])
        x = self._norm(x, self.emb_norm)
        bias = (1.0 - tf.cast(tf.reshape(mask, [1, 1, SEQ]), tf.float32)) * -10000.0
        scale = 1.0 / np.sqrt(HIDDEN // HEADS)
        for layer in self.layers:
            q = self._heads(self._dense(x, layer["q"]) * scale)
            k = self._heads(self._dense(x, layer["k"]))
            v = self._heads(self._dense(x, layer["v"]))
            probs = tf.nn.softmax(tf.matmul(q, k, transpose_b=True) + bias, axis=-1)
            context = tf.reshape(tf.transpose(tf.matmul(probs, v), [1, 0, 2]), [SEQ, HIDDEN])
            x = self._norm(x + self._dense(context, layer["o"]), layer["norm1"])
            h = tf.nn.gelu(self._dense(x, layer["up"]), approximate=False)
            x = self._norm(x + self._dense(h, layer["down"]), layer["norm2"])
        logits = self._dense(x, self.head)  # [SEQ, 2]: start, end
        start = tf.reshape(logits[:, 0], [1, SEQ])
        end = tf.reshape(logits[:, 1], [1, SEQ])
        return {"end_logits": end, "start_logits": start}


def sample_inputs():
    """One real window (the SQuAD 'Teacher' passage) padded to SEQ."""
    tokenizer = qa_data.make_tokenizer()
    article = qa_data.load_half_a()[2]
    context = article["paragraphs"][0]["context"]
    window = qa_data.featurize(tokenizer, context, "What is a course of study called?", SEQ)[0]
    n = len(window.ids)
    ids = np.zeros((1, SEQ), np.int32)
    mask = np.zeros((1, SEQ), np.int32)
    seg = np.zeros((1, SEQ), np.int32)
    ids[0, :n], mask[0, :n], seg[0, :n] = window.ids, 1, window.segments
    return ids, mask, seg, n


def check_against_torch(module, checkpoint):
    import train

    model = BertForQuestionAnswering.from_pretrained(train.base_model_dir())
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    model.load_state_dict(state["model"] if "model" in state and isinstance(state["model"], dict) else state)
    model.eval()
    ids, mask, seg, n = sample_inputs()
    with torch.no_grad():
        out = model(input_ids=torch.from_numpy(ids).long(), attention_mask=torch.from_numpy(mask).long(),
                    token_type_ids=torch.from_numpy(seg).long())
    tf_out = module(tf.constant(ids), tf.constant(mask), tf.constant(seg))
    diff = max(np.abs(out.start_logits.numpy()[0, :n] - tf_out["start_logits"].numpy()[0, :n]).max(),
               np.abs(out.end_logits.numpy()[0, :n] - tf_out["end_logits"].numpy()[0, :n]).max())
    print("max |torch - tf| logit difference over real tokens: %.2e" % diff)
    if diff > 1e-3:
        raise SystemExit("TensorFlow re-implementation disagrees with the PyTorch model")


def convert(module, quantize):
    concrete = module.__call__.get_concrete_function()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([concrete], module)
    if quantize:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    return converter.convert()


def finish_model(flatbuffer, metadata, path, vocab_bytes):
    """Renames the I/O tensors to the contract names, attaches metadata, writes, appends vocab.txt."""
    model = schema.ModelT.InitFromPackedBuf(bytearray(flatbuffer), 0)
    graph = model.subgraphs[0]
    signature = model.signatureDefs[0]
    wanted = {}
    for tensor_map in list(signature.inputs) + list(signature.outputs):
        wanted[tensor_map.tensorIndex] = tensor_map.name.decode() if isinstance(tensor_map.name, bytes) else tensor_map.name
    for index, name in wanted.items():
        graph.tensors[index].name = name.encode()
    # Order the graph inputs/outputs as the contract says.
    by_name = {v: k for k, v in wanted.items()}
    graph.inputs = [by_name[n] for n, _ in INPUTS]
    graph.outputs = [by_name[n] for n, _ in OUTPUTS]
    signature.inputs = sorted(signature.inputs, key=lambda t: [n for n, _ in INPUTS].index(wanted[t.tensorIndex]))
    signature.outputs = sorted(signature.outputs, key=lambda t: [n for n, _ in OUTPUTS].index(wanted[t.tensorIndex]))
    buffer = schema.BufferT()
    buffer.data = np.frombuffer(metadata, np.uint8)
    model.buffers.append(buffer)
    entry = schema.MetadataT()
    entry.name = b"TFLITE_METADATA"
    entry.buffer = len(model.buffers) - 1
    model.metadata = list(model.metadata or []) + [entry]
    builder = flatbuffers.Builder(len(flatbuffer) + 1024 * 1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    with open(path, "wb") as f:
        f.write(builder.Output())
    tflite_metadata.append_associated_files(path, {"vocab.txt": vocab_bytes})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--version", default="v1")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    module = BertQA(load_state_dict(args.checkpoint))
    check_against_torch(module, args.checkpoint)
    metadata = tflite_metadata.bert_qa_metadata(NAME, DESCRIPTION, args.version, "Glean", LICENSE, INPUTS, OUTPUTS)
    with open(qa_data.VOCAB, "rb") as f:
        vocab = f.read()
    for suffix, quantize in (("float", False), ("int8", True)):
        path = os.path.join(args.out, "glean-qa-minilm-l6-%s.tflite" % suffix)
        finish_model(convert(module, quantize), metadata, path, vocab)
        print("wrote %s (%d bytes)" % (path, os.path.getsize(path)))


if __name__ == "__main__":
    main()
