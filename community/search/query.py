"""Turn what a user typed into a Whoosh query, and the caller's filters into the documents allowed.

User input never goes through Whoosh's query parser, so no input can raise a syntax error. The query language
is the one people know from web search (shown in the search page's help):

- words separated by spaces (full-width ones too) must all match, each with its spelling variants and readings;
- ``"a quoted phrase"`` matches only as typed (no variants, no readings);
- ``-word`` (or ``-"a phrase"``) excludes the items that contain it as typed;
- ``OR`` (or 「または」) between words makes either one enough.

Anything else is text to look for: an unbalanced quote is ignored, an ``OR`` with nothing on one side is a
no-op, and a query of exclusions alone searches for those words instead.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from whoosh import query as wq

from .analysis import bigrams, is_hiragana_word, normalize, reading_phrase, to_katakana, words
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
    # The same query with every word as typed only (no spelling variants, no readings): what ranks first, and
    # the whole query when variants are switched off.
    exact: wq.Query | None = None


def _phrase(fieldname: str, terms: list[str]) -> wq.Query:
    # Field boosts (schema.py) weigh the clauses; a one-term phrase is just a term.
    return wq.Term(fieldname, terms[0]) if len(terms) == 1 else wq.Phrase(fieldname, terms)


def _exact_query(word: str) -> wq.Query:
    """The word as typed, as a substring of title or body. The index keeps no grams across spaces, so a phrase
    with spaces asks for each of its space-separated parts as typed."""
    parts = word.split()
    if len(parts) > 1:
        return wq.And([_exact_query(part) for part in parts])
    if len(word) == 1:
        # A bigram field has no one-character terms except at run ends, so look for bigrams that
        # start with the character.
        return wq.Or([wq.Prefix("title", word), wq.Prefix("body", word)])
    grams = bigrams(word)
    return wq.Or([_phrase("title", grams), _phrase("body", grams)])


def _word_query(word: str, parsed: ParsedQuery) -> wq.Query:
    """Any of: the word as a substring of title or body, as whole Sudachi words, or as a reading."""
    found = words(word)
    # Sudachi drops punctuation; a word like "セール:" or "c++" must not widen to "セール" or "c",
    # so only words made entirely of Sudachi words get the morphological clause.
    forms = [m.norm for m in found] if sum(m.end - m.start for m in found) == len(word) else []
    clauses = list(_exact_query(word).subqueries)
    if forms:
        parsed.morph_phrases.append(tuple(forms))
        clauses.append(_phrase("morph", forms))
    if len(word) > 1 and is_hiragana_word(word):
        reading = to_katakana(word)
        parsed.readings.append(reading)
        clauses.append(_phrase("reading", reading_phrase(reading)))  # whole words only
    return wq.Or(clauses)


# Lone surrogates cannot be encoded, so the analyser (Sudachi) would raise on them; they are never words.
_SURROGATES = re.compile("[\ud800-\udfff]")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"'})  # NFKC turns ＂ into " already
_TOKENS = re.compile(r'(-?)"([^"]*)"|(\S+)')
OR_WORDS = frozenset({"OR", "または"})


@dataclass(frozen=True)
class Term:
    text: str  # normalised
    exact: bool  # a quoted phrase: as typed only


def terms(text: str | None) -> tuple[list[list[Term]], list[Term]]:
    """The typed text as groups that must all match (each group: alternatives joined by OR) and the terms to
    exclude."""
    text = unicodedata.normalize("NFKC", _SURROGATES.sub(" ", text or "")).translate(_QUOTES)
    if text.count('"') % 2:
        text = text.replace('"', " ")  # an unbalanced quote is not syntax
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    joining = False
    count = 0
    for match in _TOKENS.finditer(text):
        negated, phrase, word = match.group(1), match.group(2), match.group(3)
        if word in OR_WORDS:
            joining = bool(groups)
            continue
        if phrase is not None:
            term = Term(normalize(" ".join(phrase.split()))[:MAX_WORD_CHARS], exact=True)
        else:
            negated = "-" if len(word) > 1 and word.startswith("-") else ""
            term = Term(normalize(word[1:] if negated else word)[:MAX_WORD_CHARS], exact=False)
        if not term.text or count >= MAX_WORDS:
            continue
        count += 1
        if negated:
            excluded.append(Term(term.text, exact=True))
        elif joining:
            groups[-1].append(term)
        else:
            groups.append([term])
        joining = False
    if not groups:  # nothing to look for but exclusions: look for those words instead
        groups, excluded = [[Term(t.text, exact=False)] for t in excluded], []
    return groups, excluded


def parse(text: str | None) -> ParsedQuery | None:
    """Build the query for what the user typed; None when there is nothing to look for."""
    groups, excluded = terms(text)
    if not groups:
        return None
    shown = list(dict.fromkeys(term.text for group in groups for term in group))
    parsed = ParsedQuery(query=wq.NullQuery, words=shown)

    def one(term: Term) -> wq.Query:
        return _exact_query(term.text) if term.exact else _word_query(term.text, parsed)

    def combined(make) -> wq.Query:
        clauses = [wq.Or([make(t) for t in group]) if len(group) > 1 else make(group[0]) for group in groups]
        query = clauses[0] if len(clauses) == 1 else wq.And(clauses)
        if excluded:
            query = wq.AndNot(query, wq.Or([_exact_query(t.text) for t in excluded]))
        return query

    parsed.query = combined(one)
    parsed.exact = combined(lambda term: _exact_query(term.text))
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
