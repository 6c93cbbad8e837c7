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
        if tag in ("script", "iframe", "svg", "object", "embed", "style", "img") and not self._site_chrome(tag, values):
            self.problems.append(f"<{tag} {values}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag} {name}={value!r}")
            if name in ("href", "src", "action") and (value or "").replace(" ", "").lower().startswith(
                    ("javascript:", "data:", "vbscript:")):
                self.problems.append(f"{tag} {name}={value!r}")


    @staticmethod
    def _site_chrome(tag: str, values: dict) -> bool:
        """The site's own scripts and pictures, and the head's schema.org data block (data: no src, never run)."""
        if tag == "script":
            return (values.get("src") or "").startswith(SITE_SCRIPTS) or values == {"type": "application/ld+json"}
        return tag == "img" and (values.get("src") or "").startswith(SITE_SCRIPTS)


def dangerous_markup(page: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(page)
    return scanner.problems
