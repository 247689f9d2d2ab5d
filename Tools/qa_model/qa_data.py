"""Data loading, the held-out split and window featurisation shared by training, export and evaluation.

Tokenisation is the one Glean uses at inference: HF `tokenizers` BertWordPieceTokenizer(lowercase=True)
over the BERT uncased vocabulary (Glean's Swift tokenizer reproduces it in its `hf` mode).

Windows follow the original BERT / TFLite BERT QA layout:
  [CLS] question (at most 64 tokens) [SEP] context window [SEP] [PAD]...
  segment ids 0 for [CLS] question [SEP], 1 for the context window and its [SEP];
  successive windows start `doc_stride` (128) context tokens apart; the last one reaches the end.
"""
import gzip
import json
import os

from tokenizers import BertWordPieceTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("GLEAN_SHARED", os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared")))
VOCAB = os.path.join(SHARED, "vocab", "bert-base-uncased-vocab.txt")
HALF_A = os.path.join(SHARED, "qa", "squad-v1.1-dev-half-a.json")
TRAIN_DIR = os.path.join(SHARED, "qa", "train")

MAX_QUERY_TOKENS = 64
DOC_STRIDE = 128
CLS_ID, SEP_ID, PAD_ID = 101, 102, 0



def is_held_out(article_index):
    """The fixed held-out rule: articles 3, 7, 11, 15, 19, 23 (0-based, file order) of half A."""
    return article_index % 4 == 3


def load_half_a():
    with open(HALF_A) as f:
        return json.load(f)["data"]


def held_out_articles():
    return [a for i, a in enumerate(load_half_a()) if is_held_out(i)]


def half_a_training_articles():
    return [a for i, a in enumerate(load_half_a()) if not is_held_out(i)]


def load_train_set(name):
    with gzip.open(os.path.join(TRAIN_DIR, name), "rt") as f:
        return json.load(f)["data"]


def make_tokenizer():
    return BertWordPieceTokenizer(VOCAB, lowercase=True)


def iter_questions(articles):
    """Yields (context, question, qa) for every question."""
    for article in articles:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                yield paragraph["context"], qa["question"], qa


def context_windows(n_context_tokens, max_context_tokens, doc_stride=DOC_STRIDE):
    """(start, length) of each window over the context tokens, original BERT rule."""
    windows = []
    start = 0
    while True:
        length = min(n_context_tokens - start, max_context_tokens)
        windows.append((start, length))
        if start + length >= n_context_tokens:
            break
        start += min(length, doc_stride)
    return windows


def max_context_flags(windows):
    """For each window, a list saying whether each of its tokens has its maximum context there."""
    flags = []
    for index, (start, length) in enumerate(windows):
        row = []
        for position in range(start, start + length):
            best_score, best_window = None, None
            for other, (o_start, o_length) in enumerate(windows):
                if o_start <= position < o_start + o_length:
                    score = min(position - o_start, o_start + o_length - 1 - position) + 0.01 * o_length
                    if best_score is None or score > best_score:
                        best_score, best_window = score, other
            row.append(best_window == index)
        flags.append(row)
    return flags


class Window:
    """One model input: ids/segments plus the map from context tokens back to characters."""

    __slots__ = ("ids", "segments", "context_offset", "token_spans", "max_context", "start", "end")

    def __init__(self, ids, segments, context_offset, token_spans, max_context, start, end):
        self.ids = ids
        self.segments = segments
        self.context_offset = context_offset  # index in ids of the first context token
        self.token_spans = token_spans  # (char_start, char_end) of each context token of this window
        self.max_context = max_context
        self.start = start  # label: token index in ids (0 = [CLS])
        self.end = end


def featurize(tokenizer, context, question, max_length, answer=None, context_encoding=None, with_max_context=True):
    """Windows of one question. `answer` = (char_start, text) labels the span; None for inference."""
    question_ids = tokenizer.encode(question, add_special_tokens=False).ids[:MAX_QUERY_TOKENS]
    encoding = context_encoding or tokenizer.encode(context, add_special_tokens=False)
    context_ids = encoding.ids
    offsets = encoding.offsets
    max_context_tokens = max_length - len(question_ids) - 3
    windows = context_windows(len(context_ids), max_context_tokens)
    flags = max_context_flags(windows) if with_max_context else [None] * len(windows)

    answer_tokens = None
    if answer is not None:
        char_start, text = answer
        char_end = char_start + len(text)
        first = last = None
        for i, (s, e) in enumerate(offsets):
            if e > char_start and s < char_end:
                if first is None:
                    first = i
                last = i
        if first is not None:
            answer_tokens = (first, last)

    out = []
    prefix = [CLS_ID] + question_ids + [SEP_ID]
    for (start, length), row in zip(windows, flags):
        ids = prefix + context_ids[start : start + length] + [SEP_ID]
        segments = [0] * len(prefix) + [1] * (length + 1)
        label_start = label_end = 0
        if answer_tokens is not None:
            first, last = answer_tokens
            if first >= start and last < start + length:
                label_start = first - start + len(prefix)
                label_end = last - start + len(prefix)
        out.append(Window(ids, segments, len(prefix), offsets[start : start + length], row, label_start, label_end))
    return out
