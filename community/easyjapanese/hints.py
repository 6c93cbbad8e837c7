"""Writing hints for a やさしい日本語 text: long sentences, kanji beyond the second school year without furigana,
double negatives and katakana loan words. Hints are advice for the editor; nothing is ever refused for them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from community.easyjapanese.kanji import EASY_KANJI
from community.search.analysis import words

MAX_SENTENCE = 24  # characters, furigana and spaces not counted
MAX_HINTS = 50     # a very long text gets the first ones: enough to learn from

# Furigana written after a word in brackets, half- or full-width: 避難(ひなん), 避難（ひなん）.
FURIGANA = re.compile(r"[(（][\u3041-\u309f\u30a1-\u30ffー]+[)）]")
_KANJI_RUN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf々]+")
_SENTENCE = re.compile(r"[^。．！？!?\n]+[。．！？!?]*")
_KATAKANA_WORD = re.compile(r"^[\u30a1-\u30faー・]+$")
_DOUBLE_NEGATIVES = re.compile(
    r"(?:な|ませ)(?:い|ん)(?:こと|わけ)(?:は|では|じゃ|も)(?:ない|ありません|ございません)"
    r"|なく(?:も|は)(?:ない|ありません)"
    r"|ないでも(?:ない|ありません)"
    r"|ないとは(?:限らない|限りません|言えない|言えません|いえない|いえません)"
    r"|ざるを(?:得|え)(?:ない|ません)"
)
# Markdown link targets and bare addresses are not read as text.
_ADDRESSES = re.compile(r"\]\([^)]*\)|https?://\S+")


@dataclass(frozen=True)
class Hint:
    kind: str      # long_sentence, kanji, double_negative, loan_word
    text: str      # the part of the text the hint is about
    message: str   # the advice, in the interface language

    def as_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "message": self.message}


def _hiragana(katakana: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in katakana)


def _sentences(text: str) -> list[Hint]:
    hints = []
    for match in _SENTENCE.finditer(text):
        sentence = match.group().strip()
        length = len(re.sub(r"\s", "", FURIGANA.sub("", sentence)).rstrip("。．！？!?"))
        if length > MAX_SENTENCE:
            hints.append(Hint("long_sentence", sentence, _(
                "この文は%(n)d文字あります。%(max)d文字までの短い文に分けましょう。", n=length, max=MAX_SENTENCE)))
    return hints


def _kana(text: str) -> bool:
    return all("\u3041" <= ch <= "\u30ff" for ch in text)


def _reading(text: str, start: int, end: int) -> str:
    """How Sudachi reads the kanji in text[start:end], in hiragana, from the words of the text around it: a word's
    kana before and after the run (住んで → 住ん → す) are cut from its reading. "" when it cannot be told."""
    parts = []
    for word in words(text):
        if word.end <= start or word.start >= end:
            continue
        before = word.surface[:max(0, start - word.start)]
        after = word.surface[len(word.surface) - max(0, word.end - end):] if word.end > end else ""
        reading = _hiragana(word.reading)
        if not _kana(before + after) or not reading.startswith(_hiragana(before)) \
                or not reading.endswith(_hiragana(after)):
            return ""
        reading = reading[len(before):len(reading) - len(after)]
        if not reading or not _kana(reading):
            return ""
        parts.append(reading)
    return "".join(parts)


def _kanji(text: str) -> list[Hint]:
    hints, seen = [], set()
    for match in _KANJI_RUN.finditer(text):
        run = match.group()
        hard = [ch for ch in run if ch not in EASY_KANJI and ch != "々"]
        if not hard or FURIGANA.match(text, match.end()) or run in seen:
            continue
        seen.add(run)
        reading = _reading(text, match.start(), match.end())
        example = f"{run}（{reading}）" if reading else f"{run}（…）"
        hints.append(Hint("kanji", run, _(
            "「%(word)s」の「%(kanji)s」は小学2年生までに習わない漢字です。ふりがなを付けるか（例: %(example)s）、"
            "ひらがなで書きましょう。", word=run, kanji="".join(dict.fromkeys(hard)), example=example)))
    return hints


def _double_negatives(text: str) -> list[Hint]:
    return [Hint("double_negative", match.group(), _(
        "「%(phrase)s」は二重否定です。「〜します」「〜できます」のように、はっきり言いましょう。",
        phrase=match.group())) for match in _DOUBLE_NEGATIVES.finditer(text)]


def _loan_words(text: str) -> list[Hint]:
    hints, seen = [], set()
    for word in words(FURIGANA.sub(lambda m: " " * len(m.group()), text)):
        surface = word.surface
        if len(surface) < 2 or not _KATAKANA_WORD.match(surface) or surface in seen:
            continue
        seen.add(surface)
        hints.append(Hint("loan_word", surface, _(
            "「%(word)s」はカタカナの外来語です。知らない人もいます。やさしい言葉に言いかえるか、説明を付けましょう。",
            word=surface)))
    return hints


def writing_hints(title: str, body: str = "") -> list[Hint]:
    """The hints for a title and a Markdown body, in the order: sentences, kanji, double negatives, loan words."""
    text = _ADDRESSES.sub("]", "\n".join(part for part in (title or "", body or "") if part.strip()))
    if not text.strip():
        return []
    hints = _sentences(text) + _kanji(text) + _double_negatives(text) + _loan_words(text)
    return hints[:MAX_HINTS]
