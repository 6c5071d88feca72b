"""CHK-1 … CHK-3: the standard table, the rich assessment and the improvement menu; scoping,
contract gating and constant query counts."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from checkup.models import CriteriaOverride
from kosmo.models import Union
from tests import factories
from tests.checkup.factories import ColumnFactory, checkup_with

UNAVAILABLE = "ご所属の健康保険組合が契約していない場合、この機能はご利用いただけません。"
# 山田 太郎's demo values in the latest year: several beyond the reference.
TARO_LATEST = {
    "waist": "88.4",
    "sbp": "142",
    "dbp": "88",
    "tg": "182",
    "hdl": "45",
    "ldl": "152",
    "fpg": "104",
    "hba1c": "6.0",
    "ggt": "72",
    "uric_acid": "7.6",
}


def _html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _row(html: str, name: str) -> str:
    """The <tr> of the table whose heading cell is `name`."""
    link = f'<a href="[^"]*">{re.escape(name)}</a>'
    match = re.search(rf'<th scope="row" class="checkup-item">{link}</th>(.*?)</tr>', html)
    assert match, name
    return match.group(1)


# --- CHK-1 standard table -------------------------------------------------------------------


def test_table_shows_the_five_latest_exams_newest_first(member_client, insured):
    for year in range(2019, 2026):
        checkup_with(insured.person, dt.date(year, 6, 14), weight=f"{year - 1950}.0")

    html = _html(member_client.get("/checkup/"))

    heads = re.findall(r'<th scope="col" class="num">(\d{4})年<br>', html)
    assert heads == ["2025", "2024", "2023", "2022", "2021"]
    assert "2025年<br>6/14 (土)" in html
    assert re.findall(r'<td class="num checkup-cell">(\d+\.0)</td>', _row(html, "体重")) == [
        "75.0", "74.0", "73.0", "72.0", "71.0"
    ]  # fmt: skip


def test_table_groups_items_as_the_manual_with_units_and_reference(member_client, insured):
    checkup_with(insured.person)

    html = _html(member_client.get("/checkup/"))

    groups = re.findall(
        r'<th scope="colgroup" colspan="3"><span class="checkup-group-label">(.*?)</span></th>',
        html,
    )
    assert groups == ["生活習慣", "血圧", "脂質", "血糖", "肝機能", "尿酸", "尿"]
    assert '129以下 <span class="checkup-unit">(mmHg)</span>' in _row(html, "収縮期血圧")
    assert "40以上" in _row(html, "HDLコレステロール")


def test_out_of_range_cells_are_red_with_a_text_cue(member_client, insured):
    checkup_with(insured.person, sbp="142", hdl="29", urine_protein="+")

    html = _html(member_client.get("/checkup/"))

    sbp = _row(html, "収縮期血圧")
    assert "checkup-cell--out checkup-cell--high" in sbp
    assert '142<span class="checkup-flag" aria-hidden="true">▲</span>' in sbp
    assert "（基準値より高い）" in sbp
    hdl = _row(html, "HDLコレステロール")
    assert "checkup-cell--low" in hdl and "▼" in hdl and "（基準値より低い）" in hdl
    assert "checkup-cell--out" in _row(html, "尿蛋白")
    assert "checkup-cell--out" not in _row(html, "拡張期血圧")
    assert "※背景色が赤の場合、その項目は基準値外です。" in html


def test_an_item_not_examined_that_year_is_a_dash(member_client, insured):
    checkup_with(insured.person, dt.date(2025, 6, 14), uric_acid=None)
    checkup_with(insured.person, dt.date(2024, 6, 14))

    row = _row(_html(member_client.get("/checkup/")), "尿酸")

    assert "checkup-cell--none" in row and "未実施" in row


def test_member_without_checkups_sees_the_empty_state(member_client, insured):
    html = _html(member_client.get("/checkup/"))

    assert "表示できる健診結果はありません。" in html
    assert "健診結果一覧表(PDFダウンロード)" not in html


def test_union_override_changes_the_reference_for_that_union_only(
    member_client, insured, union, client, other_union_member, settings
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "other.testserver"]
    CriteriaOverride.objects.create(
        union=union,
        item_key="sbp",
        grades=[{"grade": "A", "lt": 150}, {"grade": "C"}],
        reference="149以下",
    )
    checkup_with(insured.person, sbp="142")

    html = _html(member_client.get("/checkup/"))

    assert "checkup-cell--out" not in _row(html, "収縮期血圧")
    assert "149以下" in _row(html, "収縮期血圧")
    other = other_union_member.person.household.union
    other.domain = "other.testserver"
    other.save()
    checkup_with(other_union_member.person, sbp="142")
    client.force_login(other_union_member)
    other_html = _html(client.get("/checkup/", HTTP_HOST="other.testserver"))
    assert "checkup-cell--out" in _row(other_html, "収縮期血圧")


def test_each_item_links_to_its_history_with_a_chart(member_client, insured):
    for year, ldl in [(2019, "118"), (2020, "125"), (2021, "131"), (2022, "139"), (2023, "141")]:
        checkup_with(insured.person, dt.date(year, 6, 14), ldl=ldl)
    checkup_with(insured.person, dt.date(2024, 6, 14), ldl="152")
    checkup_with(insured.person, dt.date(2025, 6, 14), ldl="160")

    table = _html(member_client.get("/checkup/"))
    html = _html(member_client.get("/checkup/items/ldl/"))

    assert '<a href="/checkup/items/ldl/">LDLコレステロール</a>' in table
    assert '<h1 class="page-title">LDLコレステロール</h1>' in html
    assert "「悪玉」コレステロール" in html  # 解説
    assert "将来の疾病リスク" in html and "動脈硬化を進め" in html
    assert len(re.findall(r"<circle ", html)) == 7  # every exam, not only five
    assert len(re.findall(r"checkup-chart__point--out", html)) == 6  # all but 118
    dates = re.findall(r'<tr><th scope="row">(\d{4})/06/14</th>', html)
    assert dates == ["2025", "2024", "2023", "2022", "2021", "2020", "2019"]
    assert '160<span class="checkup-flag"' in html


def test_item_pages_refuse_unknown_items_and_strangers(
    member_client, insured, other_household_member
):
    checkup_with(other_household_member.person)

    assert member_client.get("/checkup/items/nothing/").status_code == 404
    assert member_client.get("/checkup/items/med_bp/").status_code == 404  # questionnaire
    url = f"/checkup/items/sbp/?person={other_household_member.person.pk}"
    assert member_client.get(url).status_code == 404


# --- Scoping -----------------------------------------------------------------------------------


def test_insured_picks_a_household_member(member_client, insured, child):
    checkup_with(child, sbp="150")

    own = _html(member_client.get("/checkup/"))
    theirs = _html(member_client.get(f"/checkup/?person={child.pk}"))

    assert 'id="id_person"' in own and "山田 一郎" in own
    assert "表示できる健診結果はありません。" in own
    assert "健診結果一覧表（山田 一郎）" in theirs and "150" in _row(theirs, "収縮期血圧")


def test_dependent_sees_only_herself(client, dependent, insured):
    checkup_with(insured.person)
    client.force_login(dependent)

    html = _html(client.get("/checkup/"))

    assert 'id="id_person"' not in html
    assert client.get(f"/checkup/?person={insured.person.pk}").status_code == 404
    assert client.get(f"/checkup/rich/?person={insured.person.pk}").status_code == 404


@pytest.mark.parametrize(
    "url", ["/checkup/", "/checkup/rich/", "/checkup/rich/referral/", "/checkup/rich/menu/"]
)
def test_another_households_or_unions_person_is_404(
    member_client, rich, other_household_member, other_union_member, url
):
    for stranger in (other_household_member, other_union_member):
        checkup_with(stranger.person)
        assert member_client.get(f"{url}?person={stranger.person.pk}").status_code == 404
    assert member_client.get(f"{url}?person=abc").status_code == 404


def test_signed_out_visitor_is_sent_to_login(client, union):
    response = client.get("/checkup/")

    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- Query counts ---------------------------------------------------------------------------


def _queries(client, url) -> tuple[int, int]:
    """(every query, this page's own queries: persons, criteria, checkups, columns)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    own = [q for q in queries if 'FROM "checkup_' in q["sql"] or 'FROM "kosmo_person"' in q["sql"]]
    return len(queries), len(own)


# persons + the union's criteria + checkups + their results (+ columns on the rich page)
OWN_QUERIES = {
    "/checkup/": 4,
    "/checkup/rich/": 5,
    "/checkup/rich/referral/": 4,
    "/checkup/items/ldl/": 3,  # persons + criteria + the item's results with their dates
}


@pytest.mark.parametrize("url", list(OWN_QUERIES))
def test_pages_cost_the_same_queries_for_one_or_many_exams(
    member_client, insured, rich, child, url
):
    checkup_with(insured.person, dt.date(2025, 6, 14), sbp="150")
    ColumnFactory(union=rich)
    member_client.get(url)  # warm the per-process union cache
    total, own = _queries(member_client, url)
    for year in range(2015, 2025):
        checkup_with(insured.person, dt.date(year, 6, 14), ldl="150")
        checkup_with(child, dt.date(year, 6, 14))
    for _ in range(5):
        ColumnFactory(union=rich, category="lipid")

    assert _queries(member_client, url) == (total, own)
    assert own == OWN_QUERIES[url]


# --- CHK-2 rich ----------------------------------------------------------------------------------


def test_rich_page_grades_the_latest_checkup(member_client, insured, rich):
    checkup_with(insured.person, dt.date(2024, 6, 14))
    checkup_with(insured.person, dt.date(2025, 6, 14), **TARO_LATEST)

    html = _html(member_client.get("/checkup/rich/"))

    assert "山田 太郎さんの 2025/06/14 受診の健診結果に基づく評価です。" in html
    assert '<span class="checkup-letter">C</span>' in html
    assert "最新の健診結果データに基づき、再検査や生活習慣の改善が必要です" in html
    categories = dict(
        re.findall(
            r'checkup-category__label">(.*?)</span> <span class="checkup-letter"[^>]*>(.)<', html
        )
    )
    assert categories == {
        "血圧": "C", "血糖": "C", "脂質": "C", "尿酸": "C", "腎臓": "A", "肝臓": "B", "肥満": "C",
    }  # fmt: skip
    assert "<dt>メタボリックシンドローム判定</dt><dd>基準該当</dd>" in html
    assert "<dt>保健指導レベル</dt><dd>積極的支援</dd>" in html
    assert "リスク解説" in html and "脳卒中や心筋梗塞" in html
    assert "健診結果を詳しく見る" in html and "健診数値改善メニューを見る" in html
    assert "受診勧奨判定値に該当する項目があります。" in html
    assert '<a class="checkup-category checkup-grade--c" href="/checkup/items/sbp/">' in html


def test_a_category_tile_opens_the_item_that_set_its_grade(member_client, insured, rich):
    checkup_with(
        insured.person,
        waist="88.4",  # C (BMI 22.9 is A)
        ast="32",  # B
        ggt="90",  # C
        fpg="104",  # B
        hba1c="6.0",  # C
        creatinine="0.9",  # A
        urine_protein="±",  # B
    )

    html = _html(member_client.get("/checkup/rich/"))

    tiles = re.findall(
        r'<a class="checkup-category checkup-grade--\w" href="/checkup/items/(\w+)/">'
        r' <span class="checkup-category__label">(.*?)</span>',
        html,
    )
    assert {label: key for key, label in tiles} == {
        "血圧": "sbp", "血糖": "hba1c", "脂質": "ldl", "尿酸": "uric_acid",
        "腎臓": "urine_protein", "肝臓": "ggt", "肥満": "waist",
    }  # fmt: skip


def test_rich_page_with_normal_values_is_grade_a(member_client, insured, rich):
    checkup_with(insured.person)

    html = _html(member_client.get("/checkup/rich/"))

    assert '<span class="checkup-letter">A</span>' in html
    assert "現在のところ異常は認められません" in html
    assert "<dd>非該当</dd>" in html and "<dd>情報提供</dd>" in html
    assert '<h2 class="section-title">リスク解説</h2>' not in html


def test_rich_page_shows_medication_exclusion_and_missing_waist(member_client, insured, rich):
    checkup_with(insured.person, med_bp="1", waist=None)

    html = _html(member_client.get("/checkup/rich/"))

    assert "<dd>判定不能</dd>" in html  # メタボ: no waist
    assert "<dd>対象外(服薬中)</dd>" in html


def test_recommended_columns_follow_the_worst_categories(member_client, insured, rich):
    checkup_with(insured.person, ldl="185")  # 脂質 D
    ColumnFactory(union=rich, category="bp", title="血圧のコラム", order=0)
    ColumnFactory(union=rich, category="lipid", title="脂質のコラム", order=5)
    ColumnFactory(union=rich, category="lipid", title="非公開のコラム", published=False)

    html = _html(member_client.get("/checkup/rich/"))

    assert "あなたにおすすめのコラム" in html
    assert html.index("脂質のコラム") < html.index("血圧のコラム")
    assert "非公開のコラム" not in html


def test_rich_page_is_absent_from_a_standard_contract(member_client, insured, union):
    checkup_with(insured.person)

    response = member_client.get("/checkup/rich/")

    assert response.status_code == 404
    assert UNAVAILABLE in response.content.decode()
    assert member_client.get("/checkup/").status_code == 200
    assert member_client.get("/checkup/rich/menu/").status_code == 404


def test_rich_page_without_the_standard_table_hides_its_link(member_client, insured, union):
    union.tier = Union.ContractTier.STANDARD
    union.set_enabled_features({"checkup_rich"})
    union.save()
    checkup_with(insured.person)

    html = _html(member_client.get("/checkup/rich/"))

    assert "健診結果を詳しく見る" not in html
    assert "/checkup/items/" not in html
    assert member_client.get("/checkup/").status_code == 404


# --- CHK-3 improvement menu -------------------------------------------------------------------


def test_menu_offers_the_three_ways(member_client, rich):
    html = _html(member_client.get("/checkup/rich/menu/"))

    for label, url in [
        ("医療機関を受診する", "/checkup/rich/referral/"),
        ("生活習慣改善コラムを読む", "/checkup/rich/columns/"),
        ("行動目標を設定する", "/checkup/rich/goals/"),
    ]:
        assert f'href="{url}"><strong>{label}</strong>' in html


def test_referral_lists_values_at_the_referral_threshold(member_client, insured, rich):
    checkup_with(insured.person, sbp="142", ldl="139", hdl="34", hba1c="6.5")

    html = _html(member_client.get("/checkup/rich/referral/"))

    assert "受診勧奨判定値に該当する項目があります。" in html
    assert re.search(r"収縮期血圧</th><td[^>]*>142 mmHg</td><td>140以上 mmHg</td>", html)
    assert re.search(r"HDLコレステロール</th><td[^>]*>34 mg/dL</td><td>35未満 mg/dL</td>", html)
    assert "HbA1c（NGSP）" in html
    assert "LDLコレステロール" not in html  # 139 < 140


def test_referral_without_such_values_says_so(member_client, insured, rich):
    checkup_with(insured.person)

    html = _html(member_client.get("/checkup/rich/referral/"))

    assert "最新の健診結果では、受診勧奨判定値に該当する項目はありません。" in html


def test_columns_list_and_read_one(member_client, rich):
    column = ColumnFactory(union=rich, title="塩分を控えて血圧を下げる")

    listing = _html(member_client.get("/checkup/rich/columns/"))
    page = _html(member_client.get(f"/checkup/rich/columns/{column.pk}/"))

    assert "塩分を控えて血圧を下げる" in listing and "コラムを読む" in listing
    assert "<p>めん類の汁は残しましょう。</p>" in page and "<p>カリウムをとりましょう。</p>" in page


def test_another_unions_or_unpublished_column_is_404(member_client, rich):
    other = ColumnFactory(union=factories.UnionFactory())
    hidden = ColumnFactory(union=rich, published=False)

    assert member_client.get(f"/checkup/rich/columns/{other.pk}/").status_code == 404
    assert member_client.get(f"/checkup/rich/columns/{hidden.pk}/").status_code == 404


def test_goals_link_to_daily_records_once_they_exist(member_client, rich, settings):
    settings.ROOT_URLCONF = "tests.checkup.urls_with_records"

    html = _html(member_client.get("/checkup/rich/goals/"))

    assert (
        '<a class="button button--primary" href="/records-test/">日々の記録を活用する</a>' in html
    )


def test_goals_without_daily_records_have_no_link(member_client, rich, settings):
    settings.ROOT_URLCONF = "tests.checkup.urls_without_records"

    html = _html(member_client.get("/checkup/rich/goals/"))

    assert "行動目標設定について" in html
    assert "日々の記録を活用する" not in html
    # Until the page exists, nothing says the feature is missing.
    assert "日々の記録は" not in html and "ご利用いただけ" not in html


def test_goals_hide_daily_records_outside_the_contract(member_client, rich, settings):
    settings.ROOT_URLCONF = "tests.checkup.urls_with_records"
    rich.set_enabled_features(set(rich.enabled_feature_keys) - {"daily_records"})
    rich.save()

    assert "日々の記録を活用する" not in _html(member_client.get("/checkup/rich/goals/"))


def test_a_chosen_household_member_stays_chosen_through_the_menu(member_client, rich, child):
    checkup_with(child, sbp="150")
    query = f"?person={child.pk}"

    rich_page = _html(member_client.get(f"/checkup/rich/{query}"))
    menu = _html(member_client.get(f"/checkup/rich/menu/{query}"))
    referral = _html(member_client.get(f"/checkup/rich/referral/{query}"))

    assert f'href="/checkup/rich/menu/{query}"' in rich_page
    assert f'href="/checkup/rich/referral/{query}"><strong>医療機関を受診する</strong>' in menu
    assert f'href="/checkup/rich/menu/{query}"' in referral
    assert "?person=" not in _html(member_client.get("/checkup/rich/menu/"))
