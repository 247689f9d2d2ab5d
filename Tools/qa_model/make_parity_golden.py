#!/usr/bin/env python3
"""LiteRT's logits for the shipped QA model on a few windows: the parity golden of Models/glean-qa-minilm-l6.tflite.

    python3 Tools/qa_model/make_parity_golden.py          # writes Corpora/goldens/qa/default-model-litert.json

Regenerate whenever the shipped model changes. The windows are `[CLS] question [SEP] passage [SEP]` over the
project's own sample text (Corpora/samples/tesla.txt), tokenized as in training (HF BertWordPieceTokenizer,
uncased, with the vocabulary packed in the model, identical to ../shared/vocab), padded to 384: one short window (mostly padding) and two
full ones. For each window the file holds, in the schema of Corpora/goldens/interpreter/*.json, the inputs and
the outputs of LiteRT's default path (XNNPACK) and of its other paths (builtin kernels without XNNPACK, the
reference kernels, 2 threads). `Tests/TFLiteInterpreterTests/DefaultModelParityTests.swift` compares Glean's
outputs with them, with the tolerances of the interpreter's parity tests.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "Tools", "models"))
sys.path.insert(0, HERE)

import tflite_tools as tt  # noqa: E402
import qa_data  # noqa: E402

MODEL = "Models/glean-qa-minilm-l6.tflite"
OUT = "Corpora/goldens/qa/default-model-litert.json"
SEQUENCE = 384

# (question, first line of the passage in tesla.txt, number of passage tokens to use or None for all that fit)
WINDOWS = [
    ("When was Tesla born?", "Nikola Tesla was born", 90),
    ("Where did Tesla move in 1881?", "Nikola Tesla was born", None),
    ("What did Tesla demonstrate?", "In 1881 Tesla moved", None),
]


def window(tokenizer, text, question, start_line, limit):
    passage = text[text.index(start_line):]
    question_ids = tokenizer.encode(question, add_special_tokens=False).ids[:qa_data.MAX_QUERY_TOKENS]
    room = SEQUENCE - len(question_ids) - 3
    context_ids = tokenizer.encode(passage, add_special_tokens=False).ids[: min(room, limit or room)]
    ids = [qa_data.CLS_ID] + question_ids + [qa_data.SEP_ID] + context_ids + [qa_data.SEP_ID]
    segments = [0] * (len(question_ids) + 2) + [1] * (len(context_ids) + 1)
    pad = SEQUENCE - len(ids)
    as_array = lambda values: np.array([values + [0] * pad], dtype=np.int32)
    return {"ids": as_array(ids), "mask": as_array([1] * len(ids)), "segment_ids": as_array(segments)}


def main():
    with open(os.path.join(ROOT, MODEL), "rb") as f:
        model = f.read()
    with open(os.path.join(ROOT, "Corpora", "samples", "tesla.txt"), encoding="utf-8") as f:
        text = f.read()
    tokenizer = qa_data.make_tokenizer()
    cases = []
    for question, start_line, limit in WINDOWS:
        inputs = window(tokenizer, text, question, start_line, limit)
        outputs, input_names, output_names, input_details, output_details = tt.run_litert(model, inputs, "default")
        other = {path: tt.run_litert(model, inputs, path)[0] for path in tt.EXECUTION_PATHS if path != "default"}
        spreads = {path: {n: tt.spread(r[n], outputs[n]) for n in output_names} for path, r in other.items()}
        details_in = {d["name"]: d for d in input_details}
        details_out = {d["name"]: d for d in output_details}
        cases.append({
            "model": MODEL,
            "description": f"{question!r} over tesla.txt from {start_line!r}, {int(inputs['mask'].sum())} real tokens",
            "quantization": "dynamic_range",
            "input_names": input_names,
            "output_names": output_names,
            "inputs": {n: tt.encode_tensor(inputs[n], details_in[n]) for n in input_names},
            "outputs": {n: tt.encode_tensor(outputs[n], details_out[n]) for n in output_names},
            "outputs_by_path": {path: {n: tt.encode_tensor(r[n]) for n in output_names} for path, r in other.items()},
            "spread_from_default": spreads,
            "litert_version": tt.LITERT_VERSION,
        })
        worst = {p: max(s["max_scaled"] for s in v.values()) for p, v in spreads.items()}
        print(f"{question:32s} " + ", ".join(f"{p} {v:.2e}" for p, v in worst.items()))
    document = {"generator": "Tools/qa_model/make_parity_golden.py", "model": MODEL,
                "model_bytes": len(model), "cases": cases}
    tt.write_json(os.path.join(ROOT, OUT), document)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
