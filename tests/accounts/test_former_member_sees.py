"""What a former member (資格喪失, inside the union's window) sees is the union's choice
(`Union.former_member_sees`, kosmo.membership.SIGHTS):

- 「喪失日までの履歴を閲覧のみ」 (the default): every contracted service, read-only, the history
  up to the day before the 喪失日;
- 「すべての履歴を閲覧のみ」: the same, the history not cut (資格喪失後の継続給付);
- 「e-Taxデータと医療費のみ」: only 医療費情報 and 医療費控除申請用データ (and the account's own
  pages); the menu, the TOP page and the header show nothing else, and every other page is
  refused with a Japanese message naming what is left.

Union staff's 組合管理者 choose it in admin (Django's change history keeps who and when); a
clerk reads it and cannot change it; one union's choice is its own.
"""

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import Client
from django.utils import timezone

from accounts.roles import CLERK, UNION_ADMIN
from kosmo.models import DocumentJob, FormerMemberAccess, FormerMemberSees, Union
from tests import factories
from tests.benefits.factories import BenefitPaymentFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
ONLY = "医療費情報、医療費控除申請用データのみです。"
READ_ONLY = "以降は閲覧のみご利用いただけます。"
NEW_REFUSED = "新しいお手続きやポイントの獲得はご利用いただけません"
# The service menu's labels (kosmo.features) of a rich contract, as the TOP page lists them.
MEDICAL_ETAX_LABELS = ["医療費情報", "医療費控除申請用データ"]
OTHER_LABELS = [
    "処方医薬品照会",
    "給付金支給決定通知",
    "健診結果情報",
    "日々の記録",
    "MYポイント",
    "被扶養者資格調査",
    "資格情報のお知らせ",
]
# Pages of the services and settings 「e-Taxデータと医療費のみ」 hides.
HIDDEN_PAGES = [
    "/medical/prescriptions/",
    "/benefits/",
    "/benefits/latest/",
    "/checkup/",
    "/eligibility/notice/",
    "/eligibility/certificate/",
    "/dependents/",
    "/wellness/records/",
    "/wellness/points/",
    "/wellness/missions/",
    "/notices/news/",
    "/notices/mail/",
    "/notices/settings/",
    "/notices/notifications/",
]


def month_start(back: int) -> dt.date:
    """The 1st of the month `back` months before this one."""
    first = timezone.localdate().replace(day=1)
    index = first.year * 12 + first.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def jp(day: dt.date) -> str:
    return f"{day:%Y年%-m月%-d日}"


def lose(user, on, *, window=False):
    """The person lost coverage `on`; unless the test is about the `window`, staff kept the
    account open a year from today, so what is shown does not depend on the window."""
    person = user.person
    person.qualified_on = dt.date(2000, 4, 1)
    person.disqualified_on = on
    person.access_extended_until = None if window else timezone.localdate() + 365 * DAY
    person.save()


def choose(union, sees, **settings):
    union.former_member_sees = sees
    for name, value in settings.items():
        setattr(union, name, value)
    union.save()


@pytest.fixture
def rich(union):
    union.tier = Union.ContractTier.RICH
    union.contact_hours = "平日 9:00〜17:00"
    union.save()
    return union


@pytest.fixture
def signed_in(client, rich, insured):
    factories.sign_in(client, "yamada_taro")
    return client


@pytest.fixture
def history(insured):
    """A claim and a benefit while covered, and a 継続給付 paid this month for days after a
    喪失日 two months ago."""
    person = insured.person
    factories.ClaimFactory(person=person, service_month=month_start(3), provider_name="前月医院")
    BenefitPaymentFactory(person=person, paid_month=month_start(3), amount=1234)
    BenefitPaymentFactory(
        person=person, paid_month=month_start(0), service_month=month_start(1), amount=5678
    )


def menu_of(page) -> str:
    """The TOP page's service grid (the tiles), as text."""
    text = page.content.decode()
    start = text.index('class="service-grid"')
    return text[start : text.index("</ul>", start)]


# --- 「喪失日までの履歴を閲覧のみ」 (the default) ------------------------------------------------


def test_a_new_union_shows_former_members_their_history_up_to_the_loss_day(db):
    union = factories.UnionFactory()

    assert union.former_member_sees == FormerMemberSees.HISTORY == "history"


def test_by_default_a_former_member_sees_every_service_up_to_the_loss_day(
    signed_in, insured, history
):
    lost = month_start(2)
    lose(insured, lost)

    top = signed_in.get("/")
    benefits = signed_in.get("/benefits/annual/").content.decode()
    survey = signed_in.get("/dependents/")

    menu = menu_of(top)
    for label in MEDICAL_ETAX_LABELS + OTHER_LABELS:
        assert label in menu, label
    text = top.content.decode()
    assert f"資格喪失日（{jp(lost)}）{READ_ONLY}{jp(lost - DAY)}までの履歴を" in text
    assert ONLY not in text
    assert 'data-testid="header-news"' in text
    assert "1,234" in benefits
    assert "5,678" not in benefits  # the 継続給付 after the 喪失日: cut
    assert "前月医院" in signed_in.get("/medical/annual/").content.decode()
    assert "お知らせ" in signed_in.get("/notices/news/").content.decode()
    assert survey.status_code == 403
    assert NEW_REFUSED in survey.content.decode()


# --- 「すべての履歴を閲覧のみ」 ----------------------------------------------------------------


def test_all_history_shows_what_was_paid_for_days_after_the_loss(signed_in, rich, insured, history):
    choose(rich, FormerMemberSees.ALL_HISTORY)
    lost = month_start(2)
    lose(insured, lost)
    ends = insured.person.access_extended_until

    top = signed_in.get("/")
    benefits = signed_in.get("/benefits/annual/").content.decode()
    survey = signed_in.get("/dependents/")
    write = signed_in.post("/notices/notifications/", {"mail": "on"})

    for label in MEDICAL_ETAX_LABELS + OTHER_LABELS:
        assert label in menu_of(top), label
    text = top.content.decode()
    assert (
        f"資格喪失日（{jp(lost)}）{READ_ONLY}これまでの履歴を{jp(ends)}までご覧いただけます。"
        in text
    )
    assert "までの履歴を" not in text.replace("これまでの履歴を", "")
    assert "1,234" in benefits and "5,678" in benefits
    assert survey.status_code == 403
    assert NEW_REFUSED in survey.content.decode()
    assert f"これまでの履歴は、{jp(ends)}までご覧いただけます。" in survey.content.decode()
    assert write.status_code == 403
    assert "登録や設定の変更はできません。" in write.content.decode()


# --- 「e-Taxデータと医療費のみ」 -------------------------------------------------------------


def test_medical_etax_only_the_top_page_offers_medical_and_etax(signed_in, rich, insured):
    choose(rich, FormerMemberSees.MEDICAL_ETAX)
    lost = month_start(2)
    lose(insured, lost)

    top = signed_in.get("/")

    assert top.status_code == 200
    menu = menu_of(top)
    for label in MEDICAL_ETAX_LABELS:
        assert label in menu, label
    for label in OTHER_LABELS:
        assert label not in menu, label
    text = top.content.decode()
    assert f"資格喪失日（{jp(lost)}）{READ_ONLY}{jp(lost - DAY)}までの履歴を" in text
    assert f"ご利用いただけるのは、{ONLY}" in text
    # The side menu lists the same two; the header has no お知らせ / MYメール, the ⚙ menu no
    # settings; the TOP page no ミッション or 日々の記録 block.
    assert text.count('data-feature="medical"') == 2
    assert 'data-feature="benefits"' not in text
    assert 'data-testid="header-news"' not in text and 'data-testid="header-mail"' not in text
    assert "通知設定" not in text
    assert "デイリーミッション" not in text
    assert "ご利用案内" in text  # help stays


def test_medical_etax_only_the_medical_pages_and_etax_files_open(signed_in, rich, insured):
    choose(rich, FormerMemberSees.MEDICAL_ETAX)
    person = insured.person
    year = timezone.localdate().year - 1  # the e-Tax data is of a completed year
    factories.ClaimFactory(
        person=person, service_month=dt.date(year, 11, 1), provider_name="前月医院"
    )
    factories.ClaimFactory(
        person=person, service_month=dt.date(year, 12, 1), provider_name="喪失月医院"
    )
    lose(insured, dt.date(year, 12, 1))

    medical = signed_in.get("/medical/annual/", {"year": year})
    etax = signed_in.get("/medical/etax/", {"year": year})
    csv = signed_in.get(f"/medical/etax/{year}/csv/")

    assert medical.status_code == 200
    assert "前月医院" in medical.content.decode()
    assert "喪失月医院" not in medical.content.decode()  # still cut at the 喪失日
    assert "最新の給付金支給総額" not in signed_in.get("/medical/").content.decode()
    assert etax.status_code == 200
    assert "前月医院" in etax.content.decode()
    assert "喪失月医院" not in etax.content.decode()
    assert csv.status_code == 200
    assert "attachment" in csv["Content-Disposition"]


@pytest.mark.parametrize("url", HIDDEN_PAGES)
def test_medical_etax_only_every_other_page_is_refused_in_japanese(signed_in, rich, insured, url):
    choose(rich, FormerMemberSees.MEDICAL_ETAX)
    lost = month_start(2)
    lose(insured, lost)

    response = signed_in.get(url)

    assert response.status_code == 403, url
    text = response.content.decode()
    assert "ご利用いただけません" in text
    assert f"資格喪失日（{jp(lost)}）以降にご利用いただけるのは、{ONLY}" in text
    assert f"{jp(lost - DAY)}までの履歴は、" in text


def test_medical_etax_only_the_account_pages_and_help_stay(signed_in, rich, insured):
    choose(rich, FormerMemberSees.MEDICAL_ETAX)
    lose(insured, month_start(2))

    for url, shown in [
        ("/accounts/profile/", "プロフィール"),
        ("/accounts/login-methods/", "ログイン方法"),
        ("/notices/help/faq/", "よくある質問"),
    ]:
        response = signed_in.get(url)
        assert response.status_code == 200, url
        assert shown in response.content.decode(), url
    signed_in.post("/accounts/logout/")
    assert "_auth_user_id" not in signed_in.session


def test_medical_etax_only_a_pdf_of_the_medical_history_opens_an_older_checkup_pdf_not(
    signed_in, rich, insured
):
    choose(rich, FormerMemberSees.MEDICAL_ETAX)
    lose(insured, month_start(2))
    factories.ClaimFactory(person=insured.person, service_month=month_start(3))
    requested = signed_in.post(
        "/medical/statement.pdf",
        {"start": f"{month_start(3):%Y-%m}", "end": f"{month_start(3):%Y-%m}"},
    )
    statement = DocumentJob.objects.get(owner=insured, kind="medical_statement")
    # A 健診結果 PDF made while still covered, its file still kept.
    table = DocumentJob.objects.create(
        owner=insured, kind="checkup_table", params={}, params_key="t", filename="健診.pdf"
    )

    shown = signed_in.get(f"/documents/{statement.pk}/")
    refused = [
        signed_in.get(f"/documents/{table.pk}/"),
        signed_in.get(f"/documents/{table.pk}/status/"),
        signed_in.get(f"/documents/{table.pk}/download/"),
    ]

    assert requested.status_code == 302 and requested.url == f"/documents/{statement.pk}/"
    assert shown.status_code == 200
    assert statement.filename in shown.content.decode()
    for response in refused:
        assert response.status_code == 403
        assert ONLY in response.content.decode()
    assert signed_in.get("/documents/999999/").status_code == 404


def test_medical_etax_only_the_unions_logo_and_colours_still_load(signed_in, rich, insured):
    rich.logo = storages["default"].save("unions/logos/kosmo.png", ContentFile(b"\x89PNG logo"))
    choose(rich, FormerMemberSees.MEDICAL_ETAX)
    lose(insured, month_start(2))

    top = signed_in.get("/").content.decode()
    logo = signed_in.get(rich.logo.url)
    colours = signed_in.get("/branding.css")

    assert rich.logo.url in top
    assert logo.status_code == 200
    assert b"".join(logo.streaming_content) == b"\x89PNG logo"
    assert colours.status_code == 200
    assert rich.brand_color in colours.content.decode()


def test_medical_etax_only_a_union_without_etax_names_only_medical(signed_in, rich, insured):
    rich.feature_overrides = {"etax": False}
    choose(rich, FormerMemberSees.MEDICAL_ETAX)
    lose(insured, month_start(2))

    text = signed_in.get("/benefits/").content.decode()

    assert "ご利用いただけるのは、医療費情報のみです。" in text


# --- The boundaries: the 喪失日 and the window's end, for 「e-Taxデータと医療費のみ」 -----------


@pytest.mark.parametrize(
    ("lost_from_today", "limited"),
    [(1, False), (0, True), (-1, True)],  # the day before the 喪失日, the day itself, after
)
def test_medical_etax_only_from_the_loss_day_itself(
    signed_in, rich, insured, lost_from_today, limited
):
    choose(rich, FormerMemberSees.MEDICAL_ETAX)
    lose(insured, timezone.localdate() + dt.timedelta(days=lost_from_today))

    menu = menu_of(signed_in.get("/"))
    benefits = signed_in.get("/benefits/")

    assert ("給付金支給決定通知" not in menu) is limited
    assert "医療費情報" in menu
    assert (benefits.status_code == 403) is limited
    assert (ONLY in benefits.content.decode()) is limited


@pytest.mark.parametrize(
    ("ends_from_today", "state"),
    [(1, "limited"), (0, "limited"), (-1, "closed")],  # the day before the end, the end, after
)
def test_medical_etax_only_to_the_last_day_of_a_window_of_days(
    client, rich, insured, ends_from_today, state
):
    choose(
        rich,
        FormerMemberSees.MEDICAL_ETAX,
        former_member_access=FormerMemberAccess.DAYS,
        former_member_access_days=30,
    )
    ends = timezone.localdate() + dt.timedelta(days=ends_from_today)
    # 30 days with the 喪失日 as day 1: the window ends 29 days after the 喪失日.
    lose(insured, ends - dt.timedelta(days=29), window=True)

    signed = factories.sign_in(client, "yamada_taro")
    top = client.get("/")
    medical = client.get("/medical/")
    benefits = client.get("/benefits/")

    if state == "limited":
        assert signed.status_code == 302
        assert f"{jp(ends)}までご覧いただけます。" in top.content.decode()
        assert "給付金支給決定通知" not in menu_of(top)
        assert medical.status_code == 200
        assert benefits.status_code == 403
        assert ONLY in benefits.content.decode()
    else:
        text = signed.content.decode()
        assert "このアカウントはご利用いただけなくなりました" in text
        assert f"{jp(ends)} まで" in text
        assert (
            "お問い合わせ: コスモ健康保険組合 電話 03-0000-0000（受付時間 平日 9:00〜17:00）"
            in text
        )
        assert "_auth_user_id" not in client.session
        assert medical.status_code == 302  # to the login page


# --- Staff --------------------------------------------------------------------------------------


def staff_of(union, role, username):
    user = factories.StaffFactory(username=username, union=union, email=f"{username}@example.jp")
    user.groups.add(Group.objects.get(name=role))
    return user


def union_form(page, **changes) -> dict:
    """The union's change form as admin shows it, with `changes` typed in."""
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields and name != "logo"
    }
    data.update(changes)
    return data


def test_the_union_admin_chooses_what_former_members_see_with_a_history_row(rich):
    manager = staff_of(rich, UNION_ADMIN, "manager_cosmo")
    client = factories.staff_login(Client(), manager)
    url = f"/admin/kosmo/union/{rich.pk}/change/"

    page = client.get(url)
    response = client.post(url, union_form(page, former_member_sees="medical_etax"))

    text = page.content.decode()
    assert "資格喪失後に表示する内容" in text
    for label in [
        "喪失日までの履歴を閲覧のみ",
        "すべての履歴を閲覧のみ",
        "e-Taxデータと医療費のみ",
    ]:
        assert label in text
    assert response.status_code == 302, response.context["adminform"].form.errors
    rich.refresh_from_db()
    assert rich.former_member_sees == FormerMemberSees.MEDICAL_ETAX
    entry = LogEntry.objects.get(object_id=str(rich.pk), content_type__model="union")
    assert entry.user == manager
    assert entry.is_change()
    assert "資格喪失後に表示する内容" in entry.get_change_message()
    history = client.get(f"/admin/kosmo/union/{rich.pk}/history/").content.decode()
    assert "manager_cosmo" in history and "資格喪失後に表示する内容" in history


def test_a_clerk_sees_the_choice_but_cannot_change_it(rich):
    clerk = staff_of(rich, CLERK, "clerk_cosmo")
    client = factories.staff_login(Client(), clerk)
    url = f"/admin/kosmo/union/{rich.pk}/change/"

    page = client.get(url)
    response = client.post(url, {"former_member_sees": "medical_etax", "name": rich.name})

    assert page.status_code == 200
    text = page.content.decode()
    assert "資格喪失後に表示する内容" in text
    assert "喪失日までの履歴を閲覧のみ" in text
    assert 'name="former_member_sees"' not in text  # read-only for her
    assert response.status_code == 403
    rich.refresh_from_db()
    assert rich.former_member_sees == FormerMemberSees.HISTORY
    assert not LogEntry.objects.filter(object_id=str(rich.pk)).exists()


# --- One union's choice is its own ------------------------------------------------------------


def test_another_unions_choice_does_not_reach_its_former_members(rich, insured):
    other = factories.UnionFactory(
        name="さくら健康保険組合", tier=Union.ContractTier.RICH, domain="other.localhost"
    )
    tanaka = factories.UserFactory(
        username="tanaka_ichiro",
        person__household=factories.HouseholdFactory(union=other),
        person__family_name="田中",
    )
    choose(rich, FormerMemberSees.MEDICAL_ETAX)
    lose(insured, month_start(2))
    lose(tanaka, month_start(2))
    host = {"HTTP_HOST": "other.localhost"}
    client = Client()
    factories.sign_in(client, "tanaka_ichiro", **host)

    top = client.get("/", **host)
    benefits = client.get("/benefits/", **host)

    assert "給付金支給決定通知" in menu_of(top)
    assert ONLY not in top.content.decode()
    assert benefits.status_code == 200
    # and the other way round: the limited union's member stays limited
    own = Client()
    factories.sign_in(own, "yamada_taro")
    assert own.get("/benefits/").status_code == 403


def test_a_union_admin_cannot_change_another_unions_choice(rich):
    other = factories.UnionFactory(name="さくら健康保険組合", domain="other.localhost")
    client = factories.staff_login(Client(), staff_of(rich, UNION_ADMIN, "manager_cosmo"))

    page = client.get(f"/admin/kosmo/union/{other.pk}/change/")
    response = client.post(
        f"/admin/kosmo/union/{other.pk}/change/",
        {"former_member_sees": "medical_etax", "name": "x"},
    )

    assert page.status_code == 302 and page.url == "/admin/"
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.former_member_sees == FormerMemberSees.HISTORY
    assert not LogEntry.objects.filter(object_id=str(other.pk)).exists()
