"""Help answers cite the manual's chapters (「手順「3-【3】パスワードを忘れた場合」を確認し…」);
each citation links to the page the chapter describes. An answer is returned as paragraphs of
lines of parts, so the template writes the paragraphs, line breaks and links (no HTML here)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse

# Words of a cited chapter's title → the page that chapter walks through (manual §3). The FAQ
# numbers some chapters differently from the manual (「3-【7】 Authenticatorの追加登録」 is
# 3-6), so the title decides, not the number.
CITED_PAGES = [
    ("パスワードを忘れた場合", "account_reset_password"),
    ("ユーザIDを忘れた場合", "accounts:forgot_user_id"),
    ("パスワードを変更する場合", "accounts:change_password"),
    ("メールアドレスを変更する場合", "accounts:change_email"),
    ("追加登録", "accounts:login_methods"),
    ("削除", "accounts:login_methods"),
]
_CITATION = re.compile(r"(?<=手順「)[^「」]+(?=」)")


@dataclass(frozen=True)
class Part:
    text: str
    url: str = ""


def cited_url(chapter: str) -> str:
    """The page a cited chapter names, or "" when none does."""
    for words, url_name in CITED_PAGES:
        if words in chapter:
            return reverse(url_name)
    return ""


def _line_parts(line: str) -> list[Part]:
    parts, start = [], 0
    for match in _CITATION.finditer(line):
        url = cited_url(match.group())
        if not url:
            continue
        parts += [Part(line[start : match.start()]), Part(match.group(), url)]
        start = match.end()
    parts.append(Part(line[start:]))
    return [part for part in parts if part.text]


def answer_paragraphs(text: str) -> list[list[list[Part]]]:
    """Paragraphs (split at blank lines) of lines of parts; a cited chapter is a part with
    the URL of its page."""
    text = re.sub(r"\r\n|\r", "\n", text.strip())
    return [
        [_line_parts(line) for line in paragraph.split("\n")]
        for paragraph in re.split(r"\n{2,}", text)
        if paragraph.strip()
    ]
