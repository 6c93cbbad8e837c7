"""HTML-safe snippets of a hit's stored body with the matched words marked by ``<mark>``.

Whoosh's term highlighter cannot mark bigram phrases well (overlapping bigrams are skipped, and a
bigram of the query is marked even where the whole phrase does not occur), so the matches are found
here on the normalised text and mapped back to the stored text; fragments around them are escaped
except for the ``<mark>`` elements.
"""

from __future__ import annotations

from html import escape

from .analysis import normalize_with_offsets, reading_runs, words
from .query import ParsedQuery

SNIPPET_CHARS = 160
CONTEXT_CHARS = 30
MAX_FRAGMENTS = 2
# Only the start of a very long body is examined, which keeps a page of snippets cheap.
SCAN_CHARS = 4000
FRAGMENT_SEPARATOR = " "  # each fragment carries its own "…"


def _find_all(haystack: str, needle: str):
    start = haystack.find(needle)
    while start != -1:
        yield start, start + len(needle)
        start = haystack.find(needle, start + 1)


def _reading_spans(norm: str, readings: list[str]):
    """Spans of the whole words (one or several adjacent ones) whose katakana readings spell one of the
    (hiragana) query words, as the reading field matches them."""
    for run in reading_runs(words(norm)):
        joined = ""
        owner: list[int] = []  # reading character -> index of its word in the run
        boundaries = {0}
        for index, (_, parts) in enumerate(run):
            for part in parts:
                joined += part
                boundaries.add(len(joined))
                owner.extend([index] * len(part))
        for reading in readings:
            for start, end in _find_all(joined, reading):
                if start in boundaries and end in boundaries:
                    yield run[owner[start]][0].start, run[owner[end - 1]][0].end


def _morph_spans(text_words, phrases: list[tuple[str, ...]]):
    """Spans of adjacent words whose normalized forms spell one of the query's word sequences."""
    forms = [m.norm for m in text_words]
    for phrase in phrases:
        size = len(phrase)
        for i in range(len(forms) - size + 1):
            if forms[i] == phrase[0] and tuple(forms[i : i + size]) == phrase:
                run = text_words[i : i + size]
                if all(a.end == b.start for a, b in zip(run, run[1:], strict=False)):
                    yield run[0].start, run[-1].end


def match_spans(text: str, parsed: ParsedQuery) -> list[tuple[int, int]]:
    """Character spans of ``text`` (the stored, unnormalised body) to mark, merged and in order."""
    norm, starts, ends = normalize_with_offsets(text)
    spans: list[tuple[int, int]] = []
    for word in parsed.words:
        spans.extend(_find_all(norm, word))
    # Every query word present as typed: the snippet has something to show without running Sudachi
    # (the costly part) to mark spelling variants and readings as well.
    if not all(word in norm for word in parsed.words):
        if parsed.morph_phrases:
            spans.extend(_morph_spans(words(norm), parsed.morph_phrases))
        if parsed.readings:
            spans.extend(_reading_spans(norm, parsed.readings))
    # Merged in the stored text's offsets: one character that NFKC expands (㍿ -> 株式会社) may hold
    # the ends of two spans that do not touch in the normalised text.
    merged: list[list[int]] = []
    for start, end in sorted((starts[s], ends[e - 1]) for s, e in spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _fragments(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Windows of at most SNIPPET_CHARS around runs of nearby matches, with CONTEXT_CHARS on each side."""
    fragments: list[tuple[int, int, list[tuple[int, int]]]] = []
    i = 0
    while i < len(spans):
        first = spans[i][0]
        inside = [spans[i]]
        i += 1
        while i < len(spans) and spans[i][1] - first <= SNIPPET_CHARS - 2 * CONTEXT_CHARS:
            inside.append(spans[i])
            i += 1
        start = max(0, first - CONTEXT_CHARS)
        end = min(length, max(inside[-1][1] + CONTEXT_CHARS, start + SNIPPET_CHARS))
        if fragments and fragments[-1][1] > start:  # overlapping the previous window: split the overlap
            previous_start, previous_end, previous_marks = fragments[-1]
            start = max(previous_marks[-1][1], start)
            fragments[-1] = (previous_start, start, previous_marks)
        fragments.append((start, end, inside))
    return fragments


def _fragment_html(text: str, start: int, end: int, marks: list[tuple[int, int]], length: int) -> str:
    html = ["…" if start > 0 else ""]
    position = start
    for mark_start, mark_end in marks:
        html.append(escape(text[position:mark_start], quote=False))
        html.append(f"<mark>{escape(text[mark_start:mark_end], quote=False)}</mark>")
        position = mark_end
    html.append(escape(text[position:end], quote=False))
    html.append("…" if end < length else "")
    return "".join(html)


def snippet_html(body: str, parsed: ParsedQuery | None) -> str:
    """The snippet for one hit: up to MAX_FRAGMENTS fragments around the matches (those with the most
    matches, in text order), or the start of the body."""
    body = body or ""
    scanned = body[:SCAN_CHARS]
    spans = match_spans(scanned, parsed) if parsed else []
    if spans:
        fragments = _fragments(spans, len(scanned))
        best = sorted(sorted(range(len(fragments)), key=lambda k: -len(fragments[k][2]))[:MAX_FRAGMENTS])
        chosen: list[tuple[int, int, list[tuple[int, int]]]] = []
        for k in best:
            start, end, marks = fragments[k]
            if chosen and chosen[-1][1] == start:  # adjacent windows read as one
                chosen[-1] = (chosen[-1][0], end, chosen[-1][2] + marks)
            else:
                chosen.append((start, end, marks))
        return FRAGMENT_SEPARATOR.join(_fragment_html(scanned, *fragment, len(body)) for fragment in chosen)
    head = body[:SNIPPET_CHARS]
    return escape(head, quote=False) + ("…" if len(body) > SNIPPET_CHARS else "")
