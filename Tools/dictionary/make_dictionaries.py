#!/usr/bin/env python3
"""Writes Glean's own small dictionaries into Corpora/dictionary/, in dictd and StarDict formats.

Input: the word lists beside this script (wordlist_fra_eng.txt, wordlist_deu_eng.txt), written for the
Glean project and released under CC0. Output (deterministic, so the files can be committed):

  Corpora/dictionary/dictd/glean-XXX-eng.index      dictd index (headword TAB base64 offset TAB base64 length)
  Corpora/dictionary/dictd/glean-XXX-eng.dict.dz    dictzip with a chunk table (2 KiB chunks, so several)
  Corpora/dictionary/stardict/glean-XXX-eng/        .ifo, .idx (32-bit offsets), .syn, .dict.dz
  Corpora/dictionary/fixtures/stardict64/           German-English as StarDict 3.0.0: 64-bit offsets, .idx.gz, plain .dict
  Corpora/dictionary/fixtures/dictd-gzip/           German-English as dictd with a plain gzip .dict.gz (no chunk table)

The formats follow dictd's dictfmt(1)/dictzip(1) and StarDict's doc/StarDictFileFormat. Nothing here is
needed at run time or by `swift test`; rerun it after editing a word list:

  python3 Tools/dictionary/make_dictionaries.py
"""
import gzip
import io
import os
import struct
import unicodedata
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Corpora", "dictionary")
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
CHUNK = 1024

DICTIONARIES = [
    ("glean-fra-eng", "wordlist_fra_eng.txt", "Glean French-English word list",
     # synonyms for the StarDict .syn: spelling variants that folding alone does not reach
     {"clef": "clé", "oeil": "œil", "coeur": "cœur", "soeur": "sœur"}),
    ("glean-deu-eng", "wordlist_deu_eng.txt", "Glean German-English word list",
     {"Rad": "Fahrrad", "Strasse": "Straße"}),
]


def b64(value):
    """dictd's base 64: most significant digit first, no padding."""
    digits = ""
    while True:
        digits = B64[value & 63] + digits
        value >>= 6
        if value == 0:
            return digits


def dictd_key(word):
    """dictfmt's index key: lower case, only letters, digits and spaces (no --allchars)."""
    kept = "".join(c for c in word if c.isalnum() or c.isspace())
    return " ".join(kept.lower().split())


def read_words(name):
    entries = []
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            headword, pos, senses = line.split("|")
            senses = [s.strip() for s in senses.split(";")]
            if len(senses) == 1:
                body = senses[0] + "\n"
            else:
                body = "".join(f"{i}. {s}\n" for i, s in enumerate(senses, 1))
            entries.append((unicodedata.normalize("NFC", headword), f"{headword} <{pos}>\n{body}"))
    return entries


def dictzip(data, chunk=CHUNK):
    """A dictzip file: gzip with an RA extra field listing raw-deflate chunks, each ended by a full flush."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunks = []
    for start in range(0, len(data), chunk):
        piece = compressor.compress(data[start:start + chunk]) + compressor.flush(zlib.Z_FULL_FLUSH)
        chunks.append(piece)
    tail = compressor.flush(zlib.Z_FINISH)
    sizes = [len(c) for c in chunks]
    assert all(s < 65536 for s in sizes)
    ra = struct.pack("<HHH", 1, chunk, len(chunks)) + b"".join(struct.pack("<H", s) for s in sizes)
    extra = b"RA" + struct.pack("<H", len(ra)) + ra
    header = b"\x1f\x8b\x08" + bytes([0x04]) + struct.pack("<I", 0) + b"\x02\x03" + struct.pack("<H", len(extra)) + extra
    trailer = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return header + b"".join(chunks) + tail + trailer


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def make_dictd(name, title, entries, folder=None, plain_gzip=False):
    specials = [
        ("00-database-short", f"{title}\n"),
        ("00-database-info", f"{title}\n\nWritten for the Glean project; released under CC0 1.0.\n"
                             f"{len(entries)} headwords.\n"),
        ("00-database-url", "https://example.invalid/glean\n"),
        ("00-database-utf8", "\n"),
    ]
    data = io.BytesIO()
    index = []
    for headword, text in specials + entries:
        raw = text.encode("utf-8")
        index.append((dictd_key(headword), data.tell(), len(raw)))
        data.write(raw)
    index.sort(key=lambda e: (e[0], e[1]))
    lines = "".join(f"{k}\t{b64(o)}\t{b64(n)}\n" for k, o, n in index)
    folder = folder or os.path.join(OUT, "dictd")
    write(os.path.join(folder, name + ".index"), lines.encode("utf-8"))
    if plain_gzip:
        write(os.path.join(folder, name + ".dict.gz"), gzip.compress(data.getvalue(), mtime=0))
    else:
        write(os.path.join(folder, name + ".dict.dz"), dictzip(data.getvalue()))


def stardict_order(word):
    """StarDict sorts with g_ascii_strcasecmp, then strcmp."""
    raw = word.encode("utf-8")
    return (raw.lower(), raw)


def make_stardict(name, title, entries, synonyms, folder, offset_bits=32, gzip_index=False, compress=True):
    entries = sorted(entries, key=lambda e: stardict_order(e[0]))
    data = io.BytesIO()
    idx = io.BytesIO()
    position = {}
    for i, (headword, text) in enumerate(entries):
        raw = text.encode("utf-8")
        offset = data.tell()
        data.write(raw)
        idx.write(headword.encode("utf-8") + b"\0")
        idx.write(struct.pack(">Q" if offset_bits == 64 else ">I", offset) + struct.pack(">I", len(raw)))
        position[headword] = i
    syn = io.BytesIO()
    syn_words = sorted(synonyms, key=stardict_order)
    for word in syn_words:
        syn.write(word.encode("utf-8") + b"\0" + struct.pack(">I", position[synonyms[word]]))
    idx_bytes = idx.getvalue()
    version = "3.0.0" if offset_bits == 64 else "2.4.2"
    ifo = ["StarDict's dict ifo file", f"version={version}", f"bookname={title}", f"wordcount={len(entries)}",
           f"idxfilesize={len(idx_bytes)}"]
    if offset_bits == 64:
        ifo.append("idxoffsetbits=64")
    if synonyms:
        ifo.append(f"synwordcount={len(synonyms)}")
    ifo += ["author=Glean project", "description=Written for the Glean project; released under CC0 1.0.",
            "date=2026.11.21", "sametypesequence=m"]
    base = os.path.join(folder, name)
    write(base + ".ifo", ("\n".join(ifo) + "\n").encode("utf-8"))
    if gzip_index:
        write(base + ".idx.gz", gzip.compress(idx_bytes, mtime=0))
    else:
        write(base + ".idx", idx_bytes)
    if synonyms:
        write(base + ".syn", syn.getvalue())
    if compress:
        write(base + ".dict.dz", dictzip(data.getvalue()))
    else:
        write(base + ".dict", data.getvalue())


def main():
    for name, wordlist, title, synonyms in DICTIONARIES:
        entries = read_words(wordlist)
        make_dictd(name, title, entries)
        make_stardict(name, title, entries, synonyms, os.path.join(OUT, "stardict", name))
        if name == "glean-deu-eng":
            make_stardict(name + "-64", title + " (64-bit offsets)", entries, synonyms,
                          os.path.join(OUT, "fixtures", "stardict64"), offset_bits=64, gzip_index=True, compress=False)
            make_dictd(name + "-gz", title, entries, folder=os.path.join(OUT, "fixtures", "dictd-gzip"), plain_gzip=True)
        print(f"{name}: {len(entries)} entries")


if __name__ == "__main__":
    main()
