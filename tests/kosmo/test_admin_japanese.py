"""The admin speaks Japanese to staff: every list, change and add page of the demo data, as a
union's staff member, shows no English column, field or section name, times in Japan time,
yen with separators and 円, months as 「2026年10月」."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from benefits.admin import BenefitPaymentAdmin
from benefits.models import BenefitPayment
from tests import factories

# English a staff member met in admin before (labels of fields without a Japanese name,
# django-otp's names, answer codes): none may come back.
ENGLISH = [
    "full name",
    "batch",
    "name",
    "user",
    "confirmed",
    "created at",
    "updated at",
    "last used at",
    "totp device",
    "totp devices",
    "email device",
    "email devices",
    "otp_totp",
    "otp_email",
    "sha256",
    "token",
    "target",
    "rule",
    "additional",
    "file",
    "uploaded by",
    "emailed at",
    "email cursor",
    "terms",
    "actor",
    "union",
    "household",
    "person",
    "title",
    "profile",
    "article",
    "supporter",
    "nickname",
    "team",
]
ENGLISH_PATTERN = re.compile(
    r"(?<![\w@.-])(" + "|".join(re.escape(word) for word in ENGLISH) + r")(?![\w@-])",
    re.IGNORECASE,
)
ANSWER_CODES = re.compile(r"\b[a-z_]+=(yes|no|\d+)\b")
# Product names the manual itself spells in Latin letters (the portal's, and the left menu's
# 「MY HEALTH CLUB」 of manual §4-9): a section may carry them; any other English may not.
PRODUCT_NAMES = ("KOSMO Web", "MY HEALTH CLUB")


class VisibleText(HTMLParser):
    """The text a staff member reads: text nodes outside scripts and styles."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def not_japanese(html: str, where: str) -> list[str]:
    """What a staff member would read in English (or as raw codes) on the page."""
    text = visible_text(html)
    found = {match.group(0) for match in ENGLISH_PATTERN.finditer(text)}
    found |= {match.group(0) for match in ANSWER_CODES.finditer(text)}
    return [f"{where}: {word}" for word in sorted(found)]


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def demo_staff_client(demo):
    """The demo union's staff member, holding every permission (to reach every screen)."""
    staff = User.objects.get(username="staff_kosmo")
    staff.user_permissions.add(*Permission.objects.all())
    return factories.staff_login(Client(HTTP_HOST=staff.union.domain), staff)


def _admins():
    return sorted(
        (model._meta.label, model) for model in apps.get_models() if admin.site.is_registered(model)
    )


def test_every_admin_page_of_the_demo_is_in_japanese(demo_staff_client):
    client = demo_staff_client
    staff = User.objects.get(username="staff_kosmo")
    index = client.get("/admin/")
    assert index.status_code == 200
    problems = not_japanese(index.content.decode(), "the admin index")
    opened = 0
    for label, model in _admins():
        info = (model._meta.app_label, model._meta.model_name)
        listing = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        if listing.status_code == 403:
            continue
        assert listing.status_code == 200, label
        problems += not_japanese(listing.content.decode(), f"{label} list")
        model_admin = admin.site.get_model_admin(model)
        request = listing.wsgi_request
        request.user = staff
        first = model_admin.get_queryset(request).order_by("pk").first()
        if first is not None:
            page = client.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            assert page.status_code == 200, label
            problems += not_japanese(page.content.decode(), f"{label} change page")
            opened += 1
        add = client.get(reverse("admin:{}_{}_add".format(*info)))
        if add.status_code == 200:
            problems += not_japanese(add.content.decode(), f"{label} add page")

    assert problems == [], "\n".join(problems)
    assert opened >= 15  # the demo has rows for most screens


def test_the_dependents_history_is_in_japan_time_with_the_questions(demo_staff_client):
    from dependents.models import SurveyTarget

    target = SurveyTarget.objects.filter(
        survey__union__slug="kosmo", events__action="設問回答"
    ).first()
    assert target is not None, "the demo has a dependent who answered"
    event = target.events.filter(action="設問回答").first()
    local = dt.datetime.fromtimestamp(event.at.timestamp(), dt.timezone(dt.timedelta(hours=9)))

    page = visible_text(
        demo_staff_client.get(
            f"/admin/dependents/surveytarget/{target.pk}/change/"
        ).content.decode()
    )

    assert f"{local:%Y-%m-%d %H:%M} 設問回答" in page
    assert "被扶養者は現在も組合の認定基準を満たしていますか？: " in page


def _cells(html: str) -> list[list[str]]:
    body = html.split('<table id="result_list">')[1].split("<tbody>")[1].split("</tbody>")[0]
    return [
        [visible_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_payments_show_months_and_yen_as_members_read_them(demo_staff_client):
    rows = _cells(demo_staff_client.get("/admin/benefits/benefitpayment/").content.decode())
    headers = list(BenefitPaymentAdmin.list_display)

    assert rows
    for row in rows:
        row = row[len(row) - len(headers) :]  # without the selection box, if any
        assert re.fullmatch(r"\d{4}年\d{1,2}月", row[headers.index("paid")]), row
        assert re.fullmatch(r"\d{1,3}(,\d{3})*円", row[headers.index("yen")]), row


def test_a_payment_of_8200_yen_paid_in_october_2026(db):
    payment = BenefitPayment(paid_month=dt.date(2026, 10, 1), amount=8200)
    shown = BenefitPaymentAdmin(BenefitPayment, admin.site)

    assert shown.paid(payment) == "2026年10月"
    assert shown.yen(payment) == "8,200円"


def test_a_payments_page_shows_the_month_and_the_yen(demo_staff_client):
    payment = BenefitPayment.objects.filter(household__union__slug="kosmo").first()

    page = visible_text(
        demo_staff_client.get(
            f"/admin/benefits/benefitpayment/{payment.pk}/change/"
        ).content.decode()
    )

    assert f"{payment.paid_month.year}年{payment.paid_month.month}月" in page
    assert f"{payment.paid_month.year}年{payment.paid_month.month}月1日" not in page
    assert f"{payment.amount:,}円" in page


def test_each_admin_section_has_a_japanese_name_of_its_own(demo_staff_client):
    sections = [app["name"] for app in demo_staff_client.get("/admin/").context["app_list"]]

    assert len(sections) == len(set(sections)), sections
    assert not [name for name in sections if re.search(r"[A-Za-z]{3,}", _without_products(name))]
    assert "ログイン用メールアドレス" in sections and "多要素認証" in sections


def _without_products(name) -> str:
    text = str(name)
    for product in PRODUCT_NAMES:
        text = text.replace(product, "")
    return text


def test_a_product_name_is_no_pass_for_english_beside_it():
    assert _without_products("MY HEALTH CLUB") == ""
    assert re.search(r"[A-Za-z]{3,}", _without_products("MY HEALTH CLUB articles"))


def test_a_security_event_is_named_with_its_japan_time(db):
    from accounts.models import SecurityEvent

    event = SecurityEvent(
        kind=SecurityEvent.Kind.LOGIN_FAILED,
        created_at=dt.datetime(2026, 10, 1, 1, 30, tzinfo=dt.UTC),
    )

    assert str(event) == "ログイン失敗 2026-10-01 10:30"


def test_a_payment_is_named_with_its_month_and_benefit(db):
    from tests.benefits.factories import BenefitPaymentFactory

    payment = BenefitPaymentFactory(paid_month=dt.date(2026, 10, 1))

    assert str(payment) == "2026年10月 インフルエンザ予防接種補助金"


def test_an_audit_row_names_the_changed_fields_in_japanese(client, db):
    from wellness.club import services
    from wellness.club.models import StaffAction, Supporter

    union = factories.UnionFactory(domain="testserver")
    staff = factories.StaffFactory(union=union)
    staff.user_permissions.add(
        Permission.objects.get(codename="view_staffaction", content_type__app_label="wellness_club")
    )
    supporter = Supporter.objects.create(union=union, name="佐藤", title="医師", profile="内科")
    action = services.record_staff_action(
        staff=staff, obj=supporter, action=StaffAction.Action.CHANGED,
        changed_fields=["name", "title", "profile"],
    )  # fmt: skip
    factories.staff_login(client, staff)

    listing = visible_text(client.get("/admin/wellness_club/staffaction/").content.decode())
    page = visible_text(
        client.get(f"/admin/wellness_club/staffaction/{action.pk}/change/").content.decode()
    )

    for text in (listing, page):
        assert "氏名、肩書・専門分野、プロフィール" in text
        assert "スペシャルサポーター" in text
        assert "supporter" not in text and "profile" not in text
