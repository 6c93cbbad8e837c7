"""Japanese text analysis for the search index: normalisation, character bigrams, Sudachi words and readings.

Three views of the same text are indexed (see ``schema.py``):

* character bigrams of the NFKC-normalised, case-folded text, so that any substring of two or more
  characters is found as a phrase of bigrams (Japanese has no spaces between words, and Whoosh's
  StandardAnalyzer would index a whole sentence as one "word");
* Sudachi words (SplitMode B), indexed by their ``normalized_form()`` so spelling variants meet
  (子ども/子供/こども, かわいい/可愛い); matches here are boosted so whole-word hits rank first;
* Sudachi readings (katakana), as bigrams over runs of adjacent words with a marker term at every word
  boundary, so a hiragana query finds kanji text (さがみはら -> 相模原市, こそだて -> 子育て), also over
  several whole words (はままつし -> 浜松 + 市), but only from the start of a word to the end of one: the
  end of one word's reading joined to the start of the next (じしん in 自 + 身近) never matches.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import unicodedata
from collections.abc import Sequence
from typing import Any, NamedTuple

from whoosh.analysis import Token, Tokenizer

from . import stored

# Sudachi refuses inputs over 49,149 UTF-8 bytes; 12,000 characters stay below that even at
# four bytes a character.
SUDACHI_MAX_CHARS = 12_000

# Half-width voiced sound marks are not "combining" characters for unicodedata, but NFKC composes
# them with the preceding kana (ｶﾞ -> ガ), so they must be normalised together with it.
_JOINING_MARKS = frozenset("\uff9e\uff9f\u3099\u309a")

_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}
_HIRAGANA_TO_KATAKANA.update({0x309D: 0x30FD, 0x309E: 0x30FE})
_PROLONGED_SOUND_MARK = "\u30fc"


def normalize(text: str) -> str:
    """NFKC-normalise and case-fold: full/half-width forms and letter case stop mattering."""
    return unicodedata.normalize("NFKC", text).casefold()


@functools.lru_cache(maxsize=8192)
def _normalize_char(ch: str) -> str:
    return normalize(ch)


def _combining_class() -> re.Pattern:
    """A regex for characters NFKC may merge with the preceding one (combining marks, voiced marks)."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x300, 0x10000):
        if unicodedata.combining(chr(code)) or chr(code) in _JOINING_MARKS:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[{body}]")


_COMBINING = _combining_class()


def normalize_with_offsets(text: str) -> tuple[str, Sequence[int], Sequence[int]]:
    """Normalise like :func:`normalize` and map each output character back to the input.

    Returns ``(normalised, starts, ends)`` where the normalised character ``i`` came from
    ``text[starts[i]:ends[i]]``. Highlighting needs this because NFKC changes lengths (ｶﾞ -> ガ,
    ㈱ -> (株)) and the snippet must mark the stored, unnormalised text.
    """
    n = len(text)
    if not _COMBINING.search(text):
        # No character merges with its neighbour, so each normalises on its own (memoised, in C).
        pieces = list(map(_normalize_char, text))
        norm = "".join(pieces)
        if len(norm) == n:
            return norm, range(n), range(1, n + 1)
        starts: list[int] = []
        ends: list[int] = []
        for i, piece in enumerate(pieces):
            starts.extend([i] * len(piece))
            ends.extend([i + 1] * len(piece))
        return norm, starts, ends
    out: list[str] = []
    starts, ends = [], []
    i = 0
    while i < n:
        j = i + 1
        while j < n and (unicodedata.combining(text[j]) or text[j] in _JOINING_MARKS):
            j += 1
        piece = _normalize_char(text[i]) if j == i + 1 else normalize(text[i:j])
        out.append(piece)
        starts.extend([i] * len(piece))
        ends.extend([j] * len(piece))
        i = j
    return "".join(out), starts, ends


def to_katakana(text: str) -> str:
    return text.translate(_HIRAGANA_TO_KATAKANA)


def _is_hiragana(ch: str) -> bool:
    return "\u3041" <= ch <= "\u309f"


def _is_katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30ff"


def is_hiragana_word(word: str) -> bool:
    """True for a word written only in hiragana (ー allowed), e.g. さがみはら or らーめん."""
    return any(_is_hiragana(ch) for ch in word) and all(
        _is_hiragana(ch) or ch == _PROLONGED_SOUND_MARK for ch in word
    )


def _is_japanese(ch: str) -> bool:
    # Hiragana, katakana, CJK ideographs (BMP block and extension A) and the iteration mark 々.
    return (
        "\u3041" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch == "々"
    )


def bigrams(word: str) -> list[str]:
    """Overlapping two-character grams of a (normalised) word; the word itself if shorter."""
    if len(word) < 2:
        return [word] if word else []
    return [word[i : i + 2] for i in range(len(word) - 1)]


class Morpheme(NamedTuple):
    """One Sudachi word of a normalised text, with plain values copied out of Sudachi's objects."""

    start: int
    end: int
    surface: str
    norm: str
    reading: str


# --- Sudachi: one dictionary per process, one tokenizer per thread ---------------------------------
# Loading the dictionary is the slow part. A Sudachi Tokenizer raises "already in use" when two
# threads call it at once, so each thread (and each forked writer process) gets its own tokenizer
# from the shared dictionary.

_dictionary = None
_dictionary_lock = threading.Lock()
_local = threading.local()
_SUDACHI_FIELDS = {"surface", "normalized_form", "reading_form"}


def _sudachi(short_units: bool = False, long_units: bool = False):
    """This thread's tokenizer: SplitMode B, or A (short units) with ``short_units`` (a tokenizer of its own, so
    that it can split a word while the other one's results are being read), or C (whole names) with
    ``long_units``."""
    global _dictionary
    name = "short_tokenizer" if short_units else "long_tokenizer" if long_units else "tokenizer"
    cached = getattr(_local, name, None)
    if cached is not None and cached[0] == os.getpid():
        return cached[1]
    from sudachipy import Dictionary, SplitMode

    with _dictionary_lock:
        if _dictionary is None:
            _dictionary = Dictionary(dict="core")
        mode = SplitMode.A if short_units else SplitMode.C if long_units else SplitMode.B
        tokenizer = _dictionary.tokenizer(mode=mode, fields=_SUDACHI_FIELDS)
    setattr(_local, name, (os.getpid(), tokenizer))
    return tokenizer


def long_unit_tokenizer():
    """This thread's Sudachi tokenizer in SplitMode C (相模大野 as one word), sharing the search's dictionary: furigana
    reads whole names."""
    return _sudachi(long_units=True)


def _chunks(text: str):
    """Split text for Sudachi's input limit, preferring line and sentence ends as cut points."""
    offset, n = 0, len(text)
    while n - offset > SUDACHI_MAX_CHARS:
        window_end = offset + SUDACHI_MAX_CHARS
        cut = max(text.rfind("\n", offset, window_end), text.rfind("。", offset, window_end))
        cut = cut + 1 if cut > offset + SUDACHI_MAX_CHARS // 2 else window_end
        yield offset, text[offset:cut]
        offset = cut
    if offset < n:
        yield offset, text[offset:]


# The highlighter asks for the words of the same text twice (spelling variants, then readings).
_last_analysis: tuple[str, tuple[Morpheme, ...]] = ("", ())


def words(text: str) -> tuple[Morpheme, ...]:
    """Sudachi words (SplitMode B) of an already normalised text, punctuation and spaces dropped."""
    global _last_analysis
    last_text, last_words = _last_analysis
    if text == last_text:
        return last_words
    tokenizer = _sudachi()
    found = []
    for offset, chunk in _chunks(text):
        for m in tokenizer.tokenize(chunk):
            surface = m.surface()
            if any(ch.isalnum() for ch in surface):
                found.append(
                    Morpheme(
                        offset + m.begin(),
                        offset + m.end(),
                        surface,
                        normalize(m.normalized_form()),
                        m.reading_form(),
                    )
                )
    result = tuple(found)
    _last_analysis = (text, result)
    return result


def _word_reading(m: Morpheme) -> str | None:
    """Katakana reading of a Japanese word; None for words that have none (Latin, digits, unknown kanji)."""
    if not any(_is_japanese(ch) for ch in m.surface):
        return None
    if m.reading and all(_is_katakana(ch) for ch in m.reading):
        return m.reading
    kana = to_katakana(m.surface)
    return kana if all(_is_katakana(ch) for ch in kana) else None


@functools.lru_cache(maxsize=65536)
def reading_parts(surface: str, reading: str) -> tuple[str, ...]:
    """A word's reading cut where Sudachi's short units (SplitMode A) meet: 浜松市 -> ハママツ, シ. These are the
    "whole words" a reading query may start and end on (はままつ finds 浜松市, つし finds nothing). The reading
    stays whole when the short units do not spell it exactly."""
    if len(surface) < 2:
        return (reading,)
    parts = tuple(_word_reading(Morpheme(0, 0, m.surface(), "", m.reading_form())) or ""
                  for m in _sudachi(short_units=True).tokenize(surface))
    return parts if len(parts) > 1 and all(parts) and "".join(parts) == reading else (reading,)


def reading_runs(text_words: tuple[Morpheme, ...]) -> list[list[tuple[Morpheme, tuple[str, ...]]]]:
    """Group adjacent words that have readings, each with its reading cut into short units (see
    :func:`reading_parts`); a run breaks at punctuation, spaces or Latin words.

    Reading bigrams are generated per run, so a reading query can span several whole words (浜松+市)
    but never jumps over a comma or a space.
    """
    runs: list[list[tuple[Morpheme, tuple[str, ...]]]] = []
    current: list[tuple[Morpheme, tuple[str, ...]]] = []
    for m in text_words:
        reading = _word_reading(m)
        if reading is None or (current and current[-1][0].end != m.start):
            if current:
                runs.append(current)
            current = []
        if reading is not None:
            current.append((m, reading_parts(m.surface, reading)))
    if current:
        runs.append(current)
    return runs


# --- index-time token streams -------------------------------------------------------------------------
# (terms, positions) of each indexed view of a text: the Whoosh tokenizers below emit them one by one, and
# bulk.py (rebuilds) takes the lists whole.

_WORD = re.compile(r"\S+")
_SPACE = re.compile(r"\s")


def bigram_tokens(value: str) -> tuple[list[str], Any]:
    """Character bigrams at their character positions; the last character before a space or the end is
    emitted alone, so a one-character prefix query finds it. Grams never contain whitespace."""
    text = normalize(value)
    if _SPACE.search(text) is None:
        return [text[i : i + 2] for i in range(len(text))], range(len(text))
    grams: list[str] = []
    positions: list[int] = []
    for match in _WORD.finditer(text):
        word, start = match.group(), match.start()
        grams += [word[i : i + 2] for i in range(len(word))]
        positions += range(start, start + len(word))
    return grams, positions


_DROPPED = object()
_MORPH_CACHE_SIZE = 200_000


def _morph_info(surface: str, normalized_form: str, reading_form: str):
    """What ``words()`` and ``reading_runs()`` make of one Sudachi morpheme: (term, reading parts or None) or
    _DROPPED."""
    if not any(ch.isalnum() for ch in surface):
        return _DROPPED
    m = Morpheme(0, 0, surface, normalize(normalized_form), reading_form)
    reading = _word_reading(m)
    return m.norm, None if reading is None else reading_parts(surface, reading)


_morph_cache: dict[tuple[str, str, str], Any] = {}


def morph_and_reading_tokens(value: str) -> tuple[tuple[list[str], Any], tuple[list[str], list[int]]]:
    """Sudachi words (normalized forms) and the reading field's terms of the same text, from one analysis.

    The same as ``words()`` followed by ``reading_runs()`` (what the highlighter uses): reading bigrams run
    over adjacent words and a run ends at punctuation, a space or a word without a reading (see
    :func:`reading_layout` for the positions). What a morpheme's surface, normalised form and reading give is
    remembered: most words recur from document to document.
    """
    cache = _morph_cache
    if len(cache) > _MORPH_CACHE_SIZE:
        cache.clear()
    tokenizer = _sudachi()
    morph: list[str] = []
    grams: list[str] = []
    positions: list[int] = []
    pos = 0
    run: list[str] = []  # readings (short units) of the current run of adjacent words
    run_end = 0
    for offset, chunk in _chunks(normalize(value)):
        for m in tokenizer.tokenize(chunk):
            key = (m.surface(), m.normalized_form(), m.reading_form())
            info = cache.get(key)
            if info is None:
                info = cache[key] = _morph_info(*key)
            if info is _DROPPED:
                continue
            term, reading = info
            morph.append(term)
            if reading is None:
                if run:
                    pos = reading_layout(run, grams, positions, pos)
                    run = []
                continue
            if run and run_end != offset + m.begin():
                pos = reading_layout(run, grams, positions, pos)
                run = []
            run.extend(reading)
            run_end = offset + m.end()
    if run:
        reading_layout(run, grams, positions, pos)
    return (morph, range(len(morph))), (grams, positions)


# The reading field's term at every word boundary of a run (never a katakana bigram).
WORD_BOUNDARY = "|"
# Positions left empty between two runs, so that no phrase spans them.
RUN_GAP = 2


def reading_layout(run: list[str], grams: list[str], positions: list[int], pos: int) -> int:
    """Append the reading field's terms of one run of adjacent words' readings (cut into short units, see
    :func:`reading_parts`), starting at position ``pos``; returns the position the next run starts at.

    The run's reading ``r`` (the words' readings joined) is laid out by character offsets: the bigram
    ``r[k:k+2]`` at ``pos + 1 + k`` and :data:`WORD_BOUNDARY` at ``pos + b`` for each offset ``b`` where a word
    starts or the run ends. A reading query is the phrase boundary, its bigrams, boundary
    (:func:`reading_phrase`), so it matches only whole words (one or several adjacent ones). Terms come in
    position order, which keeps every term's positions sorted.
    """
    reading = "".join(run)
    if len(reading) < 2:
        return pos + RUN_GAP
    boundaries = {0}
    offset = 0
    for word in run:
        offset += len(word)
        boundaries.add(offset)
    for k in range(len(reading) + 1):  # at each position: the boundary first, then the bigram
        if k in boundaries:
            grams.append(WORD_BOUNDARY)
            positions.append(pos + k)
        if 0 < k < len(reading):
            grams.append(reading[k - 1 : k + 1])
            positions.append(pos + k)
    return pos + len(reading) + RUN_GAP


def reading_phrase(reading: str) -> list[str]:
    """The reading field's terms a reading query (katakana, two characters or more) looks for, in order."""
    return [WORD_BOUNDARY, *bigrams(reading), WORD_BOUNDARY]


# --- per-field accumulators --------------------------------------------------------------------------


# --- Whoosh tokenizers -------------------------------------------------------------------------------
# They hold no state, so the schema (which Whoosh pickles into the index) stays small and picklable. They
# give terms and positions only (the highlighter finds its own spans, see highlight.py).


# Bump when a tokenizer's output changes: an index built by an older version then reports that it
# must be rebuilt (see schema.is_current) instead of silently missing documents.
ANALYSIS_VERSION = 3  # 3: word boundaries in the reading field

# The morphological and reading fields analyse the same text one after the other; the last analysis is
# kept so that Sudachi runs once for both.
_last_tokens: tuple[str | None, tuple] = (None, ())


def _morph_and_reading(value: str):
    global _last_tokens
    last_value, tokens = _last_tokens
    if value != last_value:
        tokens = morph_and_reading_tokens(value)
        _last_tokens = (value, tokens)
    return tokens


class _JapaneseTokenizer(Tokenizer):
    def __init__(self):
        self.version = ANALYSIS_VERSION  # pickled with the schema into the index

    def __eq__(self, other):
        return self.__class__ is other.__class__ and self.version == getattr(other, "version", None)

    def __hash__(self):
        return hash((self.__class__.__name__, self.version))

    def terms(self, value: str):
        raise NotImplementedError

    def __call__(
        self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
        start_pos=0, start_char=0, tokenize=True, mode="", **kwargs,
    ):
        if chars:
            raise ValueError(f"{type(self).__name__} gives no character offsets")
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        texts, places = self.terms(value)
        for text, place in zip(texts, places, strict=True):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + place
            yield token


class BigramTokenizer(_JapaneseTokenizer):
    """Character bigrams (see :func:`bigram_tokens`)."""

    __reduce__ = stored.reduce_by_name  # pickled into tables of contents by a name that never moves

    def terms(self, value: str):
        return bigram_tokens(value)


class MorphTokenizer(_JapaneseTokenizer):
    """Sudachi normalized forms, one token per word."""

    __reduce__ = stored.reduce_by_name

    def terms(self, value: str):
        return _morph_and_reading(value)[0]


class ReadingTokenizer(_JapaneseTokenizer):
    """Katakana reading bigrams over runs of adjacent words, with word boundaries (see :func:`reading_layout`)."""

    __reduce__ = stored.reduce_by_name

    def terms(self, value: str):
        return _morph_and_reading(value)[1]
