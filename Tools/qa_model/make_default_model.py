#!/usr/bin/env python3
"""Builds the default QA model from scratch in one command: every training phase, the export, the checks.

    nohup nice -n 19 python3 Tools/qa_model/make_default_model.py > Tools/out/make_default_model.log 2>&1 &

Runs, from the repository root, in order:
  1. the training phases of PHASES (each one `train.py` run in its own Tools/out/ folder, starting from the
     previous phase's weights; a phase whose final_model.pt exists is skipped, and an interrupted phase
     resumes from its checkpoint, so re-running this command continues where it stopped);
  2. `export.py` on the last phase (float and dynamic-range int8 .tflite with metadata and vocabulary);
  3. `evaluate_tflite.py` on both files (held-out articles of SQuAD dev half A, LiteRT) and
     `check_model.py` (contract, metadata, int8 against float);
  4. with --install, copies the int8 model to Models/glean-qa-minilm-l6.tflite.

Compute: about 3 hours of a 2-core CPU in all (phase 4 alone ~90 minutes); `--threads` as in train.py.
Seeded throughout; PyTorch CPU kernels are not bit-reproducible across machines, so a rebuilt model scores
close to, not exactly, the published figures (Models/README.md).
"""
import argparse
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# (output folder under --out, train.py arguments). Each phase after the first starts from the previous
# phase's final weights. Phases 1-2: one epoch over the v1 mix (SQuAD half-A training articles, the SQuAD
# train prefix, COVID-QA, FairytaleQA); phase 3: the start of a second epoch at a lower rate; phase 4: the
# v2 mix, which adds SQuAD-Shifts (New Wikipedia, half of Reddit).
PHASES = [
    ("qa", ["--steps", "340", "--lr", "1e-4"]),
    ("qa-phase2", ["--first-batch", "340", "--steps", "440", "--lr", "5e-5"]),
    ("qa-phase3", ["--first-batch", "782", "--steps", "400", "--lr", "3e-5"]),
    ("qa-phase4", ["--mix", "v2", "--steps", "1300", "--lr", "5e-5"]),
]


def run(command):
    print("$ " + " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join("Tools", "out"), help="folder for the phases' outputs")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--install", action="store_true", help="copy the int8 model to Models/ at the end")
    args = parser.parse_args()

    previous = None
    for folder, phase_args in PHASES:
        out = os.path.join(args.out, folder)
        final = os.path.join(out, "final_model.pt")
        if os.path.exists(final):
            print(f"phase {folder}: done already ({final})", flush=True)
        else:
            command = [sys.executable, os.path.join(HERE, "train.py"), "--out", out, "--threads", str(args.threads)] + phase_args
            if previous:
                command += ["--init-from", previous]
            run(command)
        previous = final

    last = os.path.join(args.out, PHASES[-1][0])
    run([sys.executable, os.path.join(HERE, "export.py"), "--checkpoint", previous, "--out", last])
    int8 = os.path.join(last, "glean-qa-minilm-l6-int8.tflite")
    float32 = os.path.join(last, "glean-qa-minilm-l6-float.tflite")
    for model, name in ((int8, "int8"), (float32, "float")):
        run([sys.executable, os.path.join(HERE, "evaluate_tflite.py"), model, "--threads", str(args.threads),
             "--predictions", os.path.join(last, f"pred-{name}.json")])
    run([sys.executable, os.path.join(HERE, "check_model.py"), int8, "--compare", float32])
    if args.install:
        target = os.path.join(ROOT, "Models", "glean-qa-minilm-l6.tflite")
        shutil.copyfile(int8, target)
        print(f"installed {target}", flush=True)


if __name__ == "__main__":
    main()
