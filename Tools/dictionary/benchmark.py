#!/usr/bin/env python3
"""Benchmarks Glean's dictionary lookup against the reference tools, on the same words, in one run.

Not a test: it needs a release build and the FreeDict dictionaries, and prints figures.

  swift build -c release --static-swift-stdlib --product glean
  python3 Tools/dictionary/benchmark.py [--glean .build/release/glean] [--words 1000]

What it measures, for FreeDict fra-eng (small) and deu-eng (the largest, 519,000 entries):
  * warm lookup, median per word:
      - Glean: `glean dict bench` (hidden): a library-level timing loop, exact lookup with definition text,
        after one warm-up pass over the same words;
      - dictd: `DEFINE` round trips on one open connection to a local dictd on 127.0.0.1 (after a warm-up);
      - sdcv / glean define / dict: one process given many words, minus one process given one word,
        divided by the extra words (per-word cost inside a warm process).
  * cold `define`, median over processes (process start to exit): `glean define`, `sdcv`, `dict`.
  * gloss of a 10,000-word German text (FreeDict deu-eng's own example sentences) and a French one.
sdcv reads StarDict, so the script converts each FreeDict dictd dictionary to StarDict (.ifo/.idx/.dict,
sametypesequence=m, entries sorted as StarDict sorts them) in a temporary folder. dictd runs on loopback only.
Its DEFINE round trips include the 40 ms that TCP delayed acknowledgement adds to dictd's several small
writes per answer; that is how dictd and `dict` behave on loopback, so it is reported as measured.
"""
import argparse
import gzip
import os
import random
import resource
import re
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
DICTD_DIR = "/usr/share/dictd"


def b64(text):
    value = 0
    for c in text:
        value = value * 64 + B64.index(c)
    return value


def read_dictd(name):
    data = gzip.open(os.path.join(DICTD_DIR, name + ".dict.dz")).read()
    entries = []
    for line in open(os.path.join(DICTD_DIR, name + ".index"), encoding="utf-8"):
        fields = line.rstrip("\n").split("\t")
        if len(fields) >= 3 and fields[0].strip() and not fields[0].startswith("00"):
            entries.append((fields[0], b64(fields[1]), b64(fields[2])))
    return data, entries


def to_stardict(name, folder):
    """Writes FreeDict `name` as StarDict into folder/name/ for sdcv; returns its bookname."""
    data, entries = read_dictd(name)
    target = os.path.join(folder, name)
    os.makedirs(target, exist_ok=True)
    entries.sort(key=lambda e: (e[0].encode().lower(), e[0].encode()))
    out, idx = bytearray(), bytearray()
    for word, offset, size in entries:
        idx += word.encode() + b"\0" + struct.pack(">II", len(out), size)
        out += data[offset:offset + size]
    with open(os.path.join(target, name + ".dict"), "wb") as f:
        f.write(out)
    with open(os.path.join(target, name + ".idx"), "wb") as f:
        f.write(idx)
    with open(os.path.join(target, name + ".ifo"), "w") as f:
        f.write(f"StarDict's dict ifo file\nversion=2.4.2\nbookname={name}\nwordcount={len(entries)}\n"
                f"idxfilesize={len(idx)}\nsametypesequence=m\n")
    return name


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def median_ms(commands, env=None):
    """Median wall time and median CPU time (user + system) of the processes, in ms.

    On a loaded machine the wall time includes waiting for a core; the CPU time does not."""
    times, cpu = [], []
    for command in commands:
        start, start_cpu = time.perf_counter(), cpu_seconds()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((cpu_seconds() - start_cpu) * 1000)
    return f"{statistics.median(times):.1f} ms (CPU {statistics.median(cpu):.1f} ms)"


def per_word_us(command_for, words, env=None, repeats=3):
    """(time of one process with all words - time with one word) / (extra words), best of `repeats`."""
    def run(ws):
        best = None
        for _ in range(repeats):
            start = time.perf_counter()
            subprocess.run(command_for(ws), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        return best
    return (run(words) - run(words[:1])) / (len(words) - 1) * 1e6


class Dictd:
    def __init__(self, names, work):
        conf = os.path.join(work, "dictd.conf")
        with open(conf, "w") as f:
            f.write("global {\n listen_to 127.0.0.1\n}\naccess {\n allow 127.0.0.1\n}\n")
            for name in names:
                f.write(f'database {name} {{\n data "{DICTD_DIR}/{name}.dict.dz"\n index "{DICTD_DIR}/{name}.index"\n}}\n')
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process = subprocess.Popen(["dictd", "--listen", "127.0.0.1", "-p", str(self.port), "-c", conf,
                                         "-d", "nodetach"], stderr=subprocess.DEVNULL)
        self.connect()

    def connect(self):
        for _ in range(100):
            try:
                self.sock = socket.create_connection(("127.0.0.1", self.port))
                break
            except OSError:
                time.sleep(0.05)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rb")
        self.file.readline()

    def define(self, database, word):
        self.sock.sendall(f'DEFINE {database} "{word}"\r\n'.encode())
        while True:
            line = self.file.readline()
            if not line or line[:3] in (b"250", b"552", b"550", b"501"):
                return

    def stop(self):
        self.process.terminate()
        self.process.wait()


def german_text(entries, data, count, rng):
    """About `count` words of German from deu-eng's example sentences ("…"  - …)."""
    words = []
    for _, offset, size in rng.sample(entries, min(len(entries), 40000)):
        for example in re.findall(r'^\s+"([^"]+)"\s+-', data[offset:offset + size].decode("utf-8", "replace"), re.M):
            words += example.split()
        if len(words) >= count:
            break
    return " ".join(words[:count])


def french_text(count, rng):
    data, entries = read_dictd("freedict-fra-eng")
    heads = [e[0] for e in entries]
    endings = ["", "", "", "s", "e", "es", "ent", "ons", "ait"]
    return " ".join(rng.choice(heads) + rng.choice(endings) for _ in range(count))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--glean", default=".build/release/glean")
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--cold-runs", type=int, default=30)
    args = parser.parse_args()
    glean = os.path.abspath(args.glean)
    if not os.path.exists(glean):
        sys.exit(f"{glean} is missing: swift build -c release --static-swift-stdlib --product glean")
    work = tempfile.mkdtemp(prefix="glean-bench-")
    os.chmod(work, 0o755)
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"), HOME=work)
    rng = random.Random(6)
    names = ["freedict-fra-eng", "freedict-deu-eng"]
    print(f"glean: {glean}\nmachine: {os.cpu_count()} cores, {open('/proc/loadavg').read().split()[0]} load average "
          f"(wall times include waiting for a core; CPU times do not)\n")
    # First open builds each lookup index once; time it.
    for name in names:
        start = time.perf_counter()
        subprocess.run([glean, "define", "--dict", name, "x"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        print(f"{name}: first open (builds and caches the lookup index): {(time.perf_counter() - start) * 1000:.0f} ms")
    stardict = os.path.join(work, "stardict")
    for name in names:
        to_stardict(name, stardict)
    dictd = Dictd(names, work)
    sdcv_env = dict(env, HOME=os.path.join(work, "sdcv-home"))
    os.makedirs(os.path.join(work, "sdcv-home"), exist_ok=True)
    results = []
    try:
        for name in names:
            _, entries = read_dictd(name)
            words = sorted({e[0].strip() for e in rng.sample(entries, args.words)})
            words = [w for w in words if '"' not in w and "\\" not in w]
            word_file = os.path.join(work, name + ".words")
            with open(word_file, "w") as f:
                f.write("\n".join(words) + "\n")
            print(f"\n== {name}: {len(words)} sampled headwords ==")
            bench = subprocess.run([glean, "dict", "bench", "--dict", name, "--words", word_file], capture_output=True,
                                   text=True, env=env).stdout
            print("glean (library loop)   " + bench.strip().replace("\n", "\n                        "))
            dictd.connect()  # dictd limits what one connection may ask; start afresh per dictionary
            for w in words[:50]:
                dictd.define(name, w)
            times = []
            for w in words:
                start = time.perf_counter_ns()
                dictd.define(name, w)
                times.append((time.perf_counter_ns() - start) / 1000)
            print(f"dictd over loopback     warm DEFINE round trip: median {statistics.median(times):.1f} us")
            # sdcv: build its own .oft cache once, then measure.
            sdcv = lambda ws: ["sdcv", "-n", "-e", "--data-dir", stardict, "-u", name] + ws
            subprocess.run(sdcv(words[:1]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=sdcv_env)
            some = words[:200]
            print(f"per word in one process: glean define {per_word_us(lambda ws: [glean, 'define', '--dict', name] + ws, some, env):.1f} us, "
                  f"sdcv {per_word_us(sdcv, some, sdcv_env):.1f} us, "
                  f"dict {per_word_us(lambda ws: ['dict', '-h', '127.0.0.1', '-p', str(dictd.port), '-d', name] + ws, some[:50]):.1f} us")
            cold = words[:args.cold_runs]
            g1 = median_ms([[glean, "define", "--dict", name, w] for w in cold], env)
            g2 = median_ms([[glean, "define", w] for w in cold], env)
            s = median_ms([sdcv([w]) for w in cold], sdcv_env)
            d = median_ms([["dict", "-h", "127.0.0.1", "-p", str(dictd.port), "-d", name, w] for w in cold])
            print(f"cold process, median: glean define --dict {g1}, glean define (all dictionaries) {g2}, "
                  f"sdcv {s}, dict (client to a running dictd) {d}")
            results.append((name, g1))
        data, entries = read_dictd("freedict-deu-eng")
        for label, name, text in [("German", "freedict-deu-eng", german_text(entries, data, 10000, rng)),
                                  ("French", "freedict-fra-eng", french_text(10000, rng))]:
            path = os.path.join(work, label + ".txt")
            with open(path, "w") as f:
                f.write(text)
            figure = median_ms([[glean, "gloss", "--dict", name, path]] * 3, env)
            print(f"\ngloss {len(text.split())}-word {label} text with {name}: median {figure} (whole process)")
    finally:
        dictd.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
