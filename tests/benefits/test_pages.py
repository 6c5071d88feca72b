"""BEN-1: the manual's table and 合計, 年度 grouping, the filter, scoping, fixed query counts."""

import datetime as dt

import pytest

from benefits import queries
from tests.benefits.factories import BenefitPaymentFactory


def _html(response):
    return response.content.decode()


def _pay(person, month, benefit_type, amount, **extra):
    return BenefitPaymentFactory(
        person=person, paid_month=month, benefit_type=benefit_type, amount=amount, **extra
    )


# --- (1)-2 and (3): the latest month, as the manual's table ----------------------------------


def test_latest_month_shows_the_manuals_table_with_its_total(member_client, manual_december):
    html = _html(member_client.get("/benefits/latest/"))

    assert "2024年12月の給付金支給明細" in html
    for column in ("支給年月", "対象者", "給付種別", "診療年月", "支給期間", "日数", "支給金額"):
        assert f'<th scope="col">{column}</th>' in html or f'">{column}</th>' in html
    assert html.count("インフルエンザ予防接種補助金</td>") == 2
    assert "山田 太郎" in html and "山田 花子" in html
    assert html.count('<td class="num">-</td>') == 2  # 日数 「-」
    assert html.count('<td class="num">¥3,000</td>') == 2
    assert '<td class="num">¥6,000</td>' in html  # 合計
    assert "給付金支給総額 <strong>6,000円</strong>" in html
    assert "給付金支給決定通知書(PDF)" in html


def test_latest_is_the_newest_paid_month(member_client, insured, types):
    _pay(insured.person, dt.date(2024, 6, 1), types["高額療養費"], 45000)
    _pay(insured.person, dt.date(2025, 2, 1), types["付加給付"], 12000)

    html = _html(member_client.get("/benefits/latest/"))

    assert "2025年2月の給付金支給明細" in html
    assert "付加給付" in html and "高額療養費" not in html


def test_hub_links_the_latest_total(member_client, manual_december):
    html = _html(member_client.get("/benefits/"))

    assert "最新の給付金支給総額" in html and "2024年12月支給分" in html
    assert "6,000円" in html
    assert 'href="/benefits/latest/"' in html


def test_period_days_and_note_are_shown(member_client, insured, types):
    _pay(
        insured.person,
        dt.date(2025, 1, 1),
        types["傷病手当金"],
        123456,
        service_month=dt.date(2024, 12, 1),
        period_start=dt.date(2024, 12, 1),
        period_end=dt.date(2024, 12, 20),
        days=17,
        note="待期3日を除く",
    )

    html = _html(member_client.get("/benefits/2025/1/"))

    assert "<td>2024/12/01〜2024/12/20</td>" in html
    assert '<td class="num">17</td>' in html
    # 支給年月 first, kept at the left when the table scrolls sideways; then 診療年月.
    assert '<td class="sticky-col">2025/01</td>' in html and "<td>2024/12</td>" in html
    assert "¥123,456" in html and "待期3日を除く" in html


def test_no_payments_yet(member_client, insured):
    html = _html(member_client.get("/benefits/latest/"))

    assert "給付金支給明細はまだありません。" in html
    assert "給付金支給決定通知書(PDF)" not in html


# --- Scoping: household for the insured, self for a dependent, nothing else -------------------


def test_dependent_sees_only_their_own_payments(client, dependent, insured, types):
    _pay(insured.person, dt.date(2024, 12, 1), types["高額療養費"], 50000)
    _pay(dependent.person, dt.date(2024, 12, 1), types["出産育児一時金"], 500000)
    client.force_login(dependent)

    html = _html(client.get("/benefits/latest/"))

    assert "出産育児一時金" in html and "¥500,000" in html
    assert "高額療養費" not in html and "山田 太郎" not in html


def test_another_household_sees_none_of_them_by_changing_the_url(
    client, other_household_member, manual_december
):
    client.force_login(other_household_member)

    month = _html(client.get("/benefits/2024/12/"))
    past = _html(client.get("/benefits/past/"))

    assert "インフルエンザ予防接種補助金</td>" not in month
    assert "該当する給付金支給明細はありません。" in month
    assert "2024年度" not in past


def test_another_unions_member_is_refused(client, union, other_union_member, manual_december):
    client.force_login(other_union_member)

    assert client.get("/benefits/latest/").status_code == 403


def test_another_unions_member_on_their_own_portal_sees_none_of_them(
    client, other_union_member, manual_december
):
    other = other_union_member.union
    other.domain = "localhost"
    other.save()
    client.force_login(other_union_member)

    month = _html(client.get("/benefits/2024/12/", HTTP_HOST="localhost"))
    latest = _html(client.get("/benefits/latest/", HTTP_HOST="localhost"))

    assert "該当する給付金支給明細はありません。" in month
    assert "給付金支給明細はまだありません。" in latest and "山田" not in latest


def test_visitors_are_sent_to_the_login(client, manual_december):
    response = client.get("/benefits/latest/")

    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_an_impossible_month_is_404(member_client, manual_december):
    assert member_client.get("/benefits/2024/13/").status_code == 404


def test_a_union_without_the_service_cannot_open_it(member_client, union, manual_december):
    union.set_enabled_features({"medical"})
    union.save()

    response = member_client.get("/benefits/latest/")

    assert response.status_code == 404
    assert "ご所属の健康保険組合が契約していない場合、この機能はご利用いただけません。" in _html(
        response
    )


# --- (2)-2 past by 年度 -------------------------------------------------------------------------


def test_past_groups_by_fiscal_year_april_to_march(member_client, insured, dependent, types):
    flu, high = types["インフルエンザ予防接種補助金"], types["高額療養費"]
    _pay(insured.person, dt.date(2024, 4, 1), high, 40000)  # 2024年度 starts
    _pay(dependent.person, dt.date(2025, 3, 1), flu, 3000)  # 2024年度 ends
    _pay(insured.person, dt.date(2025, 3, 1), high, 20000)
    _pay(insured.person, dt.date(2025, 4, 1), flu, 3000)  # 2025年度
    _pay(insured.person, dt.date(2024, 3, 1), flu, 2000)  # 2023年度

    years = queries.by_fiscal_year(queries.payments(insured))
    html = _html(member_client.get("/benefits/past/"))

    assert [(y.year, y.amount) for y in years] == [(2025, 3000), (2024, 63000), (2023, 2000)]
    assert years[1].months == [(dt.date(2025, 3, 1), 23000), (dt.date(2024, 4, 1), 40000)]
    assert "2025年度" in html and "2024年度" in html and "2023年度" in html
    assert "63,000円" in html and "23,000円" in html
    assert 'href="/benefits/2025/3/"' in html and 'href="/benefits/2024/4/"' in html
    assert '<span class="year__toggle" aria-hidden="true">+</span>' in html


def test_past_explains_plus_and_arrow_in_the_manuals_words(member_client, insured):
    html = _html(member_client.get("/benefits/past/"))

    assert "「+」をクリックするとその年度の月毎の支給額を確認することができます。" in html
    assert "「>」をクリックすると該当月の明細を確認することができます。" in html


def test_the_month_link_shows_that_months_payments(member_client, insured, types):
    _pay(insured.person, dt.date(2025, 3, 1), types["高額療養費"], 20000)
    _pay(insured.person, dt.date(2025, 4, 1), types["付加給付"], 5000)

    html = _html(member_client.get("/benefits/2025/3/"))

    assert "2025年3月の給付金支給明細" in html
    assert "高額療養費" in html and "付加給付</td>" not in html
    assert '<td class="num">¥20,000</td>' in html


# --- (2)-1 annual and (2)-3 the filter ----------------------------------------------------------


@pytest.fixture
def a_year(insured, dependent, types):
    _pay(insured.person, dt.date(2024, 2, 1), types["高額療養費"], 40000)
    _pay(dependent.person, dt.date(2024, 5, 1), types["出産手当金"], 300000, days=98)
    _pay(dependent.person, dt.date(2024, 5, 1), types["出産育児一時金"], 500000)
    _pay(insured.person, dt.date(2024, 12, 1), types["インフルエンザ予防接種補助金"], 3000)
    _pay(dependent.person, dt.date(2024, 12, 1), types["インフルエンザ予防接種補助金"], 3000)
    _pay(insured.person, dt.date(2023, 12, 1), types["インフルエンザ予防接種補助金"], 2000)


def test_annual_is_the_calendar_year_of_the_newest_payment(member_client, a_year):
    html = _html(member_client.get("/benefits/annual/"))

    assert "2024/01〜2024/12の給付金支給明細" in html
    assert "あなたが受け取った給付金の総額 <strong>846,000円</strong>" in html
    assert '<td class="num">¥846,000</td>' in html
    assert "¥2,000" not in html  # 2023


def test_filter_by_person(member_client, dependent, a_year):
    html = _html(member_client.get("/benefits/annual/", {"person": dependent.person.pk}))

    assert "<strong>803,000円</strong>" in html
    assert "高額療養費</td>" not in html


def test_filter_by_benefit_type(member_client, types, a_year):
    flu = types["インフルエンザ予防接種補助金"]

    html = _html(
        member_client.get(
            "/benefits/annual/", {"start": "2023-01", "end": "2024-12", "benefit_type": flu.pk}
        )
    )

    assert "2023/01〜2024/12の給付金支給明細" in html
    assert "<strong>8,000円</strong>" in html
    assert "出産手当金</td>" not in html


def test_filter_by_paid_month_range(member_client, a_year):
    html = _html(member_client.get("/benefits/annual/", {"start": "2024-05", "end": "2024/05"}))

    assert "<strong>800,000円</strong>" in html
    assert '<td class="num">98</td>' in html


def test_filter_with_nothing_found(member_client, a_year):
    html = _html(member_client.get("/benefits/annual/", {"start": "2020-01", "end": "2020-12"}))

    assert "該当する給付金支給明細はありません。" in html
    assert "<strong>0円</strong>" in html


def test_filter_messages_are_japanese(member_client, a_year):
    reversed_ = _html(
        member_client.get("/benefits/annual/", {"start": "2024-05", "end": "2024-01"})
    )
    malformed = _html(member_client.get("/benefits/annual/", {"start": "令和6年"}))

    assert "「まで」は「から」以降の年月を指定してください。" in reversed_
    assert "支給年月は「2025-01」の形式で入力してください。" in malformed
    assert "入力内容をご確認ください。" in malformed


def test_only_until_before_the_newest_year_is_refused_and_offers_no_pdf(member_client, a_year):
    html = _html(member_client.get("/benefits/annual/", {"end": "2023-12"}))

    assert (
        "「から」を指定してください。省略すると2024/01からになり、「まで」より後になります。"
        in html
    )
    assert "2024/01〜2023/12" not in html
    assert "給付金支給決定通知書(PDF)" not in html


def test_only_until_is_the_newest_year_up_to_that_month(member_client, a_year):
    html = _html(member_client.get("/benefits/annual/", {"end": "2024-05"}))

    assert "2024/01〜2024/05の給付金支給明細" in html
    assert "給付金支給決定通知書(PDF)" in html


def test_only_from_after_the_newest_year_is_refused(member_client, a_year):
    html = _html(member_client.get("/benefits/annual/", {"start": "2025-02"}))

    assert (
        "「まで」を指定してください。省略すると2024/12までになり、「から」より前になります。"
        in html
    )
    assert "給付金支給決定通知書(PDF)" not in html


def test_the_filter_offers_only_visible_persons_and_the_unions_types(
    client, dependent, insured, types, other_union_member, a_year
):
    from tests.benefits.factories import BenefitTypeFactory

    BenefitTypeFactory(union=other_union_member.union, code="X9", name="よその組合の給付")
    client.force_login(dependent)

    html = _html(client.get("/benefits/annual/"))

    assert "山田 花子</option>" in html and "山田 太郎</option>" not in html
    assert "傷病手当金</option>" in html and "よその組合の給付" not in html


def test_dependent_cannot_filter_to_another_person(client, insured, dependent, a_year):
    client.force_login(dependent)

    html = _html(client.get("/benefits/annual/", {"person": insured.person.pk}))

    assert "高額療養費</td>" not in html
    assert "正しく選択してください。" in html


def test_another_unions_type_cannot_be_chosen(member_client, other_union_member, a_year):
    from tests.benefits.factories import BenefitTypeFactory

    foreign = BenefitTypeFactory(union=other_union_member.union, code="X9", name="よその給付")

    html = _html(member_client.get("/benefits/annual/", {"benefit_type": foreign.pk}))

    assert "正しく選択してください。" in html


# --- Query counts: fixed, whatever the number of payments --------------------------------------

# (page, its own queries on the benefits tables): the newest month and its statement; the
# 給付種別 choices of the filter; one per-month aggregate for the past view. The rest of a page's
# queries (session, account, 対象者 choices) is the portal's and must not grow either.
PAGES = [
    ("/benefits/", 2),
    ("/benefits/latest/", 2),
    ("/benefits/2024/5/", 1),
    ("/benefits/annual/", 3),
    ("/benefits/annual/?person=&benefit_type=&start=2024-01", 3),
    ("/benefits/past/", 1),
]
MOST_QUERIES_PER_PAGE = 8


def _payments(person, types, count):
    kinds = list(types.values())
    for i in range(count):
        _pay(person, dt.date(2024, i % 12 + 1, 1), kinds[i % len(kinds)], 1000 + i)


def _queries_of(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize(("path", "own_queries"), PAGES)
def test_pages_cost_the_same_queries_with_more_payments(
    member_client, insured, dependent, types, path, own_queries, django_assert_num_queries
):
    member_client.get("/")  # the session and union caches are warm, as for any later page
    _payments(insured.person, types, 3)
    few = _queries_of(member_client, path)
    _payments(dependent.person, types, 60)
    _payments(insured.person, types, 60)

    with django_assert_num_queries(len(few)):
        assert member_client.get(path).status_code == 200
    assert len([sql for sql in few if "benefits_" in sql]) == own_queries
    assert len(few) <= MOST_QUERIES_PER_PAGE


@pytest.mark.parametrize("path", ["/benefits/2025/13/", "/benefits/99999999999999999999/1/"])
def test_a_month_that_does_not_exist_is_not_found(member_client, path):
    # 13月, or a year too long for a date (OverflowError), is a 404 and never a server error.
    assert member_client.get(path).status_code == 404
