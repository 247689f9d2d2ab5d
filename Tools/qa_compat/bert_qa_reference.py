"""A Python re-implementation of the TFLite Task Library's BertQuestionAnswerer.

Written from the behaviour of tensorflow/tflite-support
(`cc/task/text/bert_question_answerer.cc`, `cc/text/tokenizers/bert_tokenizer.cc`)
and the tensorflow_text kernels it calls (`regex_split.cc`,
`wordpiece_tokenizer.cc`); no code was copied. It is the oracle for Glean's
`--compat tflite` question-answering mode and runs models with LiteRT.

One deliberate difference: the Task Library hard-codes a sequence length of
384 (`kMaxSeqLen`); here it is a parameter, taken from the model's input shape,
so that small test models work. Every other constant is the Task Library's.

    from bert_qa_reference import BertTokenizer, LiteRTQuestionAnswerer
    qa = LiteRTQuestionAnswerer("Models/test/qa/qa_bert_s128_float.tflite",
                                BertTokenizer.from_file("Models/test/qa/vocab-1000.txt"))
    for answer in qa.answer(context, question):   # or: python3 bert_qa_reference.py MODEL VOCAB CONTEXT QUESTION
        print(answer.text, answer.start, answer.end, answer.logit)
"""
from dataclasses import dataclass, field
import unicodedata

import numpy as np

# The Task Library's constants (bert_question_answerer.h).
MAX_QUERY_LEN = 64        # query subwords kept
TASK_LIBRARY_SEQ_LEN = 384  # kMaxSeqLen; a parameter here
PREDICT_ANS_NUM = 5       # top start and end indices tried, and answers returned
MAX_ANS_LEN = 32          # longest answer, in subword positions (end - start + 1)
OUTPUT_OFFSET = 1         # kOutputOffset: compensates token_to_orig_map's keys being position + 1

# BertTokenizer defaults (bert_tokenizer.h).
MAX_BYTES_PER_TOKEN = 100
MAX_CHARS_PER_SUBTOKEN = 100
SUFFIX_INDICATOR = "##"
UNKNOWN_TOKEN = "[UNK]"


# MARK: Vocabulary

def load_vocab(path):
    """The vocabulary as the Task Library reads it: lines split on '\\n', empty lines skipped, nothing stripped.

    Ids are positions among the non-empty lines; a '\\r' before the '\\n' stays in
    the token. When a token repeats, the last occurrence's id wins (a hash map
    filled in order).
    """
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8")
    return [line for line in text.split("\n") if line]


# MARK: Tokenizer

# RE2's \s is ASCII-only: [\t\n\f\r ] (no \v, no U+00A0, no U+2000 spaces).
RE2_SPACE = frozenset("\t\n\f\r ")

CJK_RANGES = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F),
              (0x2B740, 0x2B81F), (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]


def is_kept_delimiter(char):
    """A character that becomes a token of its own: ASCII punctuation and symbols, Unicode P*, CJK ideographs.

    The four ASCII ranges [!-/] [:-@] [[-`] [{-~] are every printable ASCII
    character that is not a letter or digit (so $ + < = > ^ ` | ~ too); beyond
    ASCII only general category P* counts (not S*: emoji, currency, math signs
    stay inside words).
    """
    code = ord(char)
    if 0x21 <= code <= 0x2F or 0x3A <= code <= 0x40 or 0x5B <= code <= 0x60 or 0x7B <= code <= 0x7E:
        return True
    if unicodedata.category(char).startswith("P"):
        return True
    return any(low <= code <= high for low, high in CJK_RANGES)


def pre_tokenize(text):
    """RegexSplit with the BertTokenizer's default delimiters: runs of RE2 whitespace are dropped,
    each kept delimiter is a token, and the text between them forms the other tokens."""
    tokens, current = [], []
    for char in text:
        if char in RE2_SPACE:
            if current:
                tokens.append("".join(current))
                current = []
        elif is_kept_delimiter(char):
            if current:
                tokens.append("".join(current))
                current = []
            tokens.append(char)
        else:
            current.append(char)
    if current:
        tokens.append("".join(current))
    return tokens


class BertTokenizer:
    """The Task Library's BertTokenizer: pre_tokenize, then greedy longest-match-first WordPiece per token.

    No lower-casing (the question answerer ASCII-lower-cases its input itself),
    no accent stripping, no Unicode normalisation, no control-character removal.
    """

    def __init__(self, vocab):
        self.vocab = list(vocab)
        self.ids = {}
        for index, token in enumerate(self.vocab):
            self.ids[token] = index  # a repeated token keeps its last id

    @classmethod
    def from_file(cls, path):
        return cls(load_vocab(path))

    def lookup_id(self, token):
        """The token's id, or None (the C++ LookupId returns false and leaves its output untouched)."""
        return self.ids.get(token)

    def wordpiece(self, token):
        """Subwords of one pre-token: [UNK] when it is over 100 UTF-8 bytes or when any part finds no match."""
        if len(token.encode("utf-8")) > MAX_BYTES_PER_TOKEN:
            return [UNKNOWN_TOKEN]
        pieces = []
        start = 0
        while start < len(token):
            end = min(len(token), start + MAX_CHARS_PER_SUBTOKEN)
            while end > start:
                candidate = token[start:end]
                if start > 0:
                    candidate = SUFFIX_INDICATOR + candidate
                if candidate in self.ids:
                    break
                end -= 1
            if end == start:
                return [UNKNOWN_TOKEN]  # the whole token, not just the unmatched part
            pieces.append(candidate)
            start = end
        return pieces

    def tokenize(self, text):
        return [piece for token in pre_tokenize(text) for piece in self.wordpiece(token)]


def ascii_lower(text):
    """absl::AsciiStrToLower: A-Z only; every other character (É, Ж, ...) is unchanged."""
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def split_context(context):
    """absl::StrSplit(context, ByChar(' '), SkipEmpty()): only U+0020 separates words; tabs and newlines stay inside."""
    return [word for word in context.split(" ") if word]


# MARK: Preprocessing

@dataclass
class Features:
    """What Preprocess builds: the model inputs and the map from sequence positions back to context words."""
    words: list                 # the context's words, original case (orig_tokens_)
    query_subwords: list        # after truncation to MAX_QUERY_LEN
    query_subwords_before_truncation: int
    context_subwords: list      # after truncation to seq_len - len(query) - 3
    context_subwords_before_truncation: int
    tokens: list                # [CLS] query [SEP] context [SEP]
    ids: list                   # padded with 0 to seq_len
    mask: list
    segment_ids: list
    position_to_word: dict = field(default_factory=dict)  # sequence position -> word index (context positions only)


def preprocess(tokenizer, context, question, seq_len):
    """Builds the three int32 [seq_len] inputs as BertQuestionAnswerer::Preprocess does.

    Raises ValueError when the truncated query leaves no room for [CLS] and two
    [SEP] (len(query) + 3 > seq_len): with its fixed 384 the Task Library never
    gets there (64 + 3 < 384); with a smaller model its int arithmetic would go
    negative, so there is no behaviour to reproduce.
    """
    words = split_context(context)
    query_subwords = tokenizer.tokenize(ascii_lower(question))
    query_before = len(query_subwords)
    query_subwords = query_subwords[:MAX_QUERY_LEN]
    if len(query_subwords) + 3 > seq_len:
        raise ValueError(f"query of {len(query_subwords)} subwords does not fit a sequence of {seq_len}")

    context_subwords, subword_to_word = [], []
    for index, word in enumerate(words):
        for piece in tokenizer.tokenize(ascii_lower(word)):
            context_subwords.append(piece)
            subword_to_word.append(index)
    context_before = len(context_subwords)
    max_context_len = seq_len - len(query_subwords) - 3
    context_subwords = context_subwords[:max_context_len]

    tokens = ["[CLS]"] + query_subwords + ["[SEP]"]
    segment_ids = [0] * len(tokens)
    position_to_word = {}
    for i, piece in enumerate(context_subwords):
        position_to_word[len(tokens)] = subword_to_word[i]  # C++ keys this by len(tokens) after the push: position + 1
        tokens.append(piece)
        segment_ids.append(1)
    tokens.append("[SEP]")
    segment_ids.append(1)

    ids = []
    for token in tokens:
        found = tokenizer.lookup_id(token)
        ids.append(0 if found is None else found)  # the vector was zero-initialised before LookupId
    mask = [1] * len(tokens)
    padding = seq_len - len(tokens)
    return Features(words=words, query_subwords=query_subwords, query_subwords_before_truncation=query_before,
                    context_subwords=context_subwords, context_subwords_before_truncation=context_before,
                    tokens=tokens, ids=ids + [0] * padding, mask=mask + [0] * padding,
                    segment_ids=segment_ids + [0] * padding, position_to_word=position_to_word)


# MARK: Postprocessing

@dataclass
class Answer:
    text: str
    start: int          # sequence position of the first subword (QaAnswer::Pos::start)
    end: int            # sequence position of the last subword, inclusive
    logit: np.float32   # start_logits[start] + end_logits[end], added in float32
    word_start: int     # index of the first context word (derived; not in QaAnswer)
    word_end: int       # index of the last context word, inclusive


def reverse_sort_indices(values):
    """ReverseSortIndices: indices by value descending; std::stable_sort, so equal values keep index order."""
    return sorted(range(len(values)), key=lambda i: -float(values[i]))


def candidates(features, start_logits, end_logits):
    """The (start, end, logit) pairs Postprocess keeps from the top-5 x top-5 grid, in grid order."""
    start_logits = np.asarray(start_logits, dtype=np.float32)
    end_logits = np.asarray(end_logits, dtype=np.float32)
    start_order = reverse_sort_indices(start_logits)[:PREDICT_ANS_NUM]
    end_order = reverse_sort_indices(end_logits)[:PREDICT_ANS_NUM]
    # token_to_orig_map_ holds position + 1 for every context position and the
    # lookup adds kOutputOffset = 1, so "contains(start + 1)" means "start is a context position".
    keys = {position + 1 for position in features.position_to_word}
    kept = []
    for start in start_order:
        for end in end_order:
            if start + OUTPUT_OFFSET not in keys or end + OUTPUT_OFFSET not in keys:
                continue
            if end < start or end - start + 1 > MAX_ANS_LEN:
                continue
            kept.append((start, end, np.float32(start_logits[start] + end_logits[end])))
    return kept


def postprocess(features, start_logits, end_logits):
    """BertQuestionAnswerer::Postprocess: at most 5 answers, best logit first.

    The C++ orders the kept pairs with std::sort on logit (descending), which
    leaves equal logits in an unspecified order; here equal logits keep grid
    order (start rank, then end rank). `ties(...)` tells whether a result
    depends on that.
    """
    kept = sorted(candidates(features, start_logits, end_logits), key=lambda c: -float(c[2]))
    answers = []
    for start, end, logit in kept[:PREDICT_ANS_NUM]:
        word_start = features.position_to_word[start]
        word_end = features.position_to_word[end]
        # start 0 ([CLS]) gives "" in the C++, but position 0 is never a context position, so it cannot occur.
        text = " ".join(features.words[word_start: word_end + 1]) if start > 0 else ""
        answers.append(Answer(text, start, end, logit, word_start, word_end))
    return answers


def ties(features, start_logits, end_logits):
    """True when two kept pairs have the same logit and the answers' order would depend on std::sort."""
    logits = [float(c[2]) for c in candidates(features, start_logits, end_logits)]
    return len(logits) != len(set(logits))


# MARK: Running a model

class LiteRTQuestionAnswerer:
    """Preprocess, LiteRT, Postprocess: the Task Library pipeline with the sequence length read from the model.

    Tensors are taken by position, as the Task Library does for a model without
    metadata: inputs ids, mask, segment_ids; outputs end_logits, start_logits.
    The names are checked too, so a model with another order fails loudly.
    """

    def __init__(self, model_path, tokenizer, resolver="default"):
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
        resolvers = {"default": OpResolverType.AUTO,
                     "builtin_without_xnnpack": OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
                     "builtin_reference": OpResolverType.BUILTIN_REF}
        self.interpreter = Interpreter(model_path=model_path, num_threads=1,
                                       experimental_op_resolver_type=resolvers[resolver])
        self.interpreter.allocate_tensors()
        self.tokenizer = tokenizer
        inputs = self.interpreter.get_input_details()
        outputs = self.interpreter.get_output_details()
        if [d["name"] for d in inputs] != ["ids", "mask", "segment_ids"]:
            raise ValueError(f"inputs must be ids, mask, segment_ids in that order; got {[d['name'] for d in inputs]}")
        if [d["name"] for d in outputs] != ["end_logits", "start_logits"]:
            raise ValueError(f"outputs must be end_logits, start_logits; got {[d['name'] for d in outputs]}")
        self.inputs, self.outputs = inputs, outputs
        self.seq_len = int(inputs[0]["shape"][1])

    def run(self, features):
        """(start_logits, end_logits) as float32 [seq_len] arrays."""
        for detail, values in zip(self.inputs, (features.ids, features.mask, features.segment_ids)):
            self.interpreter.set_tensor(detail["index"], np.asarray([values], dtype=np.int32))
        self.interpreter.invoke()
        end = self.interpreter.get_tensor(self.outputs[0]["index"]).reshape(-1).copy()
        start = self.interpreter.get_tensor(self.outputs[1]["index"]).reshape(-1).copy()
        return start, end

    def answer(self, context, question):
        features = preprocess(self.tokenizer, context, question, self.seq_len)
        start, end = self.run(features)
        return postprocess(features, start, end)


def main():
    import argparse
    parser = argparse.ArgumentParser(description="Answer one question as the Task Library's BertQuestionAnswerer would.")
    parser.add_argument("model")
    parser.add_argument("vocab")
    parser.add_argument("context")
    parser.add_argument("question")
    parser.add_argument("--show-inputs", action="store_true", help="print the tokens and ids fed to the model")
    args = parser.parse_args()
    answerer = LiteRTQuestionAnswerer(args.model, BertTokenizer.from_file(args.vocab))
    if args.show_inputs:
        features = preprocess(answerer.tokenizer, args.context, args.question, answerer.seq_len)
        print("tokens:", features.tokens)
        print("ids:   ", features.ids[: len(features.tokens)])
    for answer in answerer.answer(args.context, args.question):
        print(f"{float(answer.logit)!r:>22}  [{answer.start}, {answer.end}]  {answer.text!r}")


if __name__ == "__main__":
    main()
