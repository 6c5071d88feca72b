import datetime as dt
import io
import logging
import os
import subprocess

import pytest
from pypdf import PdfReader

from kosmo.pdf import FALLBACK_FONT_FAMILY, FONT_FAMILY, render_pdf


def _render(settings, tmp_path, body):
    template_dir = tmp_path / "templates"
    (template_dir / "tests").mkdir(parents=True)
    (template_dir / "tests" / "doc.html").write_text(
        '{% extends "pdf/base.html" %}{% load kosmo %}{% block body %}' + body + "{% endblock %}",
        encoding="utf-8",
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], template_dir]}
    ]
    return render_pdf("tests/doc.html", {"issued": dt.date(2019, 5, 1)})


def test_japanese_text_renders_and_reads_back(settings, tmp_path):
    pdf = _render(
        settings,
        tmp_path,
        "<h1>資格情報のお知らせ</h1><p>交付年月日 {{ issued|wareki }}</p><p>コスモ健康保険組合</p>",
    )

    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert pdf.startswith(b"%PDF-")
    assert "資格情報のお知らせ" in text.replace(" ", "")
    assert "令和元年5月1日" in text
    assert "コスモ健康保険組合" in text


def test_the_shipped_font_is_embedded(settings, tmp_path):
    pdf = _render(settings, tmp_path, "<p>被保険者 記号・番号</p>")

    reader = PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    assert names and all(FONT_FAMILY in name for name in names)


def _fallback_font_installed() -> bool:
    listed = subprocess.run(
        ["fc-list", FALLBACK_FONT_FAMILY, "family"], capture_output=True, text=True, check=False
    )
    return bool(listed.stdout.strip())


# 外字 and other characters real claim data carries, beyond IPAex's JIS X 0208.
RARE_CHARACTERS = "𠮷野家 髙橋医院 山﨑クリニック ①② ㈱コスモ ｺｽﾓﾔｯｷｮｸ café Müller"


def test_every_character_of_claim_data_has_a_glyph(settings, tmp_path, caplog):
    if not _fallback_font_installed():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{FALLBACK_FONT_FAMILY} missing: .ci/run installs fonts-noto-cjk")
        pytest.skip(f"{FALLBACK_FONT_FAMILY} is not installed on this machine")
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = _render(settings, tmp_path, f"<p>{RARE_CHARACTERS}</p>")

    reader = PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in fonts.values()}
    # WeasyPrint logs every character it had to draw as .notdef (a box).
    assert not [record for record in caplog.records if ".notdef" in record.getMessage()]
    assert RARE_CHARACTERS in reader.pages[0].extract_text()
    # The shipped font first, the named fallback for what it lacks, nothing picked at random.
    assert names == {FONT_FAMILY, FALLBACK_FONT_FAMILY.replace(" ", "-")}
