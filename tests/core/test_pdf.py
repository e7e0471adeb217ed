"""The shared PDF renderer: A4, Vietnamese text intact, Times-compatible fonts embedded."""

from __future__ import annotations

import datetime
import subprocess

import pytest

from congvu.core.pdf import render_pdf

PAGE = """{% extends "congvu/print/base.html" %}
{% block content %}
<h1>Quyết định</h1>
<p class="center bold">Về việc kiện toàn Tổ một cửa năm 2026</p>
<p>Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;</p>
<p>Xét đề nghị của Công chức Văn phòng - Thống kê: Đặng Văn Thành, Nguyễn Thị Hồng Nhung.</p>
<p>Ẫ Ặ Ổ Ỡ Ỹ ơ ư Đ đ</p>
<img src="http://127.0.0.1:9/tracker.png" alt="">
{% endblock %}
"""


@pytest.fixture
def print_template(settings, tmp_path):
    (tmp_path / "sample_print.html").write_text(PAGE, encoding="utf-8")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}, *settings.TEMPLATES[1:]]
    return "sample_print.html"


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_renders_vietnamese_text_exactly_with_embedded_times_fonts(
    print_template, tmp_path, caplog
):
    pdf = render_pdf(
        print_template,
        {
            "agency_parent": "Ủy ban nhân dân huyện Thạnh Phú",
            "agency_name": "Ủy ban nhân dân xã An Thạnh",
            "notation": "05/QĐ-UBND",
            "place": "An Thạnh",
            "date": datetime.date(2026, 3, 2),
        },
    )
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)

    # Lines wrap where the layout wraps them: compare with whitespace collapsed.
    text = " ".join(run("pdftotext", "-enc", "UTF-8", str(path), "-").split())
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 05/QĐ-UBND",
        "An Thạnh, ngày 02 tháng 3 năm 2026",
        "Về việc kiện toàn Tổ một cửa năm 2026",
        "Đặng Văn Thành, Nguyễn Thị Hồng Nhung",
    ]:
        assert expected in text, expected
    # Stacked marks survive (pdftotext drops the spaces between single letters).
    assert "ẪẶỔỠỸơưĐđ" in text.replace(" ", "")
    # Text transformed by CSS (uppercase) keeps its Vietnamese letters.
    assert "ỦY BAN NHÂN DÂN XÃ AN THẠNH" in text

    fonts = run("pdffonts", str(path))
    embedded = [line for line in fonts.splitlines()[2:] if line.split()[-5:-4] == ["yes"]]
    assert embedded, fonts
    assert all(("Tinos" in line or "LiberationSerif" in line) for line in embedded), fonts

    # Nothing is fetched from the network while printing.
    assert "disallowed protocol" in caplog.text

    info = run("pdfinfo", str(path))
    assert "A4" in info or "595.276 x 841.89" in info, info


def test_weasyprint_is_imported_only_when_printing():
    code = "import congvu.core.pdf, sys; print('weasyprint' in sys.modules)"
    out = subprocess.run(
        [__import__("sys").executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
