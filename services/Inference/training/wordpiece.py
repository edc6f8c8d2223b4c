"""BERT's uncased tokenizer (basic tokenizer + WordPiece), as in google-research/bert tokenization.py.

The C# tokenizer (shared/Platform.Tokenizers/WordPiece/) must give the same ids for every text;
tests/Platform.Tokenizers.Tests/Fixtures/wordpiece.jsonl holds ids produced by this file
(`python3 wordpiece.py --fixture` regenerates it).

One deliberate, documented difference from the reference: lower-casing is per code point
(`ch.lower()`), not per word, so Python's context-dependent final-sigma rule never applies; a
per-code-point mapping is what .NET (and most other runtimes) can reproduce exactly.
"""

import json
import sys
import unicodedata

UNK = "[UNK]"
CLS = "[CLS]"
SEP = "[SEP]"
PAD = "[PAD]"
MAX_CHARS_PER_WORD = 100


def load_vocab(path):
    with open(path, encoding="utf-8") as f:
        tokens = [line.rstrip("\n") for line in f]
    return {t: i for i, t in enumerate(tokens)}


def _is_whitespace(ch):
    if ch in (" ", "\t", "\n", "\r"):
        return True
    return unicodedata.category(ch) == "Zs"


def _is_control(ch):
    if ch in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(ch) in ("Cc", "Cf")


def _is_punctuation(ch):
    cp = ord(ch)
    # ASCII symbols that Unicode does not class as punctuation ($, +, ^, `...) split too, as in BERT.
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0x20000 <= cp <= 0x2A6DF
        or 0x2A700 <= cp <= 0x2B73F
        or 0x2B740 <= cp <= 0x2B81F
        or 0x2B820 <= cp <= 0x2CEAF
        or 0xF900 <= cp <= 0xFAFF
        or 0x2F800 <= cp <= 0x2FA1F
    )


def basic_tokenize(text):
    """Clean, lower-case, strip accents, split on whitespace and punctuation, isolate CJK ideographs."""
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_whitespace(ch):
            out.append(" ")
        elif _is_cjk(cp):
            out.append(" " + ch + " ")
        else:
            out.append(ch)
    words = []
    for word in "".join(out).split():
        word = "".join(c.lower() for c in word)
        word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
        current = []
        for ch in word:
            if _is_punctuation(ch):
                if current:
                    words.append("".join(current))
                    current = []
                words.append(ch)
            else:
                current.append(ch)
        if current:
            words.append("".join(current))
    return words


def wordpiece(word, vocab):
    """Greedy longest-match-first; a word with no full segmentation, or too long, is one [UNK]."""
    if len(word) > MAX_CHARS_PER_WORD:
        return [vocab[UNK]]
    ids = []
    start = 0
    while start < len(word):
        end = len(word)
        found = None
        while start < end:
            piece = word[start:end]
            if start > 0:
                piece = "##" + piece
            if piece in vocab:
                found = vocab[piece]
                break
            end -= 1
        if found is None:
            return [vocab[UNK]]
        ids.append(found)
        start = end
    return ids


class Tokenizer:
    def __init__(self, vocab_path):
        self.vocab = load_vocab(vocab_path)
        self.cls = self.vocab[CLS]
        self.sep = self.vocab[SEP]
        self.pad = self.vocab[PAD]
        self._cache = {}

    def encode(self, text, max_length=None):
        """[CLS] pieces [SEP], cut to max_length (keeping [SEP] last)."""
        ids = [self.cls]
        for word in basic_tokenize(text):
            pieces = self._cache.get(word)
            if pieces is None:
                pieces = wordpiece(word, self.vocab)
                self._cache[word] = pieces
            ids.extend(pieces)
        ids.append(self.sep)
        if max_length is not None and len(ids) > max_length:
            ids = ids[: max_length - 1] + [self.sep]
        return ids


FIXTURE_TEXTS = [
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog.",
    "Café déjà vu: naïve résumé, Ångström, façade, Øresund, Straße.",
    "ÀÉÎÕÜ àéîõü ñ Ñ ç Ç",
    "İstanbul ΣΊΣΥΦΟΣ ΟΔΟΣ",
    "don't stop-believing (yes) [no] {maybe} $100 + 5% ^ `tick` ~tilde~ #hash @at",
    "中文分词测试 and 日本語のテキスト mixed with English",
    "한국어 텍스트",
    "Emoji: 😀 🚀 👍🏽 ❤️ and text",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "a" * 101,
    "b" * 100,
    "tabs\tand\nnewlines\r\nand   spaces\u00a0and\u2003em",
    "zero\u200bwidth\u200dspace and control \x07 chars \ufffd replaced",
    "unaffable unbelievable tokenization wordpiece embeddings",
    "GPU-accelerated ONNX Runtime 1.29.0 with int8 quantisation",
    "e-mail: user@example.com, url: https://example.org/path?q=1&x=y",
    "Ωμέγα ελληνικά λέξεις",
    "русский текст для проверки",
    "العربية نص",
    "",
    "   ",
    "...!!!???",
    "x86_64 libc6-dev python3.11",
    "ﬁnancial ligature ﬀ and full-width ＡＢＣ１２３",
]


def write_fixture(vocab_path, out_path):
    tokenizer = Tokenizer(vocab_path)
    with open(out_path, "w", encoding="utf-8") as f:
        for text in FIXTURE_TEXTS:
            f.write(json.dumps({"text": text, "ids": tokenizer.encode(text)}, ensure_ascii=True) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--fixture":
        write_fixture(sys.argv[2], sys.argv[3])
    else:
        print("usage: wordpiece.py --fixture VOCAB.txt OUT.jsonl", file=sys.stderr)
        sys.exit(2)
