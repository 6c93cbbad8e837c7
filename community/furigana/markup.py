"""Furigana laid over a rendered HTML page: every text node in Japanese gets <ruby> around its kanji.

The page is read as a stream of tags and text (the markup itself is written back byte for byte): only text
between tags changes, never an attribute, a comment, the text of <script>, <style>, <textarea> or <title>, the
inside of <code>, <kbd>, <samp>, <pre>, <option>, <svg>, <math>, an existing <ruby>, or an element marked
translate="no" or with a lang other than Japanese. The reading is hidden from screen readers
(<rt aria-hidden="true">), so the text is read once, as written.
"""

from __future__ import annotations

import re

from community.furigana.readings import KANJI, LocalDictionary, segments

_TAG = re.compile(r"<!--.*?-->|<![^>]*>|<\?[^>]*>|<(/?)([A-Za-z][A-Za-z0-9:-]*)([^>]*)>", re.S)
_ATTRIBUTE = r"(?:^|\s){}\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+))"
_LANG = re.compile(_ATTRIBUTE.format("lang"), re.I)
_TRANSLATE = re.compile(_ATTRIBUTE.format("translate"), re.I)

# Their text is not markup: copied untouched up to the matching end tag.
RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"})
# Their content keeps no ruby: code and the like, form controls' text, graphics, and ruby already there.
SKIPPED = frozenset({"head", "code", "kbd", "samp", "pre", "var", "option", "optgroup", "select", "datalist", "svg",
                     "math", "ruby", "rt", "rp", "template"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                  "track", "wbr"})


def _value(pattern: re.Pattern, attributes: str) -> str | None:
    match = pattern.search(attributes)
    return None if match is None else next(group for group in match.groups() if group is not None)


def _japanese(lang: str) -> bool:
    return lang.lower() == "ja" or lang.lower().startswith("ja-")


def ruby(text: str, dictionary: LocalDictionary) -> str:
    """One text node (as it stands in the HTML, entities and all) with its kanji in <ruby>."""
    if not KANJI.search(text):
        return text
    return "".join(piece if reading is None else f'<ruby>{piece}<rt aria-hidden="true">{reading}</rt></ruby>'
                   for piece, reading in segments(text, dictionary))


def add_furigana(html: str, dictionary: LocalDictionary) -> str:
    """The page with readings over the kanji of its Japanese text (see the module's notes for what is left alone)."""
    out: list[str] = []
    # Open elements: (name, in Japanese, in an element left alone). Japanese until a lang says not; an element
    # left alone (code, translate="no") keeps everything inside it alone.
    stack: list[tuple[str, bool, bool]] = [("", True, False)]
    position = 0
    while position < len(html):
        match = _TAG.search(html, position)
        end = match.start() if match else len(html)
        if end > position:
            text = html[position:end]
            out.append(ruby(text, dictionary) if stack[-1][1] and not stack[-1][2] else text)
        if match is None:
            break
        out.append(match.group())
        position = match.end()
        closing, name, attributes = match.group(1), (match.group(2) or "").lower(), match.group(3) or ""
        if not name:  # a comment, doctype or processing instruction
            continue
        if closing:
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth][0] == name:  # end tags that close nothing open are ignored, as browsers do
                    del stack[depth:]
                    break
            continue
        if name in RAW_TEXT:
            closer = re.compile(rf"</{name}\s*>", re.I).search(html, position)
            stop = closer.end() if closer else len(html)
            out.append(html[position:stop])
            position = stop
            continue
        if name in VOID or attributes.rstrip().endswith("/"):
            continue
        _, japanese, blocked = stack[-1]
        lang = _value(_LANG, attributes)
        if lang is not None:
            japanese = _japanese(lang)
        blocked = blocked or name in SKIPPED or (_value(_TRANSLATE, attributes) or "").lower() == "no"
        stack.append((name, japanese, blocked))
    return "".join(out)
