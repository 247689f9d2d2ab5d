#!/usr/bin/env python3
"""Records what the reference dictd server returns for a seeded sample of headwords of each installed
FreeDict dictionary, so the Swift tests can check that Glean reads the same definitions.

It writes a private dictd configuration for the dictionaries in /usr/share/dictd, starts `dictd` on
loopback only (127.0.0.1, an unused port), asks it `DEFINE <db> "<word>"` over the DICT protocol
(RFC 2229) for each sampled headword, stops it, and stores in Corpora/dictionary/goldens/<name>.json:

  {"dictionary": "freedict-fra-eng", "indexSize": ..., "indexSHA256": "...", "dataSize": ...,
   "queries": [{"word": "abandon", "definitions": ["<sha256 of text, first 16 hex>", ...]}, ...],
   "fullTexts": [{"word": ..., "definitions": ["full text", ...]}, ...]}

A definition's text is dictd's answer with dot-stuffing undone, lines joined by "\\n" and trailing
new lines removed. The tests skip a dictionary whose installed index differs from the recorded one.

  python3 Tools/dictionary/make_goldens.py [--per-dictionary 800] [--seed 6]
"""
import argparse
import hashlib
import json
import os
import random
import socket
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Corpora", "dictionary", "goldens")
DICTD_DIR = "/usr/share/dictd"
# The largest dictionary gets a bigger sample; the others are small enough for this many.
SAMPLE = {"freedict-deu-eng": 1500}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DictClient:
    """A minimal DICT protocol client (RFC 2229): DEFINE only."""

    def __init__(self, port):
        for _ in range(50):
            try:
                self.sock = socket.create_connection(("127.0.0.1", port))
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("dictd did not start")
        self.file = self.sock.makefile("rb")
        banner = self.line()
        assert banner.startswith("220"), banner

    def line(self):
        return self.file.readline().decode("utf-8").rstrip("\r\n")

    def define(self, database, word):
        quoted = word.replace("\\", "\\\\").replace('"', '\\"')
        self.sock.sendall(f'DEFINE {database} "{quoted}"\r\n'.encode("utf-8"))
        status = self.line()
        if not status:
            raise ConnectionError("dictd closed the connection")
        if status.startswith("552"):
            return []
        assert status.startswith("150"), status
        definitions = []
        while True:
            status = self.line()
            if status.startswith("250"):
                return definitions
            assert status.startswith("151"), status
            lines = []
            while True:
                line = self.line()
                if line == ".":
                    break
                lines.append(line[1:] if line.startswith("..") else line)
            definitions.append("\n".join(lines).rstrip("\n"))


def digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-dictionary", type=int, default=800)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    names = sorted(f[:-len(".index")] for f in os.listdir(DICTD_DIR) if f.startswith("freedict-") and f.endswith(".index"))
    if not names:
        raise SystemExit("no FreeDict dictionaries in /usr/share/dictd (apt-get install dict-freedict-fra-eng ...)")
    work = tempfile.mkdtemp(prefix="glean-dictd-")
    os.chmod(work, 0o755)  # dictd drops its privileges after start
    conf = os.path.join(work, "dictd.conf")
    with open(conf, "w") as f:
        f.write('global {\n listen_to 127.0.0.1\n}\naccess {\n allow 127.0.0.1\n}\n')
        for name in names:
            data = os.path.join(DICTD_DIR, name + ".dict.dz")
            f.write(f'database {name} {{\n data "{data}"\n index "{os.path.join(DICTD_DIR, name + ".index")}"\n}}\n')
    port = free_port()
    pid_file = os.path.join(work, "dictd.pid")
    server = subprocess.Popen(["dictd", "--listen", "127.0.0.1", "-p", str(port), "-c", conf, "--pid-file", pid_file,
                               "-d", "nodetach"], stderr=subprocess.DEVNULL)
    try:
        os.makedirs(OUT, exist_ok=True)
        for name in names:
            index_path = os.path.join(DICTD_DIR, name + ".index")
            raw = open(index_path, "rb").read()
            keys = []
            for line in raw.decode("utf-8").split("\n"):
                fields = line.split("\t")
                key = fields[0].strip()
                if len(fields) >= 3 and key and not key.startswith("00database") and not key.startswith("00-database"):
                    keys.append(key)
            keys = sorted(set(keys))
            rng = random.Random(f"{args.seed}-{name}")
            sample = sorted(rng.sample(keys, min(len(keys), SAMPLE.get(name, args.per_dictionary))))
            queries, full = [], []
            client = DictClient(port)  # a fresh connection per dictionary
            for i, word in enumerate(sample):
                try:
                    texts = client.define(name, word)
                except ConnectionError:
                    client = DictClient(port)
                    texts = client.define(name, word)
                queries.append({"word": word, "definitions": [digest(t) for t in texts]})
                if i % (len(sample) // 4 or 1) == 0 and len(full) < 4:
                    full.append({"word": word, "definitions": texts})
            golden = {
                "dictionary": name,
                "indexSize": len(raw),
                "indexSHA256": hashlib.sha256(raw).hexdigest(),
                "dataSize": os.path.getsize(os.path.join(DICTD_DIR, name + ".dict.dz")),
                "generator": "Tools/dictionary/make_goldens.py",
                "reference": subprocess.run(["dictd", "--version"], capture_output=True, text=True).stdout.split("\n")[0],
                "queries": queries,
                "fullTexts": full,
            }
            with open(os.path.join(OUT, name + ".json"), "w", encoding="utf-8") as f:
                json.dump(golden, f, ensure_ascii=False, indent=0, sort_keys=True)
                f.write("\n")
            found = sum(1 for q in queries if q["definitions"])
            print(f"{name}: {len(queries)} headwords, {found} with definitions")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
