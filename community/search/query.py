"""Turn what a user typed into a Whoosh query, and the caller's filters into the documents allowed.

User input never goes through Whoosh's query parser: quotes, ``*``, ``:``, brackets and the words
AND/OR/NOT are plain text to look for, so no input can raise a syntax error. Words separated by
spaces (full-width ones too) must all match.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from whoosh import query as wq

from .analysis import bigrams, is_hiragana_word, normalize, to_katakana, words
from .schema import to_naive_utc

# What a user may type (the search inputs' maxlength); /search looks for the beginning of a longer query.
MAX_QUERY = 200
# A word longer than this is cut: phrase queries over hundreds of bigrams only cost time.
MAX_WORD_CHARS = 64
MAX_WORDS = 10


@dataclass
class ParsedQuery:
    """The Whoosh query for the typed text, and what the snippet highlighter should mark."""

    query: wq.Query
    words: list[str]
    morph_phrases: list[tuple[str, ...]] = field(default_factory=list)
    readings: list[str] = field(default_factory=list)


def _phrase(fieldname: str, terms: list[str]) -> wq.Query:
    # Field boosts (schema.py) weigh the clauses; a one-term phrase is just a term.
    return wq.Term(fieldname, terms[0]) if len(terms) == 1 else wq.Phrase(fieldname, terms)


def _word_query(word: str, parsed: ParsedQuery) -> wq.Query:
    """Any of: the word as a substring of title or body, as whole Sudachi words, or as a reading."""
    found = words(word)
    # Sudachi drops punctuation; a word like "セール:" or "c++" must not widen to "セール" or "c",
    # so only words made entirely of Sudachi words get the morphological clause.
    forms = [m.norm for m in found] if sum(m.end - m.start for m in found) == len(word) else []
    if forms:
        parsed.morph_phrases.append(tuple(forms))
    if len(word) == 1:
        # A bigram field has no one-character terms except at run ends, so look for bigrams that
        # start with the character.
        clauses: list[wq.Query] = [wq.Prefix("title", word), wq.Prefix("body", word)]
    else:
        grams = bigrams(word)
        clauses = [_phrase("title", grams), _phrase("body", grams)]
    if forms:
        clauses.append(_phrase("morph", forms))
    if len(word) > 1 and is_hiragana_word(word):
        reading = to_katakana(word)
        parsed.readings.append(reading)
        clauses.append(_phrase("reading", bigrams(reading)))
    return wq.Or(clauses)


# Lone surrogates cannot be encoded, so the analyser (Sudachi) would raise on them; they are never words.
_SURROGATES = re.compile("[\ud800-\udfff]")


def parse(text: str | None) -> ParsedQuery | None:
    """Build the query for what the user typed; None when there is nothing to look for."""
    found = normalize(_SURROGATES.sub(" ", text or "")).split()
    found = [w[:MAX_WORD_CHARS] for w in dict.fromkeys(found)][:MAX_WORDS]
    if not found:
        return None
    parsed = ParsedQuery(query=wq.NullQuery, words=found)
    clauses = [_word_query(w, parsed) for w in found]
    parsed.query = clauses[0] if len(clauses) == 1 else wq.And(clauses)
    return parsed


def _alternatives(fieldname: str, values: Iterable[str]) -> tuple[wq.Query, ...]:
    return tuple(wq.Term(fieldname, str(v)) for v in dict.fromkeys(values) if str(v))


def _day_start(value: dt.date | dt.datetime) -> dt.datetime:
    return to_naive_utc(value)  # type: ignore[return-value]


def _day_end(value: dt.date | dt.datetime) -> dt.datetime:
    # A bare date means the whole day.
    if isinstance(value, dt.datetime):
        return to_naive_utc(value)  # type: ignore[return-value]
    return dt.datetime.combine(value, dt.time.max)


# A filter is an AND of clauses, each an OR of alternative queries. The engine turns each into the
# set of document numbers it allows (see engine.SearchIndex._allowed_docs).
FilterSpec = tuple[tuple[wq.Query, ...], ...]


def build_filter(
    audiences: Iterable[str],
    kind: str | Iterable[str] | None = None,
    area: str | None = None,
    category: str | None = None,
    date_from: dt.date | dt.datetime | None = None,
    date_to: dt.date | dt.datetime | None = None,
) -> FilterSpec | None:
    """The filter every result must pass; None if the caller may see nothing at all.

    Audience is mandatory: results are the documents carrying at least one of the caller's tokens.
    The date range keeps items whose [starts_at, ends_at] overlaps [date_from, date_to]; items
    without dates (shops, notices, ...) drop out as soon as a date is given.
    """
    audience = _alternatives("audience", audiences)
    if not audience:
        return None
    clauses = [audience]
    if kind:
        clauses.append(_alternatives("kind", [kind] if isinstance(kind, str) else kind))
    if area:
        clauses.append(_alternatives("area", [area]))
    if category:
        clauses.append(_alternatives("category", [category]))
    if date_from is not None:
        clauses.append((wq.DateRange("until", _day_start(date_from), None),))
    if date_to is not None:
        clauses.append((wq.DateRange("starts_at", None, _day_end(date_to)),))
    return tuple(c for c in clauses if c)
