"""QR codes of the site's pages (segno, SVG) for signage and printed flyers: the page's public address, its
short form for reading, and the code as an inline SVG or as an SVG file."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import segno
from flask import current_app, request
from markupsafe import Markup, escape

# Error correction M survives a scratched print or a glare on a screen; 4 modules of quiet zone is what the
# standard asks for, on white so a dark screen does not eat it.
ERROR = "m"
BORDER = 4
DARK, LIGHT = "#000", "#fff"


def public_url(path: str) -> str:
    """The address of a path on this site as people outside reach it: SITE_URL when set (a screen or the
    machine printing may reach the site by an internal name), else the address of this request."""
    base = current_app.config.get("SITE_URL") or request.host_url
    return base.rstrip("/") + path


def short_url(url: str) -> str:
    """The address without its scheme, "www." and trailing slash: what a person types, read off a poster."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    rest = parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")
    return host + rest


def qr_code(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR, boost_error=False)


def qr_svg(url: str, label: str) -> Markup:
    """The code as an inline <svg> that scales with its box (no width/height), named `label` for screen
    readers."""
    svg = qr_code(url).svg_inline(border=BORDER, dark=DARK, light=LIGHT, omitsize=True, svgclass="qr-code",
                                  lineclass=None)
    # segno writes only numbers and fixed names into the SVG; the label is escaped.
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))  # noqa: S704  # nosec B704


def qr_svg_document(url: str) -> bytes:
    """The code as an SVG file (the signage slides show it as an <img>)."""
    out = io.BytesIO()
    qr_code(url).save(out, kind="svg", border=BORDER, dark=DARK, light=LIGHT, omitsize=True, svgclass=None,
                      lineclass=None, xmldecl=True)
    return out.getvalue()
