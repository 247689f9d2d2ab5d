#!/usr/bin/env python3
"""Checks the Python reference against the real TFLite Task Library (tflite-support's BertQuestionAnswerer).

    python3 -m venv /tmp/tfls-venv && /tmp/tfls-venv/bin/pip install tflite-support==0.4.4
    python3 Tools/qa_compat/check_task_library.py [--venv-python /tmp/tfls-venv/bin/python] [--fuzz 300]

The Task Library only runs models with S = 384 (it fills the input tensors with
exactly 384 values), so this builds S = 384 twins of the two QA fixtures (same
architecture, seed, boost and vocabulary; only the sequence length and the
position table differ), adds Task Library metadata (input names ids, mask,
segment_ids; outputs end_logits, start_logits; a BertTokenizer process unit with
the vocabulary as associated file) in the tflite-support virtual environment,
answers every golden case with BertQuestionAnswerer there, answers them again
with bert_qa_reference.py on LiteRT, and compares: text, start and end must be
equal, logits within 1e-4 (two different TFLite runtimes). `--fuzz N` adds N
seeded random cases: words from the vocabulary and random character soup
(ASCII, every ASCII control and whitespace character, no-break and ideographic
spaces, accents, combining marks, CJK, kana, emoji, Unicode punctuation and
symbols, over-long words), random runs of spaces, questions up to ~90 words. Nothing is committed;
the work files go to /tmp/qa_task_library_check. tflite-support pins numpy and
protobuf versions that may not suit the main environment, hence the venv.
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

WORK = "/tmp/qa_task_library_check"

FUZZ_CHARACTERS = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                   "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
                   "\t\n\r\x0b\x0c\x01\x07\x1f\x7f\u00a0\u3000\u2003\u200b"
                   "éÉèçÇñÑüÜößẞİıŁłøØåæœ\u0301\u0300\u0308"
                   "中文日本語東京字“”‘’«»—–…¿¡。、「」·•€£¥©®°±×÷√∞"
                   "ЖжМосквαβγΣσשלוםمرحبا의한국어ひらがなカタカナ🙂🎉🍕👍🏽🇫🇷")


def fuzz_cases(count, vocab):
    """Seeded random (context, question) pairs that stress the tokenizer and the post-processing."""
    import random
    rng = random.Random(4242)
    words = [w for w in vocab if not w.startswith("[") and not w.startswith("##")]

    def word():
        kind = rng.random()
        if kind < 0.55:
            return rng.choice(words) if rng.random() < 0.7 else rng.choice(words).upper()
        if kind < 0.95:
            return "".join(rng.choice(FUZZ_CHARACTERS) for _ in range(rng.randint(1, 8)))
        return rng.choice(words) * rng.randint(10, 40)  # often over 100 bytes

    def text(low, high):
        return "".join(word() + " " * rng.choice([1, 1, 1, 2, 3]) for _ in range(rng.randint(low, high)))

    return [{"id": f"fuzz_{i:04d}", "context": (" " * rng.randint(0, 2)) + text(0, 160),
             "question": text(0, 90 if rng.random() < 0.2 else 12)} for i in range(count)]
TASK_LIBRARY_SCRIPT = r'''
import json, sys
sys.path.insert(0, sys.argv[3])
from add_metadata import with_metadata
from tflite_support.task import text

plan = json.load(open(sys.argv[1]))
results = {}
for model in plan["models"]:
    open(model["with_metadata"], "wb").write(with_metadata(open(model["plain"], "rb").read(), model["vocab"]))
    answerer = text.BertQuestionAnswerer.create_from_file(model["with_metadata"])
    answers = {}
    for case in plan["cases"]:
        result = answerer.answer(case["context"], case["question"])
        answers[case["id"]] = [{"text": a.text, "start": a.pos.start, "end": a.pos.end, "logit": a.pos.logit}
                               for a in result.answers]
    results[model["name"]] = answers
json.dump(results, open(sys.argv[2], "w"))
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--venv-python", default="/tmp/tfls-venv/bin/python")
    parser.add_argument("--fuzz", type=int, default=0, help="random cases to add")
    args = parser.parse_args()

    import bert_qa_reference as ref
    import cases
    import make_goldens
    import qa_fixtures

    os.makedirs(WORK, exist_ok=True)
    teacher = make_goldens.teacher_passage()
    plan_cases = []
    for case_id, context, question, _ in cases.CASES:
        if context is None:
            if teacher is None:
                continue
            context = teacher
        plan_cases.append({"id": case_id, "context": context, "question": question})
    vocab_1000 = ref.load_vocab(os.path.join(qa_fixtures.ROOT, make_goldens.MODELS[0]["vocab"]))
    plan_cases += fuzz_cases(args.fuzz, vocab_1000)

    plan_models, reference = [], {}
    for spec in make_goldens.MODELS:
        name = spec["name"]
        twin = dict(qa_fixtures.QA_MODELS[name])
        twin["config"] = dict(twin["config"], sequence=384, max_positions=384)
        qa_fixtures.QA_MODELS[name + "_s384"] = twin
        plain = os.path.join(WORK, f"{name}_s384.tflite")
        with open(plain, "wb") as handle:
            handle.write(qa_fixtures.build_qa_model(name + "_s384"))
        vocab = os.path.join(qa_fixtures.ROOT, spec["vocab"])
        plan_models.append({"name": name, "plain": plain, "vocab": vocab,
                            "with_metadata": os.path.join(WORK, f"{name}_s384_with_metadata.tflite")})
        answerer = ref.LiteRTQuestionAnswerer(plain, ref.BertTokenizer.from_file(vocab))
        reference[name] = {c["id"]: [{"text": a.text, "start": a.start, "end": a.end, "logit": float(a.logit)}
                                     for a in answerer.answer(c["context"], c["question"])] for c in plan_cases}

    plan_path, result_path = os.path.join(WORK, "plan.json"), os.path.join(WORK, "task_library.json")
    json.dump({"models": plan_models, "cases": plan_cases}, open(plan_path, "w"))
    script_path = os.path.join(WORK, "run_task_library.py")
    open(script_path, "w").write(TASK_LIBRARY_SCRIPT)
    subprocess.run([args.venv_python, script_path, plan_path, result_path, HERE], check=True)
    task_library = json.load(open(result_path))

    failures, compared, worst = 0, 0, 0.0
    for name in reference:
        for case_id, expected in reference[name].items():
            actual = task_library[name][case_id]
            compared += 1
            same = [(a["text"], a["start"], a["end"]) for a in actual] == [(e["text"], e["start"], e["end"])
                                                                          for e in expected]
            gaps = [abs(a["logit"] - e["logit"]) for a, e in zip(actual, expected)]
            worst = max([worst] + gaps)
            if not same or any(g > 1e-4 for g in gaps):
                failures += 1
                print(f"MISMATCH {name} {case_id}\n  task library: {actual}\n  reference:    {expected}")
    histogram = {n: [sum(1 for v in reference[n].values() if len(v) == k) for k in range(6)] for n in reference}
    print(f"{compared} (model, case) pairs compared, {failures} mismatches; largest logit difference {worst:.3g}; "
          f"cases with 0..5 answers: {histogram}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
