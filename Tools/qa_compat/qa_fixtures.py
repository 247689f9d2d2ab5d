"""The question-answering test fixtures: two small WordPiece vocabularies and one dedicated QA models.

- `Models/test/qa/vocab-1000.txt`, `vocab-2000.txt`: composed here, deterministically
  (no training): the five special tokens, single characters, '##' continuations,
  a few suffixes, then whole words by frequency in `Corpora/tokenizer/corpus.txt`
  (and, for vocab-2000 only, the words of the golden contexts). Every id is
  below the size in the name, so the vocabularies fit the encoders' embedding tables.
- `Models/test/qa/qa_bert_s128_float.tflite` and `qa_mobilebert_s64_float.tflite`:
  the BERT and MobileBERT architectures of `Tools/models/architectures.py` (see
  QA_MODELS), float32, seeded random weights, with one addition: both logits get
  a constant boost on segment-1 positions (the context and its final [SEP]), so
  that answers land in the context often enough to exercise the post-processing.
  Without it a random encoder's top-5 positions are mostly query or padding
  (with `mobilebert_tiny_float`, 31 of 32 golden cases had no answer).
"""
import collections
import os
import re
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "Tools", "models"))

SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
ASCII_CHARACTERS = [chr(c) for c in range(0x21, 0x7F) if not ("A" <= chr(c) <= "Z")]  # lower-cased input
EXTRA_CHARACTERS = list("éèêëïîçñáàâüöäóúøåœæ中文日本語東京の。、「」“”‘’—–…«»¿¡€£°±×·")
CONTINUATION_CHARACTERS = list("abcdefghijklmnopqrstuvwxyz0123456789") + list("éèëïçñáüöóú")
SUFFIXES = ["s", "es", "ed", "ing", "er", "ers", "ly", "est", "ion", "tion", "al", "ment", "ness", "ful", "less",
            "able", "ous", "ive", "ize", "ise", "house", "light", "land", "man", "ty", "ity", "ism", "ist"]
LONGEST_VOCAB_WORD = 12  # longer words are left to WordPiece pieces

# The dedicated QA models: name -> architecture, configuration, seed, boost on segment-1 logits.
QA_MODELS = {
    "qa_bert_s128_float": dict(architecture="bert", seed=128, boost=1.5, config=dict(
        vocab=1000, hidden=32, heads=2, intermediate=64, layers=2, sequence=128, max_positions=128)),
    "qa_mobilebert_s64_float": dict(architecture="mobilebert", seed=64, boost=0.5, config=dict(
        vocab=2000, embedding=16, hidden=64, bottleneck=16, heads=2, intermediate=64, feed_forwards=2, layers=2,
        sequence=64, max_positions=64)),
}

def corpus_words():
    text = open(os.path.join(ROOT, "Corpora", "tokenizer", "corpus.txt"), encoding="utf-8").read()
    return collections.Counter(re.findall(r"[a-z]+", text.lower()))


def compose_vocab(size, extra_words=()):
    """A vocabulary of exactly `size` tokens: fixed head, then extra words, then corpus words by frequency."""
    vocab, seen = [], set()

    def add(token):
        if token not in seen:
            seen.add(token)
            vocab.append(token)

    for token in SPECIAL_TOKENS + ASCII_CHARACTERS + EXTRA_CHARACTERS:
        add(token)
    for char in CONTINUATION_CHARACTERS:
        add("##" + char)
    for suffix in SUFFIXES:
        add("##" + suffix)
    for word in extra_words:
        if len(word) <= LONGEST_VOCAB_WORD:
            add(word)
    counts = corpus_words()
    for word, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if len(vocab) >= size:
            break
        if len(word) <= LONGEST_VOCAB_WORD:
            add(word)
    if len(vocab) < size:
        raise RuntimeError(f"only {len(vocab)} tokens for a vocabulary of {size}")
    return vocab[:size]


def write_vocab(path, vocab):
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write("\n".join(vocab) + "\n")


def build_qa_model(name):
    """One dedicated model as .tflite bytes (float32; inputs ids, mask, segment_ids; outputs end_logits, start_logits)."""
    import tensorflow as tf
    import architectures
    import tflite_tools as tt

    spec = QA_MODELS[name]
    if spec["architecture"] == "bert":
        config = architectures.BertConfig(**spec["config"])
        encoder, _ = architectures.bert(config, spec["seed"])
    else:
        config = architectures.MobileBertConfig(**spec["config"])
        encoder, _ = architectures.mobilebert(config, spec["seed"])

    @tf.function(input_signature=architectures.qa_signature(config.sequence))
    def model(ids, mask, segment_ids):
        logits = encoder(ids, mask, segment_ids)
        boost = tf.cast(segment_ids, tf.float32) * spec["boost"]
        return {output: value + boost for output, value in logits.items()}

    return tt.convert(model, "float")
