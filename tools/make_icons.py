"""Draw Callboard's icons (the favicon and the home-screen icons of My calls).

A callboard in the company's burgundy: a white sheet pinned to it, with the lines of the
day's calls. Run ``.venv/bin/python tools/make_icons.py`` after changing the drawing; the
files it writes are committed under ``src/callboard/core/static/callboard/icons/``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "src/callboard/core/static/callboard/icons"
BURGUNDY = (107, 33, 69, 255)
GOLD = (214, 170, 72, 255)
WHITE = (255, 255, 255, 255)

# The drawing on a 512 x 512 grid: (kind, box, colour).
SHEET = (136, 112, 376, 424)
LINES = [(176, 184, 336, 208), (176, 240, 336, 264), (176, 296, 300, 320), (176, 352, 320, 376)]
PIN = (232, 72, 280, 120)


def draw(size: int, *, maskable: bool = False) -> Image.Image:
    scale = size / 512
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    radius = 0 if maskable else int(96 * scale)
    pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=radius, fill=BURGUNDY)
    inset = 0.8 if maskable else 1.0  # a maskable icon keeps its drawing in the safe circle

    def box(b: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
        return tuple(  # type: ignore[return-value]
            (256 + (v - 256) * inset) * scale for v in b
        )

    pen.rounded_rectangle(box(SHEET), radius=int(18 * scale * inset), fill=WHITE)
    for line in LINES:
        pen.rounded_rectangle(box(line), radius=int(10 * scale * inset), fill=BURGUNDY)
    pen.ellipse(box(PIN), fill=GOLD)
    return image


def _rect(b: tuple[int, int, int, int], rx: int, fill: str) -> str:
    x, y, right, bottom = b
    size = f'width="{right - x}" height="{bottom - y}"'
    return f'<rect x="{x}" y="{y}" {size} rx="{rx}" fill="{fill}"/>'


SVG = "\n".join(
    [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">',
        _rect((0, 0, 512, 512), 96, "#6b2145"),
        _rect(SHEET, 18, "#fff"),
        *(_rect(line, 10, "#6b2145") for line in LINES),
        f'<circle cx="{(PIN[0] + PIN[2]) // 2}" cy="{(PIN[1] + PIN[3]) // 2}" '
        f'r="{(PIN[2] - PIN[0]) // 2}" fill="#d6aa48"/>',
        "</svg>",
        "",
    ]
)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size).save(OUT / f"icon-{size}.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    draw(180).save(OUT / "apple-touch-icon.png", optimize=True)
    draw(64).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64)])
    (OUT / "icon.svg").write_text(SVG)


if __name__ == "__main__":
    main()
