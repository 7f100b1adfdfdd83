"""Write the favicon: static/favicon.svg, static/favicon.ico and the 180-pixel
static/apple-touch-icon.png (a phone's home screen), drawn from one shape.

A rounded square in the header's colour (--brand in static/app.css) with a white cross, the
brand mark's cross. The ICO holds PNG images of 16, 32 and 48 pixels, drawn here with the
standard library alone (zlib and struct): no imaging package for three small images.

    python scripts/make_favicon.py      # after changing the shape or the colour; commit both
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "static"
BRAND = (0x0B, 0x55, 0x63)  # --brand in static/app.css
VIEW = 32  # the shape's units: a 32 x 32 box
CORNER = 7  # the square's corner radius
ARM = 8  # the cross's arms reach this far from the centre (to their round ends' centres)
STROKE = 6  # the cross's width
SIZES = (16, 32, 48)
TOUCH = 180  # iOS's home-screen icon; it rounds the corners itself, so the square is full
SAMPLES = 4  # sub-pixels a side, for smooth edges

SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {VIEW} {VIEW}">\
<rect width="{VIEW}" height="{VIEW}" rx="{CORNER}" fill="#{"".join(f"{c:02x}" for c in BRAND)}"/>\
<path d="M{VIEW // 2} {VIEW // 2 - ARM}v{2 * ARM}M{VIEW // 2 - ARM} {VIEW // 2}h{2 * ARM}" \
stroke="#fff" stroke-width="{STROKE}" stroke-linecap="round"/></svg>
"""


def _in_square(x: float, y: float, corner: float = CORNER) -> bool:
    if corner == 0:
        return True
    cx = min(max(x, corner), VIEW - corner)
    cy = min(max(y, corner), VIEW - corner)
    return (x - cx) ** 2 + (y - cy) ** 2 <= corner ** 2


def _in_cross(x: float, y: float) -> bool:
    """Two round-ended strokes, as SVG draws stroke-linecap="round"."""
    middle, reach, half = VIEW / 2, ARM, STROKE / 2
    for along, across in ((y, x), (x, y)):
        nearest = min(max(along, middle - reach), middle + reach)
        if (along - nearest) ** 2 + (across - middle) ** 2 <= half ** 2:
            return True
    return False


def pixels(size: int, corner: float = CORNER) -> bytes:
    """RGBA rows, each with PNG's filter byte (0, none) in front."""
    rows = bytearray()
    step = VIEW / size / SAMPLES
    for row in range(size):
        rows.append(0)
        for column in range(size):
            square = white = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x = (column * SAMPLES + sx + 0.5) * step
                    y = (row * SAMPLES + sy + 0.5) * step
                    if _in_square(x, y, corner):
                        square += 1
                        white += _in_cross(x, y)
            total = SAMPLES * SAMPLES
            if square == 0:
                rows += bytes(4)
                continue
            # Colour is the mix inside the square; coverage of the square is the alpha.
            mix = [round((white * 255 + (square - white) * c) / square) for c in BRAND]
            rows += bytes([*mix, round(255 * square / total)])
    return bytes(rows)


def png(size: int, corner: float = CORNER) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(pixels(size, corner), 9)) + chunk(b"IEND", b""))


def ico(sizes: tuple[int, ...] = SIZES) -> bytes:
    """An ICO of PNG images (read by every browser since 2007 and by Windows since Vista)."""
    images = [png(size) for size in sizes]
    offset = 6 + 16 * len(images)
    directory = struct.pack("<HHH", 0, 1, len(images))
    for size, image in zip(sizes, images, strict=True):
        directory += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32,
                                 len(image), offset)
        offset += len(image)
    return directory + b"".join(images)


def main() -> None:
    (STATIC / "favicon.svg").write_text(SVG, encoding="utf-8")
    (STATIC / "favicon.ico").write_bytes(ico())
    (STATIC / "apple-touch-icon.png").write_bytes(png(TOUCH, corner=0))
    print(f"wrote favicon.svg, favicon.ico and apple-touch-icon.png in {STATIC}")


if __name__ == "__main__":
    main()
