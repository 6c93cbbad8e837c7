"""The readings of a text: which runs of kanji are read how, from the local dictionary first, then Sudachi.

A text is cut where a local name occurs (the longest one wins: 相模大野 before 相模), the rest goes to Sudachi in
SplitMode C (whole names); each word's reading is laid over its kanji so that kana written in the word stay
bare (星が丘 → 星[ほし]が丘[おか], 食べる → 食[た]べる). Results are kept per (dictionary, text) in an LRU, so an
interface string is read once per process and changed user content is simply a new key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

# Kanji (with 々 and the small ヶ/ヵ read inside names: 宮ヶ瀬) get a reading; everything else is written as is.
KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヵヶ]")
_KANJI_RUN = re.compile(KANJI.pattern + "+")
_HIRAGANA = re.compile(r"[\u3041-\u3096ー]+")
SUDACHI_MAX_CHARS = 12_000  # below Sudachi's input limit (see search.analysis)
CACHE_SIZE = 50_000

Segment = tuple[str, str | None]  # (text, its reading in hiragana, or None for text shown without one)


def to_hiragana(text: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" and ch not in "ヵヶ" else ch for ch in text)


def is_reading(text: str) -> bool:
    """A reading admins may give: hiragana (and ー) only."""
    return bool(_HIRAGANA.fullmatch(text))


class LocalDictionary:
    """Local names and their readings (hiragana); equal and hashed by content, so it can be part of a cache key."""

    __slots__ = ("entries", "_hash", "_pattern")

    def __init__(self, entries: dict[str, str]):
        self.entries = {surface: reading for surface, reading in entries.items() if KANJI.search(surface) and reading}
        self._hash = hash(tuple(sorted(self.entries.items())))
        names = sorted(self.entries, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, names))) if names else None

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocalDictionary) and self.entries == other.entries

    def split(self, text: str) -> Iterable[tuple[str, str | None]]:
        """The text cut at local names: (name, its reading) and (text between, None)."""
        start = 0
        if self._pattern is not None:
            for match in self._pattern.finditer(text):
                if match.start() > start:
                    yield text[start:match.start()], None
                yield match.group(), self.entries[match.group()]
                start = match.end()
        if start < len(text):
            yield text[start:], None


def align(surface: str, reading: str) -> list[Segment]:
    """A word's reading laid over its kanji runs, the kana of the word matched in the reading; the whole word
    under the whole reading when they cannot be matched (熟字訓 such as 今日)."""
    if not KANJI.search(surface):
        return [(surface, None)]
    reading = to_hiragana(reading)
    parts = re.split(f"({_KANJI_RUN.pattern})", surface)
    pattern = "".join("(.+?)" if KANJI.fullmatch(part[:1] or "x") else f"({re.escape(to_hiragana(part))})"
                      for part in parts if part)
    match = re.fullmatch(pattern, reading)
    if match is None:
        return [(surface, reading)]
    return [(part, read if KANJI.fullmatch(part[:1]) else None)
            for part, read in zip([p for p in parts if p], match.groups(), strict=True)]


def _sudachi_segments(text: str) -> list[Segment]:
    from community.search.analysis import long_unit_tokenizer

    tokenizer = long_unit_tokenizer()
    segments: list[Segment] = []
    for offset in range(0, len(text), SUDACHI_MAX_CHARS):
        chunk = text[offset:offset + SUDACHI_MAX_CHARS]
        for m in tokenizer.tokenize(chunk):
            surface = chunk[m.begin():m.end()]
            reading = m.reading_form()
            if KANJI.search(surface) and reading and all("ァ" <= ch <= "ヶ" or ch == "ー" for ch in reading):
                segments.extend(align(surface, reading))
            else:
                segments.append((surface, None))
    return segments


@functools.lru_cache(maxsize=CACHE_SIZE)
def segments(text: str, dictionary: LocalDictionary) -> tuple[Segment, ...]:
    """The text as segments whose texts join to it again; kanji carry their reading. Cached per text."""
    found: list[Segment] = []
    for part, reading in dictionary.split(text):
        if reading is not None:
            found.extend(align(part, reading))
        elif KANJI.search(part):
            found.extend(_sudachi_segments(part))
        else:
            found.append((part, None))
    merged: list[Segment] = []  # adjacent bare pieces joined: fewer, larger strings to write out
    for piece, reading in found:
        if reading is None and merged and merged[-1][1] is None:
            merged[-1] = (merged[-1][0] + piece, None)
        else:
            merged.append((piece, reading))
    return tuple(merged)
