"""Run a BERT-QA .tflite with LiteRT on the held-out half-A articles and score it (official SQuAD v1.1 rules).

  python3 Tools/qa_model/evaluate_tflite.py Models/glean-qa-minilm-l6.tflite [--predictions OUT.json]

Pre-processing: question (<= 64 tokens) + context windows of 384 tokens, doc stride 128 (qa_data.featurize).
Post-processing (standard BERT/HF style): per window, the 20 best start and 20 best end logits over context
tokens; keep end >= start, length <= 30 tokens, start token in its max-context window; score start + end
logit; the best span over all windows wins; its text is the context between the tokens' character offsets.
"""
import argparse
import json
import os
import time

import numpy as np
from ai_edge_litert.interpreter import Interpreter

import qa_data
import squad_eval

SEQ = 384
N_BEST = 20
MAX_ANSWER_TOKENS = 30


class Reader:
    def __init__(self, model_path, threads):
        self.interpreter = Interpreter(model_path=model_path, num_threads=threads)
        self.interpreter.allocate_tensors()
        inputs = {d["name"]: d["index"] for d in self.interpreter.get_input_details()}
        outputs = {d["name"]: d["index"] for d in self.interpreter.get_output_details()}
        self.ids, self.mask, self.segments = inputs["ids"], inputs["mask"], inputs["segment_ids"]
        self.start, self.end = outputs["start_logits"], outputs["end_logits"]

    def logits(self, window):
        n = len(window.ids)
        ids = np.zeros((1, SEQ), np.int32)
        mask = np.zeros((1, SEQ), np.int32)
        segments = np.zeros((1, SEQ), np.int32)
        ids[0, :n], mask[0, :n], segments[0, :n] = window.ids, 1, window.segments
        self.interpreter.set_tensor(self.ids, ids)
        self.interpreter.set_tensor(self.mask, mask)
        self.interpreter.set_tensor(self.segments, segments)
        self.interpreter.invoke()
        return self.interpreter.get_tensor(self.start)[0], self.interpreter.get_tensor(self.end)[0]


def best_span(context, windows, logits):
    best = None
    for window, (start_logits, end_logits) in zip(windows, logits):
        first = window.context_offset
        last = first + len(window.token_spans) - 1
        starts = np.argsort(start_logits)[::-1][:N_BEST]
        ends = np.argsort(end_logits)[::-1][:N_BEST]
        for s in starts:
            if s < first or s > last or not window.max_context[s - first]:
                continue
            for e in ends:
                if e < s or e > last or e - s + 1 > MAX_ANSWER_TOKENS:
                    continue
                score = float(start_logits[s] + end_logits[e])
                if best is None or score > best[0]:
                    best = (score, window.token_spans[s - first][0], window.token_spans[e - first][1])
    return "" if best is None else context[best[1] : best[2]]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--predictions", help="write {id: answer} here")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions (quick look)")
    args = parser.parse_args()

    reader = Reader(args.model, args.threads)
    tokenizer = qa_data.make_tokenizer()
    articles = qa_data.held_out_articles()
    predictions = {}
    invoke_seconds = 0.0
    windows_run = 0
    for context, question, qa in qa_data.iter_questions(articles):
        windows = qa_data.featurize(tokenizer, context, question, SEQ)
        started = time.perf_counter()
        logits = [reader.logits(w) for w in windows]
        invoke_seconds += time.perf_counter() - started
        windows_run += len(windows)
        predictions[qa["id"]] = best_span(context, windows, logits)
        if args.limit and len(predictions) >= args.limit:
            break
    if args.predictions:
        with open(args.predictions, "w") as f:
            json.dump(predictions, f, indent=0)
    if args.limit:
        kept = set(predictions)
        for article in articles:
            for paragraph in article["paragraphs"]:
                paragraph["qas"] = [qa for qa in paragraph["qas"] if qa["id"] in kept]
    scores = squad_eval.evaluate(articles, predictions)
    print(json.dumps({
        "model": os.path.basename(args.model),
        "bytes": os.path.getsize(args.model),
        "held_out_articles": [a["title"] for a in articles],
        "questions": scores["count"],
        "exact_match": round(scores["exact_match"], 2),
        "f1": round(scores["f1"], 2),
        "windows": windows_run,
        "ms_per_question": round(1000 * invoke_seconds / len(predictions), 1),
        "ms_per_window": round(1000 * invoke_seconds / windows_run, 1),
        "threads": args.threads,
    }))


if __name__ == "__main__":
    main()
