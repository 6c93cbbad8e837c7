"""Draws the site icons under static/img/ (favicon.ico, apple-touch-icon.png, icon.svg) from one simple design:
a rounded square in the site's brand green with a white sun over two hills. Run it again after changing the
design; the files it writes are committed, so the site needs nothing at run time.

    python scripts/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = "#0b5e3b"  # --brand in static/css/site.css
WHITE = "#ffffff"
OUT = Path(__file__).resolve().parent.parent / "static" / "img"
UNIT = 64  # the design is drawn on a 64 × 64 grid; the SVG uses the same numbers

# (cx, cy, r) of the sun and the corner points of the two hills, on the 64-unit grid.
SUN = (40, 22, 8)
HILLS = [(6, 52), (24, 28), (36, 44), (44, 36), (58, 52)]
CORNER = 12
BOX = (4, 4, 60, 60)


def draw(size: int) -> Image.Image:
    """The icon at `size` pixels, drawn four times larger and scaled down for smooth edges."""
    big = size * 4
    scale = big / UNIT
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle([v * scale for v in BOX], radius=CORNER * scale, fill=BRAND)
    cx, cy, r = SUN
    pen.ellipse([(cx - r) * scale, (cy - r) * scale, (cx + r) * scale, (cy + r) * scale], fill=WHITE)
    pen.polygon([(x * scale, y * scale) for x, y in HILLS], fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


def svg() -> str:
    cx, cy, r = SUN
    x0, y0, x1, y1 = BOX
    points = " ".join(f"{x},{y}" for x, y in HILLS)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {UNIT} {UNIT}">'
            f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" rx="{CORNER}" fill="{BRAND}"/>'
            f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{WHITE}"/>'
            f'<polygon points="{points}" fill="{WHITE}"/></svg>\n')


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(64).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    # Apple's touch icon has no transparency: the square fills the whole image.
    touch = Image.new("RGB", (180, 180), BRAND)
    touch.paste(draw(180), mask=draw(180))
    touch.save(OUT / "apple-touch-icon.png", optimize=True)
    (OUT / "icon.svg").write_text(svg(), encoding="utf-8")


if __name__ == "__main__":
    main()
