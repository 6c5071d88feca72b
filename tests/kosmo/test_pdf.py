import datetime as dt
import io

from pypdf import PdfReader

from kosmo.pdf import FONT_FAMILY, render_pdf


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
