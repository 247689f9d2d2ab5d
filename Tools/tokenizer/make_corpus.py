#!/usr/bin/env python3
"""Writes Corpora/tokenizer/corpus.txt: the tokenizer parity corpus.

Every line is composed here from word lists written for this project and from
code points drawn with a fixed seed, so the corpus is ours to redistribute and
is rebuilt byte for byte by running this script again:

    python3 Tools/tokenizer/make_corpus.py

Lines are separated by "\\n" only; no line holds "\\n" or "\\r" (other control
characters, NUL and U+FFFD do occur inside lines, on purpose).
"""
import os
import random

SEED = 20261121
TARGET_BYTES = 1_150_000
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Corpora", "tokenizer", "corpus.txt")

# --- English -----------------------------------------------------------------
NOUNS = """river garden engine window teacher student question answer library kettle
harbour mountain village lantern pencil notebook journey weather morning evening
market bridge tunnel signal pattern theory method measure silence thunder orchard
meadow painter sailor farmer doctor lawyer engineer musician neighbour stranger
bicycle telescope microscope compass ladder basket candle mirror blanket pillow
council committee parliament museum gallery cathedral station airport highway
algorithm tokenizer vocabulary sentence paragraph chapter dictionary alphabet
keyboard monitor battery circuit processor database network protocol browser
festival harvest tradition ceremony invitation conversation discussion argument
umbrella sandwich chocolate strawberry pineapple cucumber mushroom breakfast
photograph newspaper magazine document contract receipt invoice schedule calendar
hurricane earthquake volcano glacier desert forest canyon island peninsula coast
""".split()
VERBS = """walks reads writes builds carries opens closes finds loses keeps brings takes
gives shows tells asks answers explains describes compares measures counts
follows leads paints repairs cleans cooks bakes plants waters watches hears
remembers forgets imagines believes understands discovers invents publishes
translates tokenizes normalizes encodes decodes compresses uploads downloads
""".split()
ADJECTIVES = """quiet bright heavy narrow ancient modern gentle careful curious patient
sudden strange familiar distant hidden golden silver wooden broken complete
enormous tiny fragile sturdy honest clever lazy eager brave anxious cheerful
unbelievable extraordinary incomprehensible uncharacteristically antidisestablishmentarian
""".split()
ADVERBS = """slowly quickly carefully quietly rarely often never always suddenly gently
nearly barely happily sadly honestly clearly""".split()
NAMES = """Alice Bob Carol David Erin Frank Grace Heidi Ivan Judy Mallory Niaj Olivia
Peggy Rupert Sybil Trent Victor Walter McDonald O'Brien MacArthur DiCaprio""".split()
PLACES = """London Paris Berlin Madrid Lisbon Warsaw Prague Vienna Athens Cairo Nairobi
Mumbai Tokyo Seoul Beijing Sydney Toronto Chicago Denver Reykjavik""".split()
CONTRACTIONS = """don't can't won't isn't it's they're we've you'd she'll I'm let's o'clock
rock'n'roll""".split()


def english_sentence(r):
    def np():
        det = r.choice(["the", "a", "every", "this", "that", "some", "no", "my", "our"])
        adj = r.choice(ADJECTIVES) + " " if r.random() < 0.5 else ""
        return f"{det} {adj}{r.choice(NOUNS)}"
    parts = [np().capitalize() if r.random() < 0.7 else r.choice(NAMES)]
    if r.random() < 0.3:
        parts.append(r.choice(ADVERBS))
    parts.append(r.choice(VERBS))
    parts.append(np())
    if r.random() < 0.4:
        parts.append(r.choice(["in", "near", "behind", "under", "beside", "from"]) + " " + r.choice(PLACES))
    if r.random() < 0.25:
        parts.append("because " + r.choice(CONTRACTIONS) + " " + r.choice(ADVERBS) + " " + r.choice(ADJECTIVES))
    s = " ".join(parts)
    if r.random() < 0.15:
        s = f"\u201c{s},\u201d said {r.choice(NAMES)}"
    if r.random() < 0.1:
        s = s.upper()
    if r.random() < 0.1:
        s = s.title()
    return s + r.choice([".", ".", ".", "!", "?", "...", "\u2026", ";", " \u2014 really."])


def numbers_and_urls(r):
    n = r.randint(0, 11)
    a = r.randint(0, 10**r.randint(1, 9))
    if n == 0: return f"It costs ${a}.{r.randint(0, 99):02d} or \u20ac{a % 1000},{r.randint(0, 99):02d} (about \u00a3{a // 7})."
    if n == 1: return f"Visit https://www.example.org/{r.choice(NOUNS)}/{a}?q={r.choice(NOUNS)}&page={r.randint(1, 9)}#top for details."
    if n == 2: return f"Mail {r.choice(NAMES).lower()}.{r.choice(NOUNS)}@example.com or call +1-555-{r.randint(100, 999)}-{r.randint(1000, 9999)}."
    if n == 3: return f"{a:,} people; {r.random() * 100:.2f}% growth; {r.uniform(-1, 1):.3e} error; 1/{r.randint(2, 9)} of them."
    if n == 4: return f"On {r.randint(1, 28):02d}/{r.randint(1, 12):02d}/{r.randint(1900, 2099)} at {r.randint(0, 23)}:{r.randint(0, 59):02d} UTC, v{r.randint(0, 9)}.{r.randint(0, 20)}.{r.randint(0, 99)} shipped."
    if n == 5: return f"Call foo_bar.baz({a}, key=\"{r.choice(NOUNS)}\") -> {{'x': [1, 2, 3]}} && echo $HOME | grep -v '^#'"
    if n == 6: return f"#{r.choice(NOUNS)} @{r.choice(NAMES).lower()}_{a % 100} camelCaseWord XMLHttpRequest iPhone15Pro e-mail co-operate"
    if n == 7: return f"Fractions \u00bd \u00bc \u00be, powers x\u00b2 y\u00b3, \u2160\u2161\u2162 \u216b, circled \u2460\u2461\u2473, fullwidth \uff11\uff12\uff13 \uff21\uff22\uff23\uff41\uff42."
    if n == 8: return f"Temperature: {r.randint(-40, 45)}\u00b0C ({r.randint(-40, 113)}\u00b0F), \u00b1{r.randint(1, 9)} \u00b5m, {a}\u00d7{r.randint(2, 9)} \u2264 {a * 10} \u2260 \u221e."
    if n == 9: return f"ftp://files.example.net/pub/{r.choice(NOUNS)}.tar.gz mailto:someone@example.com file:///tmp/a%20b.txt www.{r.choice(NOUNS)}.io:8080"
    if n == 10: return f"\u0663\u0664\u0665 \u0967\u0968\u0969 \u0e51\u0e52 \u17e1\u17e2 {a} \u2070\u00b9 \u2081\u2082 IV-{a % 50} 10\u202f000 1\u00a0234"
    return f"ISBN 978-{r.randint(0, 9)}-{r.randint(100, 999)}-{r.randint(10000, 99999)}-{r.randint(0, 9)}, DOI 10.{r.randint(1000, 9999)}/{r.choice(NOUNS)}.{a}"


# --- Other scripts (word lists written for this corpus) ------------------------
LATIN = {
    "fr": "école élève où déjà garçon façon cœur œuvre naïve Noël forêt hôpital être château crème brûlée Ça À l'été qu'il",
    "es": "año niño señor mañana corazón canción pingüino ¿Dónde está? ¡Qué día! acción árbol jalapeño",
    "de": "Straße Grüße Mädchen Bäcker Fußgängerübergang Größe Übung ÄÖÜ äöü ß ẞ Donaudampfschifffahrtsgesellschaftskapitän",
    "pt": "não coração ação pão avó avô lição informação São João",
    "pl": "zażółć gęślą jaźń Łódź Kraków źdźbło",
    "cs": "příliš žluťoučký kůň úpěl ďábelské ódy",
    "vi": "Tiếng Việt người đường phở Hà Nội Nguyễn thường xuyên ở đâu",
    "tr": "İstanbul Işık ılık şeker ğ İİ ıI Diyarbakır",
    "is": "Þingvellir Ísland þorn eð ðæ Reykjavík",
    "ro": "București Țară știință Ș ș Ț ț",
    "misc": "Ærøskøbing Ångström Øresund façade naïveté résumé coöperate Zoë Beyoncé Dvořák",
}
GREEK = "Αθήνα ΟΔΟΣ οδός λόγος Σωκράτης ΣΟΦΙΑ καλημέρα ευχαριστώ Ἀθῆναι ἄνθρωπος ὁ Ὅμηρος ΐ ΰ Ϊ ς σ Σ φιλοσοφία; γεια σας·"
CYRILLIC = "Москва привет мир Ёлка ёжик ЩУКА Україна їжак єдність ґанок Беларусь Қазақстан Српски Ђорђе"
ARABIC = "مرحبا بالعالم اللغة العربية كتابٌ مُحَمَّد القُرْآن ـــ السلام عليكم، كيف حالك؟ ١٢٣ لا إله"
HEBREW = "שלום עולם עִבְרִית בְּרֵאשִׁית ירושלים ״ציטוט״ ׳גרש׳"
DEVANAGARI = "नमस्ते दुनिया हिन्दी भाषा क़िला ज़रूर संस्कृत क्षत्रिय ॐ । ॥ ०१२"
THAI = "ภาษาไทยเป็นภาษาที่ไม่มีการเว้นวรรคระหว่างคำ สวัสดีครับ กรุงเทพมหานคร ๑๒๓"
CJK_ZH = "我们的世界很美丽。今天天气很好，你好吗？中华人民共和国北京大学汉字编码“引号”【括号】《书名》"
CJK_JA = "日本語のテキストです。ひらがなカタカナ漢字、東京都渋谷区。ｶﾀｶﾅ「かぎかっこ」ー〜"
CJK_KO = "안녕하세요 한국어 텍스트 서울특별시 대한민국 ㄱㄴㄷ ㅏㅑ"
CJK_RARE = "\U00020000\U00020001\U0002A6D6 \U0002A700\U0002B734 \U0002B740\U0002B81D \U0002B820\U0002B91F\U0002B920\U0002CEA0 \uF900\uF901\uFA6A\U0002F800\U0002FA1D \u3400\u4DB5 \u9FFF\u9FEF \U00030000"
EMOJI = ["😀", "😂", "👍", "👍🏽", "👨‍👩‍👧‍👦", "👩🏾‍💻", "🏳️‍🌈", "🇫🇷", "🇯🇵", "1️⃣", "#️⃣", "❤️", "✌🏻", "🧑‍🚀", "🐈‍⬛",
         "🙂", "🎉", "🔥", "⭐", "☕", "🦄", "👁️‍🗨️", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "©️", "™", "♀️", "⚽"]
SPECIALS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1c", "\x1f", "\x7f", "\x80", "\x85", "\x9f",
            "\u00a0", "\u00ad", "\u034f", "\u061c", "\u1680", "\u180e", "\u2000", "\u2007", "\u200a", "\u200b", "\u200c",
            "\u200d", "\u200e", "\u200f", "\u2028", "\u2029", "\u202f", "\u205f", "\u2060", "\u2066", "\u3000", "\ufeff",
            "\ufffd", "\ufff9", "\ue000", "\U000f0000", "\U000e0001", "\U000e0041", "\t", "\x1e", "\u0378", "\uffff",
            "\U0001d173", "\U000e007f"]
MARKS = ["\u0300", "\u0301", "\u0302", "\u0303", "\u0308", "\u030a", "\u0323", "\u0327", "\u0331", "\u0345",
         "\u0488", "\u20dd", "\u20e3", "\u0903", "\u093c", "\u0e48", "\u05b7", "\u064b", "\u0670", "\ufe0f", "\u1ab0",
         "\u302e", "\U0001d165", "\U0001d16d", "\u0f71", "\u0f39"]
PUNCT = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") + ["\u00a1", "\u00a7", "\u00b6", "\u00b7", "\u00bf", "\u2010", "\u2013",
        "\u2014", "\u2018", "\u2019", "\u201c", "\u201d", "\u2020", "\u2022", "\u2026", "\u2030", "\u203d", "\u3001",
        "\u3002", "\u300c", "\u300d", "\uff01", "\uff0c", "\uff1f", "\u060c", "\u061f", "\u0964", "\u00ab", "\u00bb",
        "\u037e", "\u0387", "\u055d", "\u2e2e", "\U00010100", "\U0001e95e", "\u00a2", "\u00a3", "\u20ac", "\u00a9",
        "\u00ae", "\u00b0", "\u2122", "\u2190", "\u2211", "\u221a", "\u02c6", "\u00b4", "\u00a8", "\u1fed", "\u1fee"]


def script_line(r):
    pool = [GREEK, CYRILLIC, ARABIC, HEBREW, DEVANAGARI, THAI, CJK_ZH, CJK_JA, CJK_KO, CJK_RARE] + list(LATIN.values())
    text = r.choice(pool)
    words = text.split(" ")
    start = r.randrange(len(words))
    chosen = words[start:start + r.randint(2, 9)]
    if r.random() < 0.3:
        chosen.insert(r.randrange(len(chosen) + 1), r.choice(NOUNS))
    line = " ".join(chosen)
    if r.random() < 0.2:  # Thai and CJK runs without spaces
        line = line.replace(" ", "")
    if r.random() < 0.15:
        import unicodedata
        line = unicodedata.normalize(r.choice(["NFD", "NFKD", "NFC"]), line)
    return line


def emoji_line(r):
    out = []
    for _ in range(r.randint(3, 12)):
        k = r.random()
        if k < 0.4: out.append(r.choice(EMOJI))
        elif k < 0.7: out.append(r.choice(NOUNS))
        else: out.append(r.choice(EMOJI) + r.choice(NOUNS) + r.choice(EMOJI))
    return (" " if r.random() < 0.7 else "").join(out)


def control_line(r):
    words = [r.choice(NOUNS) for _ in range(r.randint(3, 10))]
    out = []
    for w in words:
        if r.random() < 0.5:
            i = r.randrange(len(w) + 1)
            w = w[:i] + r.choice(SPECIALS) + w[i:]
        out.append(w)
        out.append(r.choice(SPECIALS) if r.random() < 0.5 else " ")
    return "".join(out)


def marks_line(r):
    out = []
    for _ in range(r.randint(3, 10)):
        w = r.choice(NOUNS + [g for g in GREEK.split()] + ["x", "a", "i", "I", "\u0130", "\u00df"])
        chars = []
        for ch in w:
            chars.append(ch)
            if r.random() < 0.3:
                chars.extend(r.choice(MARKS) for _ in range(r.randint(1, 4)))
        if r.random() < 0.1:
            chars.insert(0, r.choice(MARKS))  # a mark with no base
        out.append("".join(chars))
        if r.random() < 0.2:
            out.append(r.choice(PUNCT) + r.choice(MARKS))
    return " ".join(out)


def punct_line(r):
    out = []
    for _ in range(r.randint(4, 14)):
        k = r.random()
        if k < 0.5: out.append(r.choice(PUNCT))
        elif k < 0.8: out.append(r.choice(NOUNS) + r.choice(PUNCT) + r.choice(NOUNS))
        else: out.append(r.choice(PUNCT) * r.randint(2, 5))
    return (" " if r.random() < 0.5 else "").join(out)


def long_word_line(r):
    n = r.choice([98, 99, 100, 101, 102, 150, 199, 200, 201, 202, 300, 33, 34, 49, 50, 51, 66, 67])
    unit = r.choice(["a", "ab", "\u00e9", "e\u0301", "\u4e00", "\u0416", "\U0001F600", "x\u200b", "\u00c9", "\u0130"])
    word = (unit * n)[: n * len(unit)]
    if r.random() < 0.5:
        word = r.choice(NOUNS) + word[: n - 8]
    return f"{r.choice(NOUNS)} {word} {r.choice(NOUNS)}"


def random_block_line(r):
    out = []
    for _ in range(r.randint(2, 8)):
        chars = []
        for _ in range(r.randint(1, 6)):
            plane = r.random()
            if plane < 0.55: cp = r.randrange(0x80, 0x10000)
            elif plane < 0.8: cp = r.randrange(0x10000, 0x20000)
            elif plane < 0.9: cp = r.randrange(0x20000, 0x32000)
            elif plane < 0.95: cp = r.randrange(0, 0x80)
            else: cp = r.randrange(0x32000, 0x110000)
            if 0xD800 <= cp <= 0xDFFF or cp in (0x0A, 0x0D):
                cp = 0x41
            chars.append(chr(cp))
        out.append("".join(chars))
    return " ".join(out)


def mixed_line(r):
    parts = [r.choice(NOUNS), r.choice(CJK_ZH.split("。")[0][:3]), r.choice(PLACES) + str(r.randint(0, 2030)),
             r.choice(CYRILLIC.split()), r.choice(ARABIC.split()), r.choice(EMOJI), r.choice(GREEK.split()),
             r.choice(DEVANAGARI.split()), r.choice(THAI.split())]
    r.shuffle(parts)
    return (" " if r.random() < 0.6 else r.choice(["", "-", "_", "/"])).join(parts[: r.randint(3, 9)])


KINDS = [(english_sentence, 40), (numbers_and_urls, 8), (script_line, 18), (emoji_line, 5), (control_line, 5),
         (marks_line, 5), (punct_line, 5), (long_word_line, 2), (random_block_line, 7), (mixed_line, 5)]


def main():
    r = random.Random(SEED)
    makers = [k for k, w in KINDS for _ in range(w)]
    lines, size = [], 0
    # Fixed lines first: edge cases every reader of the goldens can find by line number.
    fixed = ["", " ", "Hello, world!", "hello world", "HELLO WORLD", "unaffable", "\u0130stanbul", "\u00c9cole \u00e9cole e\u0301cole",
             "\u4e2d\u6587 text", "\x00", "\ufffd", "a\u0301", "\u0301a", "\u200d", "ΟΔΟΣ οδος", "don't stop", "$12.50",
             "naïve café", "x" * 100, "x" * 101, "x" * 200, "x" * 201,
             "[CLS] hello [SEP] x[MASK]y [unk] [UNK][PAD]", "[SEP", "İİ ΣΑΣ. ΣΑΣ.Β σς Σ"]
    for line in fixed:
        lines.append(line)
        size += len(line.encode()) + 1
    while size < TARGET_BYTES:
        k = r.random()
        line = r.choice(makers)(r)
        if k < 0.35:  # paragraphs: several sentences of one kind on one line
            line = " ".join([line] + [english_sentence(r) for _ in range(r.randint(1, 6))])
        line = line.replace("\n", " ").replace("\r", " ")
        lines.append(line)
        size += len(line.encode()) + 1
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(lines)} lines, {size} bytes to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
