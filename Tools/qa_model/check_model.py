"""Check a BERT-QA .tflite against the contract Glean relies on, and compare two models' logits.

  python3 Tools/qa_model/check_model.py MODEL.tflite [--compare OTHER.tflite]

Checks: LiteRT loads it; inputs ids/mask/segment_ids int32 [1,384]; outputs end_logits/start_logits
float32 [1,384]; a TFLITE_METADATA buffer with identifier M001; an appended zip whose vocab.txt is the BERT
uncased vocabulary; answers the Task Library's test question on the SQuAD "Teacher" passage
(the published MobileBERT answer is "the curriculum."). Prints the sha256 and the builtin ops used.
"""
import argparse
import hashlib
import io
import json
import zipfile

import numpy as np
from ai_edge_litert.interpreter import Interpreter
from tensorflow.lite.python import schema_py_generated as schema

import evaluate_tflite
import qa_data


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--compare", help="a second model (e.g. the float one) to compare logits with")
    args = parser.parse_args()
    with open(args.model, "rb") as f:
        data = f.read()
    report = {"model": args.model, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}

    interpreter = Interpreter(model_path=args.model)
    inputs = {d["name"]: ([int(x) for x in d["shape"]], d["dtype"].__name__) for d in interpreter.get_input_details()}
    outputs = {d["name"]: ([int(x) for x in d["shape"]], d["dtype"].__name__) for d in interpreter.get_output_details()}
    assert inputs == {n: ([1, 384], "int32") for n in ("ids", "mask", "segment_ids")}, inputs
    assert outputs == {n: ([1, 384], "float32") for n in ("end_logits", "start_logits")}, outputs
    report["inputs"], report["outputs"] = inputs, outputs

    model = schema.Model.GetRootAsModel(data, 0)
    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    report["ops"] = sorted({names[max(model.OperatorCodes(i).BuiltinCode(), model.OperatorCodes(i).DeprecatedBuiltinCode())]
                            for i in range(model.OperatorCodesLength())})
    entries = {model.Metadata(i).Name().decode(): model.Metadata(i).Buffer() for i in range(model.MetadataLength())}
    assert "TFLITE_METADATA" in entries, entries
    metadata = model.Buffers(entries["TFLITE_METADATA"]).DataAsNumpy().tobytes()
    assert metadata[4:8] == b"M001", metadata[:8]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["vocab.txt"], archive.namelist()
        with open(qa_data.VOCAB, "rb") as f:
            assert archive.read("vocab.txt") == f.read(), "embedded vocab.txt differs from the BERT uncased vocab"
    report["metadata"] = "TFLITE_METADATA (M001) + vocab.txt zip: ok"

    reader = evaluate_tflite.Reader(args.model, 1)
    tokenizer = qa_data.make_tokenizer()
    context = qa_data.load_half_a()[2]["paragraphs"][0]["context"]  # the "Teacher" passage
    question = "What is a course of study called?"
    windows = qa_data.featurize(tokenizer, context, question, 384)
    logits = [reader.logits(w) for w in windows]
    report["teacher_answer"] = evaluate_tflite.best_span(context, windows, logits)

    if args.compare:
        other = evaluate_tflite.Reader(args.compare, 1)
        other_logits = [other.logits(w) for w in windows]
        n = len(windows[0].ids)
        diff = max(np.abs(a[k][:n] - b[k][:n]).max() for a, b in zip(logits, other_logits) for k in (0, 1))
        report["max_logit_difference_vs_" + args.compare.split("/")[-1]] = round(float(diff), 4)
        report["compare_answer"] = evaluate_tflite.best_span(context, windows, other_logits)
    for key, value in report.items():
        print("%s: %s" % (key, json.dumps(value)))


if __name__ == "__main__":
    main()
