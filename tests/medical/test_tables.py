"""medical/tables.py writes the same HTML as the templates it replaced.

The loops below and the files in oracles/ are the templates' former text, kept here as the
oracle: each case is rendered both ways, in Japanese and in English, and compared with the
whitespace between tags ignored.
"""

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.template import Context, Engine, engines
from django.test import RequestFactory
from django.utils import translation

from kosmo.form_field import render_field
from medical import tables
from medical.etax import (
    FORM_MAX_ROWS,
    NO_CREDENTIAL_MESSAGE,
    Notice,
    NoticeLine,
    PersonGroup,
    ProviderGroup,
)
from medical.etax_views import YearForm
from medical.models import CareType

ORACLES = Path(__file__).parent / "oracles"
# Django's own tags: the oracles are rendered without any of the portal's template code (but
# its shared components, such as the empty state).
ENGINE = Engine(
    dirs=[str(ORACLES), str(settings.BASE_DIR / "templates")],
    libraries={"i18n": "django.templatetags.i18n", "kosmo": "kosmo.templatetags.kosmo"},
)


def _same_html(text: str) -> str:
    return re.sub(r">\s+<", "><", str(text)).strip()


def _claim(name, provider, care_type, month, *, days=1, paid=(1000, 700, 0, 300), note=""):
    total, insurer, public, patient = paid
    return SimpleNamespace(
        service_month=month,
        person=SimpleNamespace(full_name=name),
        provider_name=provider,
        care_type_label=CareType(care_type).label,
        days=days,
        total_cost=total,
        insurer_paid=insurer,
        public_paid=public,
        patient_paid=patient,
        note=note,
    )


CLAIM_CASES = {
    "none": [],
    "the manual's month": [
        _claim(
            "山田 太郎",
            "コスモ内科クリニック",
            CareType.OUTPATIENT,
            dt.date(2024, 12, 1),
            days=2,
            paid=(63280, 44296, 0, 18984),
        ),
        _claim(
            "山田 花子",
            "さくら歯科",
            CareType.DENTAL,
            dt.date(2024, 12, 1),
            days=3,
            paid=(14720, 10304, 0, 4416),
        ),
        _claim(
            "山田 一郎",
            "ひまわり薬局",
            CareType.PHARMACY,
            dt.date(2024, 12, 1),
            paid=(12400, 8680, 0, 3720),
            note="公費",
        ),
    ],
    "markup and big numbers": [
        _claim(
            "<b>𠮷田</b> & 髙橋",
            'A&B "病院" <script>',
            CareType.INPATIENT,
            dt.date(2019, 4, 1),
            days=31,
            paid=(12345678, 1234567, 10, 0),
            note="<i>注</i>'",
        ),
    ],
}


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("case", CLAIM_CASES, ids=list(CLAIM_CASES))
def test_claim_rows_write_what_the_template_loop_wrote(case, language):
    rows = CLAIM_CASES[case]
    with translation.override(language):
        expected = ENGINE.get_template("claim_rows.html").render(
            Context({"statement": SimpleNamespace(rows=rows)})
        )
        assert _same_html(tables.claim_rows(rows)) == _same_html(expected)


def _line(person, provider, care_type, month, amount):
    return NoticeLine(person, month, provider, care_type, amount)


def _notice_persons():
    taro = PersonGroup("山田 太郎")
    clinic = ProviderGroup("コスモ内科クリニック")
    clinic.lines += [
        _line("山田 太郎", clinic.name, CareType.OUTPATIENT, dt.date(2025, 1, 1), 1200),
        _line("山田 太郎", clinic.name, CareType.OUTPATIENT, dt.date(2025, 3, 1), 800),
    ]
    kana = ProviderGroup("ｺｽﾓﾔｯｷｮｸ <本店> & 第二ﾄﾞﾗｯｸﾞｽﾄｱｰ駅前通り店舗")
    kana.lines.append(_line("山田 太郎", kana.name, CareType.PHARMACY, dt.date(2025, 2, 1), 350))
    taro.providers += [clinic, kana]
    long_name = PersonGroup("寿限無寿限無五劫の擦り切れ海砂利水魚 <花子>")
    dentist = ProviderGroup("さくら歯科")
    dentist.lines.append(
        _line(long_name.name, dentist.name, CareType.DENTAL, dt.date(2025, 12, 1), 4416)
    )
    long_name.providers.append(dentist)
    return [taro, long_name]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("persons", [[], _notice_persons()], ids=["none", "household"])
def test_etax_person_groups_write_what_the_template_loop_wrote(persons, language):
    if persons:  # both branches of 「CSV・集計フォームでは」 are tried
        assert any(p.form_name != p.name for p in persons)
        assert any(pr.form_name != pr.name for p in persons for pr in p.providers)
    with translation.override(language):
        expected = ENGINE.get_template("etax_person_groups.html").render(
            Context({"notice": SimpleNamespace(persons=persons)})
        )
        assert _same_html(tables.etax_person_groups(persons)) == _same_html(expected)


_CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")([A-Za-z0-9]{64})(")')
SECRET = "a" * 16 + "B" * 16


def _oracle(name: str, context: dict, request=None) -> str:
    """The former template `name` rendered with Django's own tags (the CSRF token as
    Django's context processor gives it)."""
    if request is not None:
        context = {**context, "csrf_token": get_token(request)}
    return ENGINE.get_template(name).render(Context(context))


def _statement(rows):
    totals = SimpleNamespace(
        **{
            name: sum(getattr(row, name) for row in rows)
            for name in ("total_cost", "insurer_paid", "public_paid", "patient_paid")
        }
    )
    return SimpleNamespace(rows=rows, totals=totals)


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("case", CLAIM_CASES, ids=list(CLAIM_CASES))
def test_the_claims_table_is_what_its_template_wrote(case, language):
    statement = _statement(CLAIM_CASES[case])
    with translation.override(language):
        expected = _oracle("claims_table.html", {"statement": statement})
        assert _same_html(tables.claims_table(statement)) == _same_html(expected)


def _masked(html: str) -> tuple[str, list[str]]:
    """The HTML with each CSRF token blanked (each is masked anew), and the tokens."""
    tokens = [match[1] for match in _CSRF_VALUE.findall(html)]
    return _CSRF_VALUE.sub(r"\1…\3", html), tokens


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize(
    "period",
    [
        (dt.date(2025, 1, 1), dt.date(2025, 12, 1), None),
        (dt.date(2024, 12, 1), dt.date(2024, 12, 1), 42),
        (dt.date(999, 4, 1), dt.date(2025, 3, 1), "7"),
    ],
)
def test_the_pdf_button_is_what_its_template_wrote(period, language):
    start, end, person_id = period
    request = RequestFactory().get("/medical/annual/")
    request.META["CSRF_COOKIE"] = SECRET
    request.user = AnonymousUser()  # for the context processors
    with translation.override(language):
        expected = _oracle(
            "pdf_button.html", {"start": start, "end": end, "person_id": person_id}, request
        )
        tag = engines["django"].from_string(
            "{% load medical_tables %}{% pdf_button start end person_id %}"
        )
        written = tag.render({"start": start, "end": end, "person_id": person_id}, request)
    assert _same_html(_masked(written)[0]) == _same_html(_masked(expected)[0])
    [token] = _masked(written)[1]
    assert _unmask_cipher_token(token) == SECRET


def _notice(*, lines=(), period=None, pending=()):
    return Notice(
        year=2025,
        union=None,
        insured_name="山田　太郎",
        lines=list(lines),
        period=period,
        pending_months=list(pending),
    )


def _household_lines(count=1):
    months = [dt.date(2025, month, 1) for month in range(1, 10)]
    return [
        _line(name, provider, care_type, months[i % len(months)], 1000 + i)
        for i in range(count)
        for name, provider, care_type in [
            ("山田　太郎", "コスモ内科クリニック <本院>", CareType.OUTPATIENT),
            ("山田　花子", "ｻｸﾗ歯科", CareType.DENTAL),
        ]
    ]


ETAX_PREVIEWS = {
    "months pending": (
        _notice(
            lines=_household_lines(),
            period=(dt.date(2025, 1, 1), dt.date(2025, 9, 1)),
            pending=[dt.date(2025, month, 1) for month in (10, 11, 12)],
        ),
        True,
        False,
    ),
    "nothing in yet": (
        _notice(pending=[dt.date(2025, month, 1) for month in range(1, 13)]),
        True,
        False,
    ),
    "a whole year without a key, two forms": (
        _notice(lines=_household_lines(500), period=(dt.date(2025, 1, 1), dt.date(2025, 12, 1))),
        False,
        False,
    ),
    "refused": (
        _notice(lines=_household_lines(), period=(dt.date(2025, 1, 1), dt.date(2025, 12, 1))),
        False,
        True,
    ),
    "no lines in a covered year": (
        _notice(period=(dt.date(2025, 1, 1), dt.date(2025, 12, 1))),
        True,
        False,
    ),
}


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("case", ETAX_PREVIEWS, ids=list(ETAX_PREVIEWS))
def test_the_etax_preview_is_what_its_template_wrote(case, language):
    notice, has_credential, xml_refused = ETAX_PREVIEWS[case]
    context = {
        "notice": notice,
        "has_credential": has_credential,
        "xml_refused": xml_refused,
        "no_credential_message": NO_CREDENTIAL_MESSAGE,
        "xlsx_parts": range(1, notice.xlsx_parts + 1),
        "form_max_rows": FORM_MAX_ROWS,
    }
    with translation.override(language):
        expected = _oracle("etax_preview.html", context)
        written = tables.etax_preview(notice, has_credential, xml_refused)
    assert _same_html(written) == _same_html(expected)


@pytest.mark.parametrize("data", [None, {"year": "2024"}, {"year": "1999"}, {"year": "x"}])
def test_the_etax_year_field_is_the_form_fields(data):
    """Written once per chosen year (medical.etax_views.YearForm.year_field), the same HTML."""
    years = [2025, 2024, 2023]
    for _ in range(2):  # the second time from what it remembered
        form = YearForm(data, years=years)
        assert form.year_field() == render_field(YearForm(data, years=years)["year"])
    if data and data["year"] == "1999":
        assert "発行対象年は2023年〜2025年の中から選択してください。" in form.year_field()
