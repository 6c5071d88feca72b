"""MED-1 … MED-3 and MED-5: the manual's numbers, 年度 grouping, scoping, fixed query counts."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from medical import queries
from tests import factories


def _html(response):
    return response.content.decode()


def _claim(person, month, **amounts):
    return factories.ClaimFactory(person=person, service_month=month, **amounts)


# --- MED-5: the manual's prescription example --------------------------------------------------


@pytest.fixture
def manual_prescriptions(insured):
    pairs = [
        (
            "スピラゾンクリーム0.3%",
            "14.7",
            "g",
            "5",
            "プレドニゾロン吉草酸エステル酢酸エステルクリーム0.3%「YD」",
            "13.3",
        ),
        (
            "サワシリンカプセル250 250mg",
            "10.2",
            "カプセル",
            "15",
            "アモキシシリンカプセル250mg「日医工」",
            "10.0",
        ),
        ("ロキソニン錠60mg", "18.6", "錠", "126", "ロキソプロフェンナトリウム錠60mg", "5.6"),
        ("ムコスタ錠100mg", "17.4", "錠", "126", "レバミピド錠100mg「アメル」", "9.6"),
    ]
    for number, (name, price, unit, quantity, generic_name, generic_price) in enumerate(pairs, 1):
        generic = factories.DrugFactory(
            code=f"G{number}",
            name=generic_name,
            unit=unit,
            unit_price=generic_price,
            is_generic=True,
        )
        drug = factories.DrugFactory(
            code=f"B{number}", name=name, unit=unit, unit_price=price, generic=generic
        )
        factories.PrescriptionLineFactory(
            person=insured.person,
            drug=drug,
            quantity=quantity,
            line_no=number,
            service_month=dt.date(2024, 11, 1),
        )
    return insured


def test_prescription_example_reproduces_the_manual(manual_prescriptions):
    statement = queries.prescription_statement(queries.prescriptions(manual_prescriptions))
    [(_, rows)] = statement.groups

    assert [(r.paid, r.saving, r.paid_after) for r in rows] == [
        (22, 2, 20),
        (46, 1, 45),
        (703, 491, 212),
        (658, 295, 363),
    ]
    assert [r.generic_price for r in rows] == [None, None, Decimal("5.6"), Decimal("9.6")]
    assert (statement.paid, statement.saving, statement.paid_after) == (1429, 789, 640)


def test_prescription_page_shows_the_manuals_totals(member_client, manual_prescriptions):
    html = _html(member_client.get("/medical/prescriptions/"))

    assert "2024年11月の処方医薬品明細" in html
    assert "1,429円" in html
    assert "最大削減可能額：¥789" in html and "切替後支払額：¥640" in html
    assert "¥703" in html and "¥491" in html and "¥212" in html
    assert ">14.7<" in html and ">5 (g)<" in html


def test_copay_rounds_half_up_to_the_yen():
    assert queries.copay(Decimal("14.7"), Decimal("5")) == 22  # 22.05
    assert queries.copay(Decimal("13.3"), Decimal("5")) == 20  # 19.95
    assert queries.copay(Decimal("5"), Decimal("1")) == 2  # 1.5 → 2


def test_drug_without_generic_shows_dashes(member_client, insured):
    drug = factories.DrugFactory(code="X1", name="ワーファリン錠1mg", unit_price="9.8")
    factories.PrescriptionLineFactory(person=insured.person, drug=drug, quantity="30")

    html = _html(member_client.get("/medical/prescriptions/"))

    assert "ワーファリン錠1mg" in html
    assert "<td>-</td>" in html


# --- MED-2: the manual's table -----------------------------------------------------------------


@pytest.fixture
def manual_month(insured, dependent):
    march = dt.date(2025, 3, 1)
    _claim(insured.person, march, insurer_paid=9972, public_paid=1200, patient_paid=1628)
    _claim(
        insured.person,
        march,
        provider_name="ホロウ薬局",
        care_type="pharmacy",
        insurer_paid=1552,
        public_paid=0,
        patient_paid=148,
    )
    _claim(
        dependent.person,
        march,
        provider_name="パドコ歯科",
        care_type="dental",
        insurer_paid=7460,
        public_paid=3216,
        patient_paid=1944,
    )
    return march


def test_latest_month_table_adds_up(member_client, manual_month):
    response = member_client.get("/medical/latest/")
    html = _html(response)

    assert "2025年3月の医療費明細" in html
    assert "あなたが支払った額 <strong>3,720円</strong>" in html
    # ¥27,120 = ¥18,984 + ¥4,416 + ¥3,720
    assert "¥27,120" in html and "¥18,984" in html and "¥4,416" in html and "¥3,720" in html


def test_dependent_sees_only_their_own_claims(client, dependent, manual_month):
    client.force_login(dependent)

    html = _html(client.get("/medical/latest/"))

    assert "パドコ歯科" in html
    assert "ホロウ薬局" not in html
    assert "1,944円" in html


def test_nobody_sees_another_households_claims(client, other_household_member, manual_month):
    client.force_login(other_household_member)

    html = _html(client.get("/medical/2025/3/"))

    assert "ホロウ薬局" not in html and "パドコ歯科" not in html
    assert "該当する医療費明細はありません。" in html


def test_another_unions_member_is_refused(client, union, other_union_member, manual_month):
    client.force_login(other_union_member)

    assert client.get("/medical/latest/").status_code == 403


def test_past_groups_by_fiscal_year_with_months(member_client, insured):
    _claim(insured.person, dt.date(2025, 3, 1), patient_paid=1000)
    _claim(insured.person, dt.date(2025, 4, 1), patient_paid=2000)
    _claim(insured.person, dt.date(2026, 3, 1), patient_paid=500)

    years = queries.by_fiscal_year(queries.claims(insured))
    html = _html(member_client.get("/medical/past/"))

    assert [(y.year, y.total) for y in years] == [(2025, 2500), (2024, 1000)]
    assert [m for m, _ in years[0].months] == [dt.date(2026, 3, 1), dt.date(2025, 4, 1)]
    assert "2025年度" in html and "2024年度" in html and 'href="/medical/2025/4/"' in html


def test_annual_filter_by_person(member_client, insured, dependent, manual_month):
    response = member_client.get(
        "/medical/annual/", {"start": "2025-01", "end": "2025-12", "person": dependent.person.pk}
    )

    html = _html(response)
    assert "パドコ歯科" in html and "ホロウ薬局" not in html


def test_dependent_cannot_filter_to_another_person(client, insured, dependent, manual_month):
    client.force_login(dependent)

    html = _html(client.get("/medical/annual/", {"person": insured.person.pk}))

    assert "ホロウ薬局" not in html


def test_filter_messages_are_japanese(member_client, manual_month):
    html = _html(member_client.get("/medical/annual/", {"start": "2025-05", "end": "2025-01"}))

    assert "「まで」は「から」以降の年月を指定してください。" in html


@pytest.mark.parametrize(
    "path",
    [
        "/medical/",
        "/medical/latest/",
        "/medical/annual/",
        "/medical/annual/?start=2024-01&end=2024-12",
        "/medical/past/",
        "/medical/prescriptions/",
        "/medical/etax/?year=2024",
    ],
)
def test_pages_cost_a_fixed_number_of_queries(
    member_client, insured, path, django_assert_max_num_queries
):
    member_client.get("/")
    for month in range(1, 13):
        _claim(insured.person, dt.date(2024, month, 1))
        factories.PrescriptionLineFactory(
            person=insured.person, service_month=dt.date(2024, month, 1)
        )

    with django_assert_max_num_queries(8):
        assert member_client.get(path).status_code == 200


def test_a_union_without_the_service_cannot_open_it(member_client, union):
    union.set_enabled_features(set())
    union.save()

    response = member_client.get("/medical/latest/")

    assert response.status_code == 404
    assert "ご所属の健康保険組合が契約していない場合、この機能はご利用いただけません。" in _html(
        response
    )


def test_annual_prescriptions_filter_by_month(member_client, manual_prescriptions):
    shown = _html(
        member_client.get("/medical/prescriptions/annual/", {"start": "2024-11", "end": "2024-11"})
    )
    empty = _html(
        member_client.get("/medical/prescriptions/annual/", {"start": "2024-01", "end": "2024-10"})
    )

    assert "1,429円" in shown and "ロキソニン錠60mg" in shown
    assert "該当する処方医薬品明細はありません。" in empty


def test_dependent_sees_no_household_prescriptions(client, dependent, manual_prescriptions):
    client.force_login(dependent)

    html = _html(
        client.get("/medical/prescriptions/annual/", {"start": "2024-01", "end": "2024-12"})
    )

    assert "ロキソニン錠60mg" not in html


def test_the_hub_links_to_the_latest_benefit_payments_when_contracted(member_client, union):
    # manual §4-2 (1)-2: 「最新の給付金支給総額」 is reached from 医療費情報
    assert "/benefits/latest/" in member_client.get("/medical/").content.decode()

    union.set_enabled_features(union.enabled_feature_keys - {"benefits"})
    union.save()

    assert "/benefits/latest/" not in member_client.get("/medical/").content.decode()


def test_the_sub_navigation_offers_only_the_unions_services(member_client, union):
    from kosmo import tenancy

    html = _html(member_client.get("/medical/"))
    assert "処方医薬品照会" in html and "医療費控除申請用データ (e-Tax)" in html

    union.set_enabled_features(union.enabled_feature_keys - {"prescriptions", "etax"})
    union.save()
    tenancy.forget_unions()

    html = _html(member_client.get("/medical/"))
    assert "処方医薬品照会" not in html
    assert "医療費控除申請用データ (e-Tax)" not in html
    assert "最新の自己負担額" in html


def test_the_statement_table_groups_the_breakdown_as_the_manual(member_client, manual_month):
    html = _html(member_client.get("/medical/2025/3/"))

    assert "医療機関 診療区分/日数(回数)" in html
    assert 'colspan="3">医療費の内訳</th>' in html


def test_the_past_page_is_titled_as_the_manual(member_client, manual_month):
    assert "過去の医療費通知" in _html(member_client.get("/medical/past/"))


def test_a_month_without_prescriptions_says_so_instead_of_an_empty_table(
    member_client, manual_prescriptions
):
    html = _html(member_client.get("/medical/prescriptions/2030/1/"))

    assert "2030年1月の処方医薬品明細" in html
    assert "該当する処方医薬品明細はありません。" in html
    assert 'class="prescriptions"' not in html


def _person_choices(html: str) -> list[str]:
    select = html[html.index('<select name="person"') : html.index("</select>")]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_annual_offers_every_household_member_even_without_claims(
    member_client, insured, dependent, child, other_household_member, manual_month
):
    """The 受診者 choices come with the claims in one query: all the household, by 枝番."""
    html = _html(member_client.get("/medical/annual/"))

    assert _person_choices(html) == [
        "全員",
        insured.person.full_name,
        dependent.person.full_name,
        child.full_name,  # no claims
    ]
    assert other_household_member.person.full_name not in html


def test_annual_offers_a_dependent_only_themself(client, insured, dependent, manual_month):
    client.force_login(dependent)

    assert _person_choices(_html(client.get("/medical/annual/"))) == [
        "全員",
        dependent.person.full_name,
    ]


def test_annual_without_any_claims_still_offers_the_household(member_client, insured, child):
    html = _html(member_client.get("/medical/annual/"))

    assert _person_choices(html) == ["全員", insured.person.full_name, child.full_name]
    assert "該当する医療費明細はありません。" in html


def _table(sql: str) -> str:
    return sql.split(" FROM ", 1)[1].split()[0].strip('"')


def _queries(call) -> list[str]:
    """The SQL run by `call`, with date-time literals (the session query's "now") blanked."""
    with CaptureQueriesContext(connection) as captured:
        call()
    return [
        re.sub(r"'\d{4}-\d\d-\d\d \d\d:\d\d:[\d.]+(?:[+-]\d\d:\d\d)?'", "'…'", query["sql"])
        for query in captured.captured_queries
    ]


@pytest.mark.parametrize(
    ("path", "own"),
    [
        ("/medical/latest/", ["medical_claim"]),
        # The newest month (the default year of the filter), the persons, the statement.
        ("/medical/annual/", ["medical_claim", "kosmo_person", "medical_claim"]),
        (
            "/medical/annual/?start=2024-01&person=",
            ["medical_claim", "kosmo_person", "medical_claim"],
        ),
    ],
)
def test_a_statement_page_costs_its_own_queries_beside_any_signed_in_request(
    member_client, insured, dependent, manual_month, path, own
):
    member_client.get("/")  # the header's counts are cached
    baseline = _queries(lambda: member_client.get("/healthz"))
    page = _queries(lambda: member_client.get(path))

    assert page[: len(baseline)] == baseline
    assert [_table(sql) for sql in page[len(baseline) :]] == own


# --- A period with one side blank (issue 17) ---------------------------------------------------

ONLY_UNTIL_TOO_EARLY = (
    "「から」を指定してください。省略すると2026/01からになり、「まで」より後になります。"
)
ONLY_FROM_TOO_LATE = (
    "「まで」を指定してください。省略すると2026/12までになり、「から」より前になります。"
)
REVERSED = "「まで」は「から」以降の年月を指定してください。"


@pytest.fixture
def claims_up_to_2026(insured):
    _claim(insured.person, dt.date(2024, 2, 1), patient_paid=1000)
    _claim(insured.person, dt.date(2026, 1, 1), patient_paid=3000)


def test_only_until_before_the_newest_year_is_refused_and_offers_no_pdf(
    member_client, claims_up_to_2026
):
    html = _html(member_client.get("/medical/annual/", {"end": "2024-03"}))

    assert ONLY_UNTIL_TOO_EARLY in html
    assert "2026/01〜2024/03" not in html
    assert "医療費明細 (PDF)" not in html


def test_only_until_is_the_newest_year_up_to_that_month(member_client, claims_up_to_2026):
    html = _html(member_client.get("/medical/annual/", {"end": "2026-03"}))

    assert "2026/01〜2026/03の医療費明細" in html
    assert "医療費明細 (PDF)" in html


def test_only_from_after_the_newest_year_is_refused(member_client, claims_up_to_2026):
    html = _html(member_client.get("/medical/annual/", {"start": "2027-05"}))

    assert ONLY_FROM_TOO_LATE in html
    assert "医療費明細 (PDF)" not in html


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ({"start": "2026-01", "end": "2024-03"}, REVERSED),
        ({"start": "", "end": "2024-03"}, ONLY_UNTIL_TOO_EARLY),
        ({"start": "2025-13", "end": "2025-12"}, "診療年月は「2025-01」の形式で入力してください。"),
    ],
)
def test_the_pdf_of_a_bad_period_answers_with_the_pages_message(
    member_client, claims_up_to_2026, period, message
):
    from kosmo.models import DocumentJob

    response = member_client.post("/medical/statement.pdf", period)

    assert response.status_code == 200
    assert message in _html(response)
    assert not DocumentJob.objects.exists()


def test_the_pdf_of_a_period_with_only_until_is_the_year_up_to_it(member_client, claims_up_to_2026):
    from kosmo.models import DocumentJob

    response = member_client.post("/medical/statement.pdf", {"start": "", "end": "2026-03"})

    assert response.status_code == 302
    assert DocumentJob.objects.get().params["start"] == "2026-01"


def test_prescriptions_with_only_until_before_the_newest_year_are_refused(
    member_client, manual_prescriptions
):
    html = _html(member_client.get("/medical/prescriptions/annual/", {"end": "2023-03"}))

    assert (
        "「から」を指定してください。省略すると2024/01からになり、「まで」より後になります。"
        in html
    )
    assert "2024/01〜2023/03" not in html


def test_the_past_pages_offer_the_manuals_filters(member_client, manual_month):
    claims = _html(member_client.get("/medical/past/"))
    prescriptions = _html(member_client.get("/medical/prescriptions/past/"))

    assert "<summary>診療年月・受診者で絞り込む</summary>" in claims
    assert '<form method="get" action="/medical/annual/" novalidate>' in claims
    assert 'name="person"' in claims
    assert "<summary>診療年月で絞り込む</summary>" in prescriptions
    assert '<form method="get" action="/medical/prescriptions/annual/" novalidate>' in prescriptions
    assert 'name="start"' in prescriptions and 'name="person"' not in prescriptions
