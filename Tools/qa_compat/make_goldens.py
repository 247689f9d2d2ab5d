#!/usr/bin/env python3
"""Regenerates the QA compat fixtures and goldens (the Task Library's BertQuestionAnswerer, reproduced).

    python3 Tools/qa_compat/make_goldens.py            # vocabularies, both models, Corpora/goldens/qa/compat.json
    python3 Tools/qa_compat/make_goldens.py --goldens-only   # keep the committed vocabularies and models
    python3 Tools/qa_compat/make_goldens.py --tflite-support-python /tmp/tfls-venv/bin/python

Writes Models/test/qa/vocab-1000.txt, vocab-2000.txt, qa_bert_s128_float.tflite,
qa_mobilebert_s64_float.tflite, qa_bert_s128_float_with_metadata.tflite (Task
Library metadata, written by tflite-support's writer in its own virtual
environment: `python3 -m venv /tmp/tfls-venv && /tmp/tfls-venv/bin/pip install
tflite-support==0.4.4`; without it the committed file is kept, with a warning)
and Corpora/goldens/qa/compat.json (format: Corpora/goldens/qa/README.md).
The "teacher_shared" case reads its passage from ../shared/qa (skipped with a
warning when absent). Seeded and deterministic: a rerun reproduces the same bytes.
Needs tensorflow-cpu 2.21 and ai-edge-litert 2.3; nothing at run time needs Python.
"""
import argparse
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

import bert_qa_reference as ref  # noqa: E402
import cases  # noqa: E402
import qa_fixtures  # noqa: E402

ROOT = qa_fixtures.ROOT
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
QA_DIR = "Models/test/qa"
GOLDEN = "Corpora/goldens/qa/compat.json"

MODELS = [
    {"name": "qa_bert_s128_float", "model": f"{QA_DIR}/qa_bert_s128_float.tflite", "vocab": f"{QA_DIR}/vocab-1000.txt",
     "with_metadata": f"{QA_DIR}/qa_bert_s128_float_with_metadata.tflite",
     "description": "BERT architecture, 2 layers, S=128, H=32, 2 heads, FFN 64, vocab 1000, float32, random weights, "
                    "+1.5 on both logits where segment_ids = 1"},
    {"name": "qa_mobilebert_s64_float", "model": f"{QA_DIR}/qa_mobilebert_s64_float.tflite",
     "vocab": f"{QA_DIR}/vocab-2000.txt",
     "description": "MobileBERT architecture, 2 layers, S=64, H=64, B=16, E=16, 2 heads, 2 FFNs of 64, vocab 2000, "
                    "float32, random weights, +0.5 on both logits where segment_ids = 1"},
]

OTHER_PATHS = ["builtin_without_xnnpack", "builtin_reference"]


def case_words():
    """ASCII-lower-cased words of every invented context and question, in order of appearance (vocab-2000 extras)."""
    words = []
    for _, context, question, _ in cases.CASES:
        for text in (context or "", question):
            for word in re.findall(r"[a-z]+", ref.ascii_lower(text)):
                if word not in words:
                    words.append(word)
    return words


def write_metadata_twin(spec, tflite_support_python):
    """The same model with Task Library metadata and the vocabulary packed in (tflite-support's writer)."""
    import subprocess
    destination = os.path.join(ROOT, spec["with_metadata"])
    if not os.path.exists(tflite_support_python):
        print(f"warning: {tflite_support_python} not found; keeping the committed {spec['with_metadata']}",
              file=sys.stderr)
        return
    subprocess.run([tflite_support_python, os.path.join(HERE, "add_metadata.py"), os.path.join(ROOT, spec["model"]),
                    os.path.join(ROOT, spec["vocab"]), destination], check=True)
    print(f"wrote {spec['with_metadata']} ({os.path.getsize(destination)} bytes)")


def build_fixtures(tflite_support_python):
    os.makedirs(os.path.join(ROOT, QA_DIR), exist_ok=True)
    qa_fixtures.write_vocab(os.path.join(ROOT, QA_DIR, "vocab-1000.txt"), qa_fixtures.compose_vocab(1000))
    qa_fixtures.write_vocab(os.path.join(ROOT, QA_DIR, "vocab-2000.txt"),
                            qa_fixtures.compose_vocab(2000, case_words()))
    for spec in MODELS:
        model_bytes = qa_fixtures.build_qa_model(spec["name"])
        with open(os.path.join(ROOT, spec["model"]), "wb") as handle:
            handle.write(model_bytes)
        print(f"wrote {spec['model']} ({len(model_bytes)} bytes)")
        if "with_metadata" in spec:
            write_metadata_twin(spec, tflite_support_python)
    print(f"wrote {QA_DIR}/vocab-1000.txt, {QA_DIR}/vocab-2000.txt")


def teacher_passage():
    path = os.path.join(SHARED, cases.TEACHER_REFERENCE["file"])
    if not os.path.exists(path):
        return None
    data = json.load(open(path, encoding="utf-8"))
    for article in data["data"]:
        if article["title"] == cases.TEACHER_REFERENCE["title"]:
            return article["paragraphs"][cases.TEACHER_REFERENCE["paragraph"]]["context"]
    raise RuntimeError("Teacher article not found in " + path)


def floats(values):
    return [float(np.float32(v)) for v in values]  # float32 -> float64 is exact; repr round-trips


def decision_margin(features, start, end):
    """The smallest logit gap the answers depend on: top-5 membership of start and end positions
    (rank 5 vs rank 6) and the order of the kept pairs up to the sixth. Logit noise below a quarter
    of it cannot change the answers (a pair's sum moves twice as much, a gap between sums four times)."""
    gaps = []
    for logits in (start, end):
        ordered = sorted((float(v) for v in logits), reverse=True)
        gaps.append(ordered[ref.PREDICT_ANS_NUM - 1] - ordered[ref.PREDICT_ANS_NUM])
    kept = sorted((float(c[2]) for c in ref.candidates(features, start, end)), reverse=True)[: ref.PREDICT_ANS_NUM + 1]
    gaps += [a - b for a, b in zip(kept, kept[1:])]
    return min(gaps)


def answers_json(answers):
    return [{"text": a.text, "start": a.start, "end": a.end, "logit": float(a.logit),
             "word_start": a.word_start, "word_end": a.word_end} for a in answers]


def record_case(runners, case, teacher):
    case_id, context, question, note = case
    shared = context is None
    entry = {"id": case_id, "note": note}
    if shared:
        if teacher is None:
            print(f"  {case_id}: skipped, ../shared is absent", file=sys.stderr)
            return None
        entry.update({"context": None, "context_ref": cases.TEACHER_REFERENCE, "needs_shared": True})
        context = teacher
    else:
        entry.update({"context": context, "needs_shared": False})
    entry["question"] = question

    main = runners["default"]
    try:
        features = ref.preprocess(main.tokenizer, context, question, main.seq_len)
    except ValueError as error:
        entry["expected_error"] = "query_too_long"
        entry["error_detail"] = str(error)
        return entry
    start, end = main.run(features)
    answers = ref.postprocess(features, start, end)

    stable = True
    for path in OTHER_PATHS:
        other_start, other_end = runners[path].run(features)
        other = ref.postprocess(features, other_start, other_end)
        if [(a.start, a.end, a.text) for a in other] != [(a.start, a.end, a.text) for a in answers]:
            stable = False
    if ref.ties(features, start, end):
        raise RuntimeError(f"{case_id}: equal logits among the kept pairs; std::sort order would be unspecified")

    position_to_word = [features.position_to_word.get(p, -1) for p in range(main.seq_len)]
    entry.update({
        "query_subwords_before_truncation": features.query_subwords_before_truncation,
        "context_subwords_before_truncation": features.context_subwords_before_truncation,
        "query_length": len(features.query_subwords),
        "context_length": len(features.context_subwords),
    })
    if not shared:
        entry["words"] = features.words
        entry["tokens"] = features.tokens
    entry.update({
        "ids": features.ids, "mask": features.mask, "segment_ids": features.segment_ids,
        "position_to_word": position_to_word,
        "start_logits": floats(start), "end_logits": floats(end),
        "top_start": ref.reverse_sort_indices(start)[: ref.PREDICT_ANS_NUM],
        "top_end": ref.reverse_sort_indices(end)[: ref.PREDICT_ANS_NUM],
        "answers": answers_json(answers),
        "decision_margin": decision_margin(features, start, end),
        "stable_across_litert_paths": stable,
    })
    return entry


def check_metadata_twin(spec, tokenizer, recorded):
    """The twin must be the same graph: identical logits on every recorded case."""
    twin = ref.LiteRTQuestionAnswerer(os.path.join(ROOT, spec["with_metadata"]), tokenizer)
    for entry in recorded:
        if "ids" not in entry:
            continue
        features = ref.Features(words=[], query_subwords=[], query_subwords_before_truncation=0,
                                context_subwords=[], context_subwords_before_truncation=0, tokens=[],
                                ids=entry["ids"], mask=entry["mask"], segment_ids=entry["segment_ids"])
        start, end = twin.run(features)
        if floats(start) != entry["start_logits"] or floats(end) != entry["end_logits"]:
            raise RuntimeError(f"{spec['with_metadata']} differs from {spec['model']} on {entry['id']}")


def make_goldens():
    from importlib.metadata import version
    import tflite_tools as tt
    teacher = teacher_passage()
    if teacher is None:
        print("warning: ../shared/qa is absent; the teacher_shared cases are left out", file=sys.stderr)
    models = []
    for spec in MODELS:
        tokenizer = ref.BertTokenizer.from_file(os.path.join(ROOT, spec["vocab"]))
        runners = {path: ref.LiteRTQuestionAnswerer(os.path.join(ROOT, spec["model"]), tokenizer, path)
                   for path in ["default"] + OTHER_PATHS}
        recorded = [e for e in (record_case(runners, c, teacher) for c in cases.CASES) if e is not None]
        if "with_metadata" in spec:
            check_metadata_twin(spec, tokenizer, recorded)
        counts = [len(e.get("answers", [])) for e in recorded]
        print(f"{spec['name']}: {len(recorded)} cases, answers per case {counts}, "
              f"unstable across LiteRT paths: {[e['id'] for e in recorded if not e.get('stable_across_litert_paths', True)]}")
        models.append({"name": spec["name"], "model": spec["model"], "vocab": spec["vocab"],
                       **({"with_metadata": spec["with_metadata"]} if "with_metadata" in spec else {}),
                       "seq_len": runners["default"].seq_len, "description": spec["description"],
                       "cases": recorded})
    document = {
        "generator": "Tools/qa_compat/make_goldens.py",
        "reference": "Tools/qa_compat/bert_qa_reference.py",
        "constants": {"max_query_len": ref.MAX_QUERY_LEN, "predict_ans_num": ref.PREDICT_ANS_NUM,
                      "max_ans_len": ref.MAX_ANS_LEN, "output_offset": ref.OUTPUT_OFFSET,
                      "task_library_seq_len": ref.TASK_LIBRARY_SEQ_LEN,
                      "max_bytes_per_token": ref.MAX_BYTES_PER_TOKEN, "unknown_token": ref.UNKNOWN_TOKEN},
        "litert_version": version("ai-edge-litert"),
        "numpy_version": np.__version__,
        "models": models,
    }
    os.makedirs(os.path.dirname(os.path.join(ROOT, GOLDEN)), exist_ok=True)
    tt.write_json(os.path.join(ROOT, GOLDEN), document)
    print(f"wrote {GOLDEN} ({os.path.getsize(os.path.join(ROOT, GOLDEN))} bytes)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--goldens-only", action="store_true", help="keep the committed vocabularies and models")
    parser.add_argument("--tflite-support-python", default="/tmp/tfls-venv/bin/python",
                        help="a Python with tflite-support 0.4.4, for the metadata twin")
    args = parser.parse_args()
    if not args.goldens_only:
        build_fixtures(args.tflite_support_python)
    make_goldens()


if __name__ == "__main__":
    main()
