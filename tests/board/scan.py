"""What a browser would run in a board page: script elements, on* handlers, javascript: URLs."""

from __future__ import annotations

from html.parser import HTMLParser

SITE_SCRIPTS = ("/static/",)


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("script", "iframe", "svg", "object", "embed", "style", "img") and not (
                tag == "script" and (values.get("src") or "").startswith(SITE_SCRIPTS)):
            self.problems.append(f"<{tag} {values}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag} {name}={value!r}")
            if name in ("href", "src", "action") and (value or "").replace(" ", "").lower().startswith(
                    ("javascript:", "data:", "vbscript:")):
                self.problems.append(f"{tag} {name}={value!r}")


def dangerous_markup(page: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(page)
    return scanner.problems
