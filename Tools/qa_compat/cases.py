"""The (context, question) cases of the QA compat goldens.

Every passage is invented for this project, except the SQuAD "Teacher" passage,
which is referenced (article title and paragraph index in ../shared), never stored.
"""

LIGHTHOUSE = ("The lighthouse on Corran Point was built in 1871 by the engineer Mara Vell. Its lamp burned "
              "whale oil until 1902, when a paraffin burner replaced it. Keepers lived in the cottage beside "
              "the tower until the light was automated in 1968.")

ORCHARD = ("Every autumn the village of Harlow Green holds a cider fair in the old orchard. Farmers bring apples "
           "from the valley, and a brass band plays near the mill. The fair began in 1923, when a storm knocked "
           "the fruit from every tree and the farmers decided to press it all at once. Today the orchard has "
           "forty trees, most of them russets, and the cider is sold in stone jars. Visitors arrive by the "
           "narrow railway that climbs from the coast, a journey of about two hours. The station master rings "
           "a bell when the last train is ready to leave, usually at six in the evening. Children collect "
           "fallen apples for the pigs, and the best collector wins a wooden medal carved by the blacksmith. "
           "In wet years the fair moves into the barn, where the cider press stands beside a long table of "
           "bread and cheese. The oldest press in the barn was built from oak in 1810 and still works.")

LONG_WORD = "pneumonoultramicroscopicsilicovolcanoconiosis" * 3          # 135 bytes: over 100 -> [UNK]
WORD_100 = "abcdefghij" * 10                                              # exactly 100 bytes: still WordPiece
ACCENTED_102 = "é" * 51                                                   # 51 characters, 102 bytes -> [UNK]
ACCENTED_100 = "é" * 50                                                   # 100 bytes -> ##é pieces

LONG_QUESTION = ("Considering everything that the passage says about the keepers, the tower, the lamp, the oil, "
                 "the paraffin burner, the engineer, the cottage and the automation, and ignoring every other "
                 "detail that might distract a careful reader, which year did the light stop needing keepers?")

# (id, context, question, note). A context of None is the Teacher passage from ../shared.
CASES = [
    ("simple_who", LIGHTHOUSE, "Who built the lighthouse?", "short context, plain question"),
    ("simple_when", LIGHTHOUSE, "When was the light automated?", "short context"),
    ("upper_case_question", LIGHTHOUSE, "WHAT DID THE LAMP BURN?", "ASCII upper case is lower-cased"),
    ("mixed_case_context", "The RIVER Tamsin flows NORTH past Eldon Mill and reaches the SEA at Port Avery.",
     "Where does the river reach the sea?", "answer text keeps the original case"),
    ("multiple_spaces", "Tea   was    first  grown on the     northern hills   of Varra  in 1840 .",
     "Where was tea first grown?", "runs of spaces are skipped; a lone '.' is a word"),
    ("leading_trailing_spaces", "   The   bridge   opened   in   May.   ", "When did the bridge open?",
     "leading and trailing spaces"),
    ("tabs_and_newlines", "The ferry leaves at\tnine\nand returns at noon.\n\nTickets cost four coins each.",
     "When does the ferry return?", "tabs and newlines stay inside the space-separated words"),
    ("newline_only_words", "North \n South \t East \r\n West are the four gates of Ostrel.",
     "What are the gates?", "words made only of whitespace give no subwords"),
    ("question_with_tabs", "The ferry leaves at nine and returns at noon.", "When\tdoes the\nferry  return?",
     "whitespace inside the question splits like spaces"),
    ("control_characters", "The bell\x07rang twice and the unit\x1fseparator stayed; DEL\x7f too.",
     "What rang?", "control characters are neither whitespace nor punctuation: they stay in the pre-token"),
    ("form_feed_vertical_tab", "The\x0cfirst page\x0bends here and the second page follows.",
     "Where does the first page end?", "\\f is RE2 whitespace (splits), \\v is not (stays in the token)"),
    ("punctuation", "Dr. O'Neil's lab (room 4-B) opened on 3/5/2020; it cost $1,200 -- \"cheap,\" she said!",
     "How much did the lab cost?", "ASCII punctuation and symbols split into their own subwords"),
    ("unicode_punctuation", "«Bonjour», dit-il — puis il partit… “Where?” ¿Dónde? ¡Aquí! 3 € and 5 ° and ± 2.",
     "Where did he go?", "Unicode P* splits; symbols (S*: €, °, ±) do not"),
    ("accents", "Zoë met the café owner in Málaga; the crème brûlée was naïve and the ÉCOLE was closed.",
     "Where did Zoë meet the owner?", "accents kept, no stripping; É is not ASCII so stays upper case"),
    ("combining_marks", "The cafe\u0301 on Rue Mouffetard serves cre\u0300me and coffee.",
     "What does the cafe serve?", "combining marks are not split off: the word becomes [UNK]"),
    ("cjk", "The word 中文 means Chinese, and 東京 is Tokyo. 日本語も少し話します。",
     "What does 東京 mean?", "CJK ideographs split one by one; kana do not"),
    ("emoji", "The party 🎉 starts at 8pm 🙂 so bring snacks 🍕 and music!",
     "When does the party start?", "emoji are symbols: they stay inside words and become [UNK]"),
    ("non_ascii_letters", "Москва is the capital; straße means street; Ж, ß and İstanbul are unknown here.",
     "What does straße mean?", "letters outside the vocabulary give [UNK] for the whole pre-token"),
    ("no_break_space", "The summit is ten\u00a0kilometres from the hut, past the\u2003lake.",
     "How far is the summit?", "U+00A0 and U+2003 are neither a space for StrSplit nor RE2 \\s"),
    ("unknown_words", "Xqzvy plorked the glimberwocks near Zzyzx before the thrumbling snarfle.",
     "Who plorked the glimberwocks?", "invented words split into ## pieces"),
    ("long_word", f"The disease called {LONG_WORD} affects miners.",
     "What affects miners?", "a 135-byte word is [UNK]"),
    ("word_of_100_bytes", f"The code {WORD_100} opens the safe.", "What opens the safe?",
     "a 100-byte word is still split by WordPiece"),
    ("accented_word_bytes", f"Shout {ACCENTED_100} or whisper {ACCENTED_102} twice.", "What should you shout?",
     "50 x 'é' = 100 bytes (pieces), 51 x 'é' = 102 bytes ([UNK])"),
    ("special_token_text", "Type [SEP] to end and [CLS] to start; [UNK] means unknown.",
     "What ends the input?", "literal [SEP] in text is split by punctuation, not a special token"),
    ("hyphens_and_digits", "The well-known 3.14-metre pole stood at km 42 since 1999-04-01.",
     "How long is the pole?", "one word, several subwords; the answer text is the whole word"),
    ("empty_question", LIGHTHOUSE, "", "no query subwords"),
    ("empty_context", "", "What is here?", "no context: no answers"),
    ("spaces_only_context", "     ", "What is here?", "no words: no answers"),
    ("one_word_context", "Yes", "Is it?", "a single word"),
    ("long_context_truncated", ORCHARD, "What was the oldest press built from?",
     "context longer than the window: truncated to seq_len - len(query) - 3"),
    ("long_context_early_answer", ORCHARD, "What does the village hold every autumn?", "truncated context"),
    ("answer_at_truncation_edge", ORCHARD, "What do children collect?",
     "with qa_mobilebert_s64_float two answers end on the last context position kept after truncation"),
    ("long_question", LIGHTHOUSE, LONG_QUESTION, "more than 64 query subwords: the query is cut to 64"),
    ("very_long_question", ORCHARD, " ".join([LONG_QUESTION] * 2),
     "over 64 query subwords with either vocabulary: cut to 64; with S=64 nothing fits (expected_error)"),
    ("question_of_40_subwords", LIGHTHOUSE,
     "Who, among all the people named in this short text about a lighthouse and its lamp and oil, built it?",
     "a long (not truncated) query leaves little room for the context"),
    ("teacher_shared", None, "What is a course of study called?",
     "the SQuAD 'Teacher' passage, read from ../shared (not stored here)"),
]

TEACHER_REFERENCE = {"file": "qa/squad-v1.1-dev-half-a.json", "title": "Teacher", "paragraph": 0}
