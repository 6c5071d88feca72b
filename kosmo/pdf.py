"""PDF rendering: an HTML template in, PDF bytes out, with the shipped Japanese font first."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

FONT_FAMILY = "IPAexGothic"
FONT_FILE = settings.BASE_DIR / "static" / "fonts" / "ipaexg.ttf"
# IPAex has JIS X 0208 and a little more; claim data carries 外字 beyond it (𠮷, 﨑, 髙 …).
# Those glyphs come from Noto Sans CJK JP, found through fontconfig: Debian's fonts-noto-cjk
# (the Docker image and CI install it). Without it a missing glyph prints as a box.
FALLBACK_FONT_FAMILY = "Noto Sans CJK JP"
DOCUMENT_CSS = settings.BASE_DIR / "static" / "css" / "pdf.css"


@cache
def _font_face() -> str:
    # The main font is loaded from the repository, never from the machine: the same glyphs
    # everywhere; only what it lacks falls through to the named fallback.
    return (
        f"@font-face {{ font-family: '{FONT_FAMILY}'; src: url('{FONT_FILE.as_uri()}'); }}\n"
        f"html {{ font-family: '{FONT_FAMILY}', '{FALLBACK_FONT_FAMILY}'; }}\n"
    )


def render_pdf(template_name: str, context: dict | None = None) -> bytes:
    """Render a Django template (usually extending ``pdf/base.html``) to PDF bytes."""
    html = render_to_string(template_name, context or {})
    font_config = FontConfiguration()
    stylesheets = [
        CSS(string=_font_face(), font_config=font_config),
        CSS(filename=str(DOCUMENT_CSS), font_config=font_config),
    ]
    document = HTML(string=html, base_url=str(settings.BASE_DIR / "static"))
    return document.write_pdf(stylesheets=stylesheets, font_config=font_config)
