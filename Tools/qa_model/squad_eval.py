"""SQuAD v1.1 exact-match / F1 scorer following the official evaluate-v1.1 rules.

Rules (as published with SQuAD v1.1):
  * normalise an answer: lower-case, drop punctuation (string.punctuation),
    drop the articles a/an/the as whole words, collapse whitespace;
  * EM  = normalised prediction equals a normalised ground truth;
  * F1  = token-level F1 on whitespace tokens of the normalised strings;
  * per question, take the maximum over its ground truths;
  * a question without a prediction scores 0 (and is reported);
  * final scores are the means over all questions of the dataset, times 100.

Usage:
  python3 squad_eval.py DATASET.json PREDICTIONS.json [--articles TITLE ...]
"""
import argparse
import collections
import json
import re
import string
import sys

_PUNCTUATION = set(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")


def normalize_answer(text):
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _PUNCTUATION)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def f1_score(prediction, ground_truth):
    pred_tokens = normalize_answer(prediction).split()
    truth_tokens = normalize_answer(ground_truth).split()
    common = collections.Counter(pred_tokens) & collections.Counter(truth_tokens)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision = same / len(pred_tokens)
    recall = same / len(truth_tokens)
    return 2 * precision * recall / (precision + recall)


def exact_match_score(prediction, ground_truth):
    return normalize_answer(prediction) == normalize_answer(ground_truth)


def evaluate(articles, predictions):
    """Returns {'exact_match', 'f1', 'count', 'missing'} over every question of `articles`."""
    exact = f1 = 0.0
    total = missing = 0
    for article in articles:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                total += 1
                if qa["id"] not in predictions:
                    missing += 1
                    continue
                truths = [a["text"] for a in qa["answers"]]
                pred = predictions[qa["id"]]
                exact += max(exact_match_score(pred, t) for t in truths)
                f1 += max(f1_score(pred, t) for t in truths)
    return {
        "exact_match": 100.0 * exact / total,
        "f1": 100.0 * f1 / total,
        "count": total,
        "missing": missing,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset")
    parser.add_argument("predictions")
    parser.add_argument("--articles", nargs="*", help="score only these article titles")
    args = parser.parse_args()
    with open(args.dataset) as f:
        dataset = json.load(f)
    if dataset.get("version") != "1.1":
        print("warning: dataset version is %r, expected 1.1" % dataset.get("version"), file=sys.stderr)
    articles = dataset["data"]
    if args.articles:
        articles = [a for a in articles if a["title"] in set(args.articles)]
    with open(args.predictions) as f:
        predictions = json.load(f)
    result = evaluate(articles, predictions)
    if result["missing"]:
        print("warning: %d questions have no prediction (scored 0)" % result["missing"], file=sys.stderr)
    print(json.dumps({"exact_match": round(result["exact_match"], 2), "f1": round(result["f1"], 2), "count": result["count"]}))


if __name__ == "__main__":
    main()
