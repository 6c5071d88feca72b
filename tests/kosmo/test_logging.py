"""Logs never carry personal data or secrets: kosmo.logging.mask, Django's and Celery's
handlers, and gunicorn's access log as docker/gunicorn.conf.py sets it up."""

import datetime as dt
import io
import logging
import runpy
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from celery.signals import after_setup_logger
from gunicorn.config import Config

from kosmo.logging import MaskPersonalDataFilter, mask

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("line", "secret"),
    [
        # 氏名 in query strings: admin search, autocomplete, as typed and URL-encoded
        ('"GET /admin/kosmo/person/?q=山田太郎 HTTP/1.1" 200', "山田太郎"),
        ('"GET /admin/kosmo/person/?q=%E5%B1%B1%E7%94%B0 HTTP/1.1" 200', "%E5%B1%B1%E7%94%B0"),
        ("/admin/autocomplete/?term=やまだ&app_label=kosmo&model_name=person", "やまだ"),
        ("/admin/kosmo/person/?q=yamada+taro&p=2", "yamada"),
        ("/admin/kosmo/person/?山田太郎", "山田太郎"),
        # e-mail addresses in URLs, also URL-encoded
        ("/accounts/password/reset/?email=taro%40example.jp", "taro"),
        ("/notices/unsubscribe/taro%40example.jp/", "taro%40example.jp"),
        ("/notices/unsubscribe/taro%2Bkenpo%40example.jp/", "example.jp"),
        ("mail sent to taro.yamada+kenpo@example.co.jp", "taro.yamada"),
        # keys that sign a member in
        ("/accounts/password/reset/key/3-c8d0e1-1a2b3c4d5e6f7a8b9c0d/", "1a2b3c4d5e6f7a8b9c0d"),
        ("/accounts/confirm-email/MQ:1tQzXy:AbCdEfGhIjKlMnOpQrStUvWxYz/", "AbCdEfGh"),
        # 和暦 and 西暦 dates, also right after Japanese text
        ("生年月日令和7年4月1日で照合", "令和7年4月1日"),
        ("生年月日: 令和元年5月1日", "令和元年"),
        ("生年月日R7.4.1が一致しません", "R7.4.1"),
        ("born H12/3/4", "H12/3/4"),
        ("昭和60年生まれ", "昭和60年"),
        ("誕生日1979年8月22日です", "1979年8月22日"),
        ("生年月日1979-08-22です", "1979-08-22"),
        # codes next to Japanese text
        ("被保険者証の記号12番号345を確認", "12"),
        ("被保険者証の記号12番号345を確認", "345"),
        ("記号・番号 1001・12345", "12345"),
        ("認証コード123456です", "123456"),
        ("認証コードは１２３４５６です", "１２３４５６"),
        ("保険者番号06139999の組合", "06139999"),
    ],
)
def test_logs_never_carry_names_dates_addresses_keys_or_codes(line, secret):
    assert secret not in mask(line)


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (
            '"GET /admin/kosmo/person/?q=%E5%B1%B1%E7%94%B0&o=1 HTTP/1.1" 200',
            '"GET /admin/kosmo/person/?q=[masked]&o=[masked] HTTP/1.1" 200',
        ),
        (
            "/accounts/password/reset/key/3-c8d0e1-1a2b3c4d5e6f/",
            "/accounts/password/reset/key/[key]/",
        ),
        ("/accounts/confirm-email/MQ:1tQz:AbCd/", "/accounts/confirm-email/[key]/"),
        ("被保険者証の記号12番号345を確認", "被保険者証の記号[number]番号[number]を確認"),
        ("認証コード123456です", "認証コード[number]です"),
        ("生年月日令和7年4月1日で照合", "生年月日[date]で照合"),
        (
            "/accounts/password/reset/?email=taro%40example.jp",
            "/accounts/password/reset/?email=[masked]",
        ),
    ],
)
def test_what_is_masked_is_replaced_by_its_kind(line, masked):
    assert mask(line) == masked


@pytest.mark.parametrize(
    "line",
    [
        '"GET /medical/annual/ HTTP/1.1" 200 5120',
        "/accounts/password/reset/key/done/",
        "import_claims: 54414 rows/s",
        "支給年月 2026年10月の給付金を取り込みました",
        "本当に削除しますか?",
        "passkey 12 refused: user verification missing",
    ],
)
def test_lines_without_personal_data_are_left_as_they_are(line):
    assert mask(line) == line


def test_a_traceback_is_masked_too(caplog):
    logger = logging.getLogger("kosmo.tests.traceback")
    logger.addFilter(masking := MaskPersonalDataFilter())
    try:
        try:
            raise ValueError("duplicate key: email=taro@example.jp, birth_date=1979-08-22")
        except ValueError:
            logger.exception("import of %s failed", "hanako@example.jp")
    finally:
        logger.removeFilter(masking)

    [record] = caplog.records
    assert record.getMessage() == "import of [email] failed"
    assert "taro@example.jp" not in record.exc_text and "1979-08-22" not in record.exc_text
    assert "duplicate key: email=[email], birth_date=[date]" in record.exc_text


def test_djangos_own_handlers_cannot_print_unmasked_lines():
    # Its console (DEBUG) and runserver's request lines go to the masked root console instead.
    for name in ("django", "django.server"):
        assert logging.getLogger(name).handlers == []
        assert logging.getLogger(name).propagate
    [console] = logging.getLogger().handlers[:1]
    assert any(isinstance(f, MaskPersonalDataFilter) for f in console.filters)


def test_a_celery_workers_handlers_mask_personal_data():
    logger = logging.getLogger("kosmo.tests.celery")
    logger.addHandler(handler := logging.StreamHandler())
    try:
        after_setup_logger.send(
            sender=None,
            logger=logger,
            loglevel=logging.INFO,
            logfile=None,
            format="",
            colorize=False,
        )
        record = logger.makeRecord(
            logger.name,
            logging.ERROR,
            __file__,
            1,
            "task failed for %s",
            ("taro@example.jp",),
            None,
        )
        assert handler.filter(record)
    finally:
        logger.removeHandler(handler)
    assert record.getMessage() == "task failed for [email]"


# --- gunicorn's access log, as the image runs it ----------------------------------------------


@pytest.fixture
def gunicorn_log():
    """gunicorn's logger configured from docker/gunicorn.conf.py, as `gunicorn -c` does, with
    its access log (stdout) written to a buffer instead: `.lines()` reads it."""
    cfg = Config()
    for name, value in runpy.run_path(str(ROOT / "docker" / "gunicorn.conf.py")).items():
        if name in cfg.settings:
            cfg.set(name, value)
    log = cfg.logger_class(cfg)
    [handler] = log.access_log.handlers
    assert handler.stream is sys.stdout
    handler.setStream(buffer := io.StringIO())
    log.lines = lambda: buffer.getvalue().splitlines()
    yield log
    for logger in (log.access_log, log.error_log):
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
        logger.filters.clear()


def _request(raw_uri, *, referer="-"):
    path, _, query = raw_uri.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[])
    request = SimpleNamespace(headers=[("REFERER", referer), ("USER-AGENT", "Mozilla/5.0")])
    return response, request, environ, dt.timedelta(milliseconds=12)


def test_the_access_log_keeps_no_search_terms_addresses_or_reset_keys(gunicorn_log):
    gunicorn_log.access(
        *_request(
            "/admin/kosmo/person/?q=%E5%B1%B1%E7%94%B0%E5%A4%AA%E9%83%8E",
            referer="https://kenpo.example.jp/admin/kosmo/person/?q=taro%40example.jp",
        )
    )
    gunicorn_log.access(*_request("/admin/kosmo/person/?q=山田太郎&o=1"))
    gunicorn_log.access(*_request("/accounts/password/reset/key/3-c8d0e1-1a2b3c4d5e6f7a8b/"))
    gunicorn_log.access(*_request("/accounts/confirm-email/MQ:1tQzXy:AbCdEfGh/"))

    lines = gunicorn_log.lines()
    assert [line.split('"')[1] for line in lines] == [
        "GET /admin/kosmo/person/?q=[masked] HTTP/1.1",
        "GET /admin/kosmo/person/?q=[masked]&o=[masked] HTTP/1.1",
        "GET /accounts/password/reset/key/[key]/ HTTP/1.1",
        "GET /accounts/confirm-email/[key]/ HTTP/1.1",
    ]
    assert lines[0].startswith("203.0.113.9 [")
    assert lines[0].endswith(
        '302 0 "https://kenpo.example.jp/admin/kosmo/person/?q=[masked]" "Mozilla/5.0" 12ms'
    )
