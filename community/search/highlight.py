"""HTML-safe snippets of a hit's stored body with the matched words marked by ``<mark>``.

Whoosh's term highlighter cannot mark bigram phrases well (overlapping bigrams are skipped, and a
bigram of the query is marked even where the whole phrase does not occur), so the matches are found
here on the normalised text, mapped back to the stored text, and handed to Whoosh's fragmenter and a
formatter that escapes everything it does not mark.
"""

from __future__ import annotations

from html import escape

from whoosh import highlight
from whoosh.analysis import Token

from .analysis import normalize_with_offsets, reading_runs, words
from .query import ParsedQuery

SNIPPET_CHARS = 160
CONTEXT_CHARS = 30
MAX_FRAGMENTS = 2
# Only the start of a very long body is examined, which keeps a page of snippets cheap.
SCAN_CHARS = 4000
ELLIPSIS = " … "


def _find_all(haystack: str, needle: str):
    start = haystack.find(needle)
    while start != -1:
        yield start, start + len(needle)
        start = haystack.find(needle, start + 1)


def _reading_spans(norm: str, readings: list[str]):
    """Spans of the words whose katakana readings spell one of the (hiragana) query words."""
    for run in reading_runs(words(norm)):
        joined = ""
        owner: list[int] = []  # reading character -> index of its word in the run
        for index, (_, reading) in enumerate(run):
            joined += reading
            owner.extend([index] * len(reading))
        for reading in readings:
            for start, end in _find_all(joined, reading):
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
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(starts[s], ends[e - 1]) for s, e in merged]


class _SpanAnalyzer:
    """A stand-in analyzer for ``whoosh.highlight.highlight``: the marked spans as matched tokens,
    every other character as an unmatched token the fragmenter uses for context."""

    MATCH = "\x00match"

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans

    def __call__(self, text, chars=True, mode="", removestops=False, **kwargs):
        token = Token(positions=False, chars=True, removestops=False, mode=mode)
        position = 0
        for start, end in [*self.spans, (len(text), len(text))]:
            # Characters far from every match cannot end up in a fragment; skipping them keeps a
            # long body cheap.
            near = [*range(position, min(start, position + SNIPPET_CHARS))]
            near += range(max(near[-1] + 1 if near else position, start - SNIPPET_CHARS), start)
            for i in near:
                token.text, token.startchar, token.endchar = "", i, i + 1
                yield token
            if end > start:
                token.text, token.startchar, token.endchar = self.MATCH, start, end
                yield token
            position = max(position, end)


class MarkFormatter(highlight.Formatter):
    """Escapes all text and wraps matches in ``<mark>``; nothing else reaches the HTML."""

    between = ELLIPSIS

    def _text(self, text):
        return escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(highlight.get_text(text, token, replace), quote=False)}</mark>"

    def format_fragment(self, fragment, replace=False):
        html = super().format_fragment(fragment, replace=replace)
        before = "…" if fragment.startchar > 0 else ""
        after = "…" if fragment.endchar < len(fragment.text) else ""
        return before + html + after


def snippet_html(body: str, parsed: ParsedQuery | None) -> str:
    """The snippet for one hit: fragments around the matches, or the start of the body."""
    body = body or ""
    scanned = body[:SCAN_CHARS]
    spans = match_spans(scanned, parsed) if parsed else []
    if spans:
        html = highlight.highlight(
            scanned,
            [_SpanAnalyzer.MATCH],
            _SpanAnalyzer(spans),
            highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=CONTEXT_CHARS),
            MarkFormatter(),
            top=MAX_FRAGMENTS,
            order=highlight.FIRST,
        )
        if html:
            return html
    head = body[:SNIPPET_CHARS]
    return escape(head, quote=False) + ("…" if len(body) > SNIPPET_CHARS else "")
