"""Logs never carry names, insurance numbers, birth dates, e-mail addresses or link keys.

`mask` is applied to every log line: Django's (settings.LOGGING), Celery's (kosmo.celery) and
gunicorn's access and error logs (kosmo.access_log, docker/gunicorn.conf.py).
"""

import logging
import re
import threading
import time
from collections.abc import Callable

MASKED = "[masked]"
# A query key worth keeping in a log (`q`, `year`, `_changelist_filters`); anything else,
# e.g. a name typed where a key goes, is masked with its value.
_QUERY_KEY = re.compile(r"[A-Za-z0-9_.\-\[\]]{1,40}")


def _masked_query(match: re.Match) -> str:
    """`/path?q=山田&p=2` → `/path?q=[masked]&p=[masked]`: search terms, names and addresses
    travel in query strings (admin search, autocomplete, next=…), so no value is kept."""
    parts = []
    for part in match.group(2).split("&"):
        key, has_value, value = part.partition("=")
        if not _QUERY_KEY.fullmatch(key):
            parts.append(MASKED)
        elif has_value and value:
            parts.append(f"{key}={MASKED}")
        else:
            parts.append(part)
    return f"{match.group(1)}?{'&'.join(parts)}"


def _long_number(match: re.Match) -> str:
    return "[number]" if len(match.group()) >= 6 else match.group()


_ERAS = "明治|大正|昭和|平成|令和"
# (needles, pattern, replacement): a pattern runs only on a line holding one of its needles
# (None: on every line), so an ordinary access-log line costs a few scans, not a dozen.
_PATTERNS: list[tuple[tuple[str, ...] | None, re.Pattern, str | Callable[[re.Match], str]]] = [
    # keys in links that sign a member in: allauth's password reset and e-mail confirmation
    (("/key/",), re.compile(r"(/password/reset/key/)(?!done/)[^/?#\s\"'<>]+"), r"\1[key]"),
    (("/confirm-email/",), re.compile(r"(/confirm-email/)[^/?#\s\"'<>]+"), r"\1[key]"),
    # query strings of URLs (a path, then ?), up to white space, a quote or a #: every value
    (("?",), re.compile(r"(/[^?\s\"'<>]*)\?([^#\s\"'<>]+)"), _masked_query),
    # e-mail addresses, also URL-encoded (taro%40example.jp) or with an encoded +
    (("@", "%40"), re.compile(r"[\w.%+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # 和暦: 令和7年4月1日, 令和元年, 昭和60年, and R7.4.1, H12/3/4, S60-1-2
    (
        ("年",),
        re.compile(
            rf"(?:{_ERAS})\s*(?:元|\d{{1,2}})\s*年(?:\s*\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*日)?)?"
        ),
        "[date]",
    ),
    (
        None,
        # each lookbehind follows the first character, so the scan can skip to candidates
        re.compile(r"[MTSHR](?<![A-Za-z0-9].)\s?\d{1,2}[./\-]\d{1,2}[./\-]\d{1,2}(?!\d)"),
        "[date]",
    ),
    # 西暦: 1979-08-22, 1979/08/22, 19790822, 1979年8月22日 (also right after Japanese text)
    (
        None,
        re.compile(
            r"(?:19|20)(?<!\d..)\d{2}[-/]?(?:0[1-9]|1[0-2])[-/]?(?:0[1-9]|[12]\d|3[01])(?!\d)"
        ),
        "[date]",
    ),
    (("年",), re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"), "[date]"),
    # 記号12番号345, 枝番01, 認証コード123456, 暗証番号は1234: digits after their label
    (
        ("記号", "番号", "枝番", "コード"),
        re.compile(r"(記号|番号|枝番|コード|暗証番号)(\s*[:：=は]?\s*)\d+(?:[\s・\-－]+\d+)*"),
        r"\1\2[number]",
    ),
    # 保険者番号 (8 digits) and 記号・番号 runs of 6 or more digits, full-width ones too
    (None, re.compile(r"\d+"), _long_number),
]


def mask(text: str) -> str:
    """`text` with personal data and link keys replaced by [email], [date], [number], [key]
    and [masked]."""
    for needles, pattern, replacement in _PATTERNS:
        if needles is None or any(needle in text for needle in needles):
            text = pattern.sub(replacement, text)
    return text


_TRACEBACKS = logging.Formatter()


class MaskPersonalDataFilter(logging.Filter):
    """Rewrites the formatted message, and the traceback of an exception (whose message may
    quote a row's values), with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # A formatter prints exc_text when it is set: the masked one.
            record.exc_text = mask(_TRACEBACKS.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class WarningWithoutTraceback(logging.Filter):
    """Keeps a record as one WARNING line without its traceback: for requests refused for
    what the client sent (an unknown Host header), which are not errors of ours."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        return True


class OncePerInterval(logging.Filter):
    """Lets one record through per `seconds` and drops the others, counting them: for a
    failure every request meets while it lasts (the cache while Redis is down), which
    should be one line a minute in the log, not one per request.

    The line kept is the message and the exception's one-line summary, without the traceback
    (the same one each time)."""

    def __init__(self, seconds: float = 60, name: str = "") -> None:
        super().__init__(name)
        self.seconds = seconds
        self.lock = threading.Lock()
        self.next_at = 0.0
        self.dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        with self.lock:
            if now < self.next_at:
                self.dropped += 1
                return False
            self.next_at = now + self.seconds
            dropped, self.dropped = self.dropped, 0
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            message = f"{message}: {type(error).__name__}: {error}"
        if dropped:
            message = f"{message} ({dropped} more since the last such line)"
        record.msg, record.args = message, None
        record.exc_info = record.exc_text = None
        return True
