"""Golden-image check of an issued công văn: where the blue signature and the red seal land.

Page 1 is rasterized with ``pdftoppm`` and the coloured pixels located, so
this checks what a reader sees, not only the widget rectangles: the blue
signature image between the title line and the full name, centred on the
signature column; the red seal of actual size, its centre level with the
signature, covering about a third of it from the left (Decree 30/2020,
Appendix I and Art. 33). Positions come from the rendered text, so a small
font difference moves the references with the images.
"""

import subprocess

import pytest

from congvu.files.services import file_open_verified
from tests.outgoing.helpers import issued
from tests.outgoing.layout import runs

DPI = 100
SCALE = DPI / 72  # pixels per point
MM = 72 / 25.4


def rasterize(data: bytes, tmp_path):
    from PIL import Image

    path = tmp_path / "issued.pdf"
    path.write_bytes(data)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(DPI),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            path,
            tmp_path / "p",
        ],
        check=True,
    )
    return Image.open(tmp_path / "p.png").convert("RGB")


def bbox(page, test) -> tuple[float, float, float, float]:
    """The bounding box (points, from the top-left) of the pixels that pass ``test``."""
    width, height = page.size
    pixels = page.load()
    xs, ys = [], []
    for y in range(0, height):
        for x in range(0, width):
            if test(*pixels[x, y]):
                xs.append(x)
                ys.append(y)
    assert xs, "no such pixels on the page"
    return (min(xs) / SCALE, min(ys) / SCALE, (max(xs) + 1) / SCALE, (max(ys) + 1) / SCALE)


def blue(r, g, b):
    return b > 150 and r < 100 and b - r > 80


def red(r, g, b):
    return r > 170 and g < 90 and b < 90


@pytest.mark.django_db
def test_signature_and_seal_sit_where_appendix_i_puts_them(signing, tmp_path):
    doc = issued(signing)
    with file_open_verified(doc.issued_file) as handle:
        data = handle.read()
    page = rasterize(data, tmp_path)
    words = runs(data)
    title = next(r for r in words if r.text == "CHỦ TỊCH")
    name = next(r for r in words if r.text == signing.leader.full_name)

    bx0, by0, bx1, by1 = bbox(page, blue)
    rx0, ry0, rx1, ry1 = bbox(page, red)

    # The signature: below the title line, above the full name, centred on the column.
    assert by0 >= title.bottom - 1
    assert by1 <= name.top + 1
    assert abs((bx0 + bx1) / 2 - name.centre) < 12
    assert bx1 - bx0 > 30 * MM  # a real signature, not a speck

    # The seal: actual size (32 mm), level with the signature, to its left.
    assert abs((rx1 - rx0) - 32 * MM) < 3 * MM
    assert abs((ry1 - ry0) - 32 * MM) < 3 * MM
    assert abs((ry0 + ry1) / 2 - (by0 + by1) / 2) < 8
    assert rx0 < bx0 < rx1 < bx1
    # Covering about a third of the signature, from its left.
    covered = (rx1 - bx0) / (bx1 - bx0)
    assert 0.2 <= covered <= 0.45, covered
