"""Logs never carry insurance numbers, birth dates or e-mail addresses."""

import logging
import re

_PATTERNS = [
    # e-mail addresses
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    # dates: 1979-08-22, 1979/08/22, 19790822
    (re.compile(r"\b(19|20)\d{2}[-/]?(0[1-9]|1[0-2])[-/]?(0[1-9]|[12]\d|3[01])\b"), "[date]"),
    # 保険者番号 (8 digits) and 記号・番号 runs of 6 or more digits
    (re.compile(r"\b\d{6,}\b"), "[number]"),
]


def mask(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskPersonalDataFilter(logging.Filter):
    """Rewrites the formatted message with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
