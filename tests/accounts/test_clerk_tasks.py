"""The demo clerk does every staff task of the manual through the admin (issue 14).

`staff_kosmo` (コスモ健康保険組合, group 組合スタッフ, no permission of her own) signs in with
the demo password and the code mailed to her, then works through the admin's own pages:
changelist actions and add/change forms posted as the browser posts them. Each test checks
the database and what the page shows; none of さくら健康保険組合's rows appear.

The demo is seeded once for the module (inside a transaction rolled back at its end); each
test's own changes are rolled back by `db`.
"""

from __future__ import annotations

import io
import uuid
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_email.models import EmailDevice

from accounts.demo import DEMO_PASSWORD
from accounts.lockout import MAX_LOGIN_FAILURES
from accounts.models import SecurityEvent, TermsVersion, User
from accounts.roles import CLERK
from benefits.models import BenefitType
from checkup import criteria
from checkup.models import Column, CriteriaOverride
from dependents import queries as survey_queries
from dependents import services as survey_services
from dependents.models import DependentSurvey, Inquiry, SurveyTarget, Upload
from eligibility import services as eligibility_services
from eligibility.models import EligibilityCertificate, OrganDonationIntent
from kosmo.models import Person, Union
from kosmo.pdf import render_pdf
from notices.models import Broadcast, FaqCategory, FaqQuestion, Message, Notice, Reply
from tests import factories

CLERK_NAME = "staff_kosmo"
# さくら健康保険組合's people and name: never on the kosmo clerk's pages.
SAKURA = ["さくら健康保険組合", "田中", "高橋"]


# --- The demo, once for the module -----------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo once for this module, in a transaction rolled back after its last test.
    The survey's files (transfer form, uploads) go to a temporary folder."""
    storage = FileSystemStorage(location=tmp_path_factory.mktemp("private_media"))
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        for model, name in ((Upload, "file"), (DependentSurvey, "transfer_form")):
            patch.setattr(model._meta.get_field(name), "storage", storage)
        with transaction.atomic():
            call_command("seed_demo", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


@pytest.fixture
def kosmo(demo, db) -> Union:
    return Union.objects.get(slug="kosmo")


@pytest.fixture
def host(kosmo) -> str:
    """The demo union's host name (the portal and admin are served on it)."""
    return kosmo.domain


@pytest.fixture
def clerk(kosmo) -> User:
    user = User.objects.get(username=CLERK_NAME)
    # The point of these tests: the group's permissions alone suffice.
    assert list(user.groups.values_list("name", flat=True)) == [CLERK]
    assert not user.user_permissions.exists() and not user.is_superuser
    assert user.union == kosmo
    return user


@pytest.fixture
def clerk_client(clerk, host) -> Client:
    """The clerk, signed in through the real login: password, then the e-mailed code."""
    client = Client(HTTP_HOST=host)
    response = client.post("/accounts/login/", {"login": CLERK_NAME, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == "/mfa/authenticate/"
    page = client.get("/mfa/authenticate/").content.decode()
    assert f"{clerk.email} にワンタイムパスワードを送信しました。" in page
    code = EmailDevice.objects.get(user=clerk).token
    assert client.post("/mfa/authenticate/", {"method": "email", "code": code}).status_code == 302
    return client


def member_client(host: str, username: str) -> Client:
    client = Client(HTTP_HOST=host)
    response = factories.sign_in(client, username, DEMO_PASSWORD, HTTP_HOST=host)
    assert response.status_code == 302, username
    return client


def person(family: str, given: str) -> Person:
    return Person.objects.get(household__union__slug="kosmo", family_name=family, given_name=given)


# --- Pages as a browser sends them -----------------------------------------------------------


class _Forms(HTMLParser):
    """What each <form> of a page posts when submitted unchanged: inputs (checked boxes
    only), textareas and selected options, in page order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[dict, list[tuple[str, str]]]] = []
        self._textarea: list | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs, []))
            return
        if not self.forms or "name" not in attrs and tag != "option":
            return
        fields = self.forms[-1][1]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields.append((attrs["name"], attrs.get("value", "on")))
                return
            fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
        elif tag == "select":
            self._select = {"name": attrs["name"], "options": [], "chosen": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select["options"].append(value)
            if "selected" in attrs:
                self._select["chosen"].append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # A newline right after <textarea> is not part of the value.
            self.forms[-1][1].append((name, text.removeprefix("\r\n").removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] or self._select["options"][:1]
            self.forms[-1][1].extend((self._select["name"], value) for value in chosen)
            self._select = None


def form_data(response, form_id: str | None = None, **changes) -> dict:
    """The fields of the page's form (by id, else the largest one with a CSRF token: not the
    logout button's), as posted, with `changes` typed in."""
    parser = _Forms()
    parser.feed(response.content.decode())
    if form_id is not None:
        fields = next(fields for attrs, fields in parser.forms if attrs.get("id") == form_id)
    else:
        fields = max(
            (
                fields
                for _attrs, fields in parser.forms
                if any(name == "csrfmiddlewaretoken" for name, _value in fields)
            ),
            key=len,
        )
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    data.update(changes)
    return data


def admin_form(client, url: str, **changes) -> dict:
    """Open an admin add/change page and fill its form."""
    page = client.get(url)
    assert page.status_code == 200, url
    return form_data(page, **changes)


def save(client, url: str, **changes):
    """Open an admin add/change page, type `changes` in and 「保存」; the page that follows."""
    response = client.post(url, admin_form(client, url, **changes), follow=True)
    assert response.status_code == 200
    errors = response.context.get("errors") if response.context else None
    assert not errors, errors
    return response


def action(client, changelist: str, name: str, *objects, follow=True):
    """Tick `objects` on a changelist and run the action `name`."""
    return client.post(
        changelist,
        {"action": name, "_selected_action": [obj.pk for obj in objects]},
        follow=follow,
    )


def text(response) -> str:
    return response.content.decode()


def assert_no_sakura(response):
    page = text(response)
    for word in SAKURA:
        assert word not in page, word


# --- Signing in --------------------------------------------------------------------------------


def test_the_demo_clerk_signs_in_with_the_mailed_code_and_sees_the_staff_sections(clerk_client):
    index = clerk_client.get("/admin/")

    page = text(index)
    assert index.status_code == 200
    assert "管理メニュー" in page
    for app in [
        "/admin/kosmo/person/",
        "/admin/accounts/user/",
        "/admin/accounts/termsversion/",
        "/admin/notices/notice/",
        "/admin/notices/message/",
        "/admin/notices/faqcategory/",
        "/admin/eligibility/eligibilitycertificate/",
        "/admin/benefits/benefittype/",
        "/admin/checkup/column/",
        "/admin/dependents/surveytarget/",
        "/admin/dependents/inquiry/",
    ]:
        assert app in page, app
    assert "/admin/auth/group/" not in page  # roles are the operators'


# --- Accounts (ACC-13, ACC-14, FAQ Q14) --------------------------------------------------------


def test_the_clerk_issues_accounts_for_persons_who_have_none(clerk_client, host):
    ichiro, sakura, taro = person("山田", "一郎"), person("山田", "さくら"), person("山田", "太郎")
    assert not User.objects.filter(person__in=[ichiro, sakura]).exists()

    listing = clerk_client.get("/admin/kosmo/person/")
    response = action(
        clerk_client, "/admin/kosmo/person/", "issue_accounts_action", ichiro, sakura, taro
    )

    assert "アカウントを発行する" in text(listing)
    assert_no_sakura(listing)
    page = text(response)
    assert "アカウントを発行しました" in page
    assert "1件は、すでにアカウントがあるか資格を喪失しているため発行しませんでした。" in page
    letters = {letter.name: letter for letter in response.context["letters"]}
    assert sorted(letters) == ["山田 さくら", "山田 一郎"]
    letter = letters["山田 一郎"]
    account = User.objects.get(person=ichiro)
    assert account.username == letter.user_id and account.is_temporary_id
    assert (letter.symbol, letter.number, letter.branch) == ("1001", "10001", "02")
    assert letter.temporary_password in page and account.check_password(letter.temporary_password)
    assert SecurityEvent.objects.filter(user=account, kind="account_issued").exists()
    assert User.objects.filter(person=taro).count() == 1
    # The letter works: the first login starts with the birth-date check.
    first = Client(HTTP_HOST=host).post(
        "/accounts/login/",
        {"login": letter.user_id, "password": letter.temporary_password},
        follow=True,
    )
    assert first.redirect_chain[-1][0] == "/accounts/first-login/identity/"


def test_the_clerk_corrects_a_members_name(clerk_client):
    ichiro = person("山田", "一郎")
    url = f"/admin/kosmo/person/{ichiro.pk}/change/"

    changed = save(clerk_client, url, given_name="壱郎", given_name_kana="イチロウ")

    ichiro.refresh_from_db()
    assert ichiro.full_name == "山田 壱郎"
    assert "山田 壱郎" in text(changed)


def test_the_clerk_unlocks_a_member_locked_by_wrong_passwords(clerk_client, host, clerk):
    hanako = User.objects.get(username="yamada_hanako")
    member = Client(HTTP_HOST=host)
    for _ in range(MAX_LOGIN_FAILURES):
        member.post("/accounts/login/", {"login": "yamada_hanako", "password": "wrong-pass-1"})
    hanako.refresh_from_db()
    assert hanako.locked_until is not None

    locked = clerk_client.get("/admin/accounts/user/?lock=locked")
    response = action(clerk_client, "/admin/accounts/user/", "unlock_accounts", hanako)

    assert "yamada_hanako" in text(locked) and "パスワードロック" in text(locked)
    assert "yamada_taro" not in text(locked)
    assert "1件のアカウントのロックを解除しました。" in text(response)
    hanako.refresh_from_db()
    assert (hanako.failed_logins, hanako.locked_until, hanako.locked_at) == (0, None, None)
    assert SecurityEvent.objects.get(user=hanako, kind="unlocked").actor == clerk
    assert factories.sign_in(member, "yamada_hanako", DEMO_PASSWORD, HTTP_HOST=host).url == "/"


def test_the_clerk_reissues_a_password(clerk_client, clerk):
    ken = User.objects.get(username="sato_ken")

    response = action(clerk_client, "/admin/accounts/user/", "reissue_passwords", ken)

    page = text(response)
    assert "パスワードを再発行しました" in page
    [letter] = response.context["letters"]
    assert (letter.user_id, letter.name) == ("sato_ken", "佐藤 健")
    assert letter.temporary_password in page
    ken.refresh_from_db()
    assert ken.must_change_password and ken.check_password(letter.temporary_password)
    assert not ken.check_password(DEMO_PASSWORD)
    assert SecurityEvent.objects.get(user=ken, kind="password_reset_forced").actor == clerk
    assert "no-store" in response["Cache-Control"]  # shown once, never cached


def test_the_clerk_resets_a_members_second_factors_after_a_lost_phone(clerk_client, host, clerk):
    taro = User.objects.get(username="yamada_taro")
    assert EmailDevice.objects.filter(user=taro).exists()

    response = action(clerk_client, "/admin/accounts/user/", "reset_second_factors", taro)

    assert "1件のアカウントの二要素認証をリセットしました。" in text(response)
    assert not EmailDevice.objects.filter(user=taro).exists()
    assert SecurityEvent.objects.get(user=taro, kind="mfa_reset").actor == clerk
    # At the next login the member sets up a second factor again.
    login = Client(HTTP_HOST=host).post(
        "/accounts/login/", {"login": "yamada_taro", "password": DEMO_PASSWORD}, follow=True
    )
    assert login.redirect_chain[-1][0].startswith("/mfa/setup/")


def test_the_clerk_reads_a_members_login_history(clerk_client, host):
    taro = User.objects.get(username="yamada_taro")
    member_client(host, "yamada_taro")

    change = clerk_client.get(f"/admin/accounts/user/{taro.pk}/change/")
    history_url = f"/admin/accounts/securityevent/?user__id__exact={taro.pk}"
    history = clerk_client.get(history_url)

    assert "ログイン履歴を見る" in text(change) and history_url in text(change).replace(
        "&amp;", "&"
    )
    assert history.status_code == 200
    assert "ログイン成功" in text(history) and "yamada_taro" in text(history)
    assert "127.0.0.1" in text(history)
    assert [event.user for event in history.context["cl"].result_list] == [taro]
    everyone = clerk_client.get("/admin/accounts/securityevent/")
    assert "tanaka_ichiro" not in text(everyone) and "takahashi_jun" not in text(everyone)


def test_the_clerks_user_list_holds_only_her_unions_accounts(clerk_client):
    listing = clerk_client.get("/admin/accounts/user/")

    usernames = {user.username for user in listing.context["cl"].result_list}
    assert {"yamada_taro", "sato_ken", CLERK_NAME} <= usernames
    assert not usernames & {"tanaka_ichiro", "takahashi_jun", "staff_sakura", "kosmo_admin"}


# --- Terms of use (ACC-12) ---------------------------------------------------------------------


def test_the_clerk_adds_a_terms_version_and_publishes_it(clerk_client, host, kosmo):
    added = save(
        clerk_client,
        "/admin/accounts/termsversion/add/",
        version="2.0",
        title="KOSMO Web 利用規約(第2版)",
        body="第1条(目的)\n本規約を改定しました。",
    )
    terms = TermsVersion.objects.get(union=kosmo, version="2.0")
    assert terms.published_at is None
    assert "下書き" in text(added)

    response = action(clerk_client, "/admin/accounts/termsversion/", "publish", terms)

    assert "1件の利用規約を公開しました。" in text(response)
    assert "公開済み" in text(response)
    assert_no_sakura(response)
    terms.refresh_from_db()
    assert terms.published_at is not None and terms.published_at <= timezone.now()
    # At the next login the member must agree to it before the portal.
    member = member_client(host, "yamada_taro")
    page = member.get("/", follow=True)
    assert page.redirect_chain[-1][0] == "/accounts/terms/"
    assert "本規約を改定しました。" in text(page)


# --- News and MY mail (NTC-1, NTC-2) -----------------------------------------------------------


def test_the_clerk_adds_a_notice_the_members_see(clerk_client, host, kosmo):
    form = admin_form(clerk_client, "/admin/notices/notice/add/")
    assert "union" not in form  # her notices are her union's

    save(
        clerk_client,
        "/admin/notices/notice/add/",
        title="保険証の切り替えについて",
        body="12月2日以降は資格確認書をお使いください。",
    )

    notice = Notice.objects.get(title="保険証の切り替えについて")
    assert notice.union == kosmo
    listing = clerk_client.get("/admin/notices/notice/")
    assert "保険証の切り替えについて" in text(listing)
    assert_no_sakura(listing)
    news = member_client(host, "yamada_taro").get("/notices/news/")
    assert "保険証の切り替えについて" in text(news)


def test_the_clerk_sends_a_my_mail_to_one_member(clerk_client, host, kosmo):
    taro = person("山田", "太郎")

    save(
        clerk_client,
        "/admin/notices/message/add/",
        recipient=str(taro.pk),
        subject="住所のご確認",
        body="ご登録の住所をご確認ください。",
        requires_reply="on",
        sender_label="コスモ健康保険組合 適用担当",
    )

    message = Message.objects.get(subject="住所のご確認")
    assert (message.recipient, message.union, message.requires_reply) == (taro, kosmo, True)
    assert message.sent_at is not None
    mail = member_client(host, "yamada_taro").get("/notices/mail/")
    assert "住所のご確認" in text(mail)


def test_the_clerk_cannot_address_my_mail_to_another_unions_member(clerk_client):
    tanaka = Person.objects.get(household__union__slug="sakura", family_name="田中", branch="00")

    form = admin_form(
        clerk_client,
        "/admin/notices/message/add/",
        recipient=str(tanaka.pk),
        subject="x",
        body="x",
    )
    response = clerk_client.post("/admin/notices/message/add/", form)

    assert response.status_code == 200  # the form again, with an error
    assert response.context["errors"]
    assert not Message.objects.filter(recipient=tanaka, subject="x").exists()


def test_the_clerk_sends_a_broadcast_to_the_insured_members(clerk_client, kosmo):
    save(
        clerk_client,
        "/admin/notices/broadcast/add/",
        subject="健診のお知らせ",
        body="今年度の健診を受けましょう。",
        role="insured",
    )
    broadcast = Broadcast.objects.get(subject="健診のお知らせ")
    assert broadcast.union == kosmo and broadcast.sent_at is None

    response = action(clerk_client, "/admin/notices/broadcast/", "send", broadcast)

    insured = Person.objects.filter(household__union=kosmo, role=Person.Role.INSURED)
    assert "1件のMYメールを3人に送信しました。" in text(response)
    received = Message.objects.filter(subject="健診のお知らせ")
    assert {message.recipient for message in received} == set(insured)
    assert insured.count() == 3
    broadcast.refresh_from_db()
    assert broadcast.sent_at is not None and broadcast.recipient_count == 3


def test_the_clerk_reads_a_members_reply_and_answers_with_a_my_mail(clerk_client, host):
    member = member_client(host, "yamada_taro")
    asking = Message.objects.get(recipient=person("山田", "太郎"), requires_reply=True)
    detail = member.get(f"/notices/mail/{asking.pk}/")
    member.post(
        f"/notices/mail/{asking.pk}/",
        form_data(detail, body="長男が4月から就職します。"),
    )
    reply = Reply.objects.get(message=asking)

    listing = clerk_client.get("/admin/notices/reply/")
    opened = clerk_client.get(f"/admin/notices/reply/{reply.pk}/change/")
    save(
        clerk_client,
        "/admin/notices/message/add/",
        recipient=str(asking.recipient_id),
        subject="Re: 被扶養者の状況についてのご確認",
        body="ご連絡ありがとうございます。異動届をお送りします。",
    )

    assert "山田 太郎" in text(listing)
    assert_no_sakura(listing)
    assert "長男が4月から就職します。" in text(opened)
    reply.refresh_from_db()
    assert reply.staff_read_at is not None
    answer = Message.objects.get(subject="Re: 被扶養者の状況についてのご確認")
    assert answer.recipient_id == asking.recipient_id
    assert "Re: 被扶養者の状況についてのご確認" in text(member.get("/notices/mail/"))


# --- Help (NTC-5) ------------------------------------------------------------------------------


def test_the_clerk_writes_and_edits_her_unions_faq(clerk_client, host, kosmo):
    form = admin_form(
        clerk_client,
        "/admin/notices/faqcategory/add/",
        key="union-faq",
        title="コスモ健保についてのよくある質問",
        order="9",
    )
    form.update(
        {"questions-0-question": ["窓口の受付時間は?"], "questions-0-answer": ["平日9時から"]}
    )
    added = clerk_client.post("/admin/notices/faqcategory/add/", form, follow=True)
    assert not added.context.get("errors")
    category = FaqCategory.objects.get(union=kosmo, key="union-faq")
    question = FaqQuestion.objects.get(category=category)

    save(
        clerk_client,
        f"/admin/notices/faqcategory/{category.pk}/change/",
        **{"questions-0-answer": "平日9時から17時までです。"},
    )

    question.refresh_from_db()
    assert (question.question, question.answer) == (
        "窓口の受付時間は?",
        "平日9時から17時までです。",
    )
    listing = clerk_client.get("/admin/notices/faqcategory/")
    assert "コスモ健保についてのよくある質問" in text(listing)
    assert_no_sakura(listing)
    faq = member_client(host, "yamada_taro").get("/notices/help/faq/")
    assert "窓口の受付時間は?" in text(faq) and "平日9時から17時までです。" in text(faq)


# --- Eligibility (ELG-2, ELG-3) ----------------------------------------------------------------


def test_the_clerk_suspends_and_resumes_a_certificate(clerk_client):
    certificate = EligibilityCertificate.objects.get(person=person("山田", "太郎"))
    changelist = "/admin/eligibility/eligibilitycertificate/"

    stopped = action(clerk_client, changelist, "suspend", certificate)
    certificate.refresh_from_db()
    assert certificate.suspended
    assert "1件を利用停止にしました。" in text(stopped)

    resumed = action(clerk_client, changelist, "resume", certificate)
    certificate.refresh_from_db()
    assert not certificate.suspended and certificate.suspension_reason == ""
    assert "1件の利用停止を解除しました。" in text(resumed)
    assert_no_sakura(resumed)


def test_the_clerk_applies_a_members_address_change(clerk_client, clerk):
    taro = User.objects.get(username="yamada_taro")
    change, _ = eligibility_services.request_address_change(
        user=taro, person=taro.person, postal_code="1600023", address="東京都新宿区西新宿1-1-1"
    )

    listing = clerk_client.get("/admin/eligibility/addresschangerequest/")
    response = action(clerk_client, "/admin/eligibility/addresschangerequest/", "apply", change)

    assert "東京都新宿区西新宿1-1-1" in text(listing)
    assert "1件の住所変更を反映しました。" in text(response)
    change.refresh_from_db()
    assert change.applied_at is not None and change.applied_by == clerk
    taro.person.refresh_from_db()
    assert (taro.person.postal_code, taro.person.address) == ("1600023", "東京都新宿区西新宿1-1-1")


def test_the_clerk_reads_an_organ_donation_record_without_changing_it(clerk_client, clerk):
    taro = User.objects.get(username="yamada_taro")
    intent, _ = eligibility_services.record_organ_donation(
        user=taro,
        person=taro.person,
        choice=OrganDonationIntent.Choice.ANY,
        excluded_organs=[OrganDonationIntent.Organ.KIDNEYS],
    )
    url = f"/admin/eligibility/organdonationintent/{intent.pk}/change/"

    listing = clerk_client.get("/admin/eligibility/organdonationintent/")
    opened = clerk_client.get(url)
    edit = clerk_client.post(url, {"choice": OrganDonationIntent.Choice.NONE})

    assert "山田 太郎" in text(listing)
    assert_no_sakura(listing)
    assert "腎臓" in text(opened)
    assert edit.status_code == 403  # the member's own decision
    intent.refresh_from_db()
    assert intent.choice == OrganDonationIntent.Choice.ANY
    look = SecurityEvent.objects.get(kind="staff_viewed", person=taro.person)
    assert look.actor == clerk


# --- Benefits and checkup masters (BEN, CHK) ---------------------------------------------------


def test_the_clerk_adds_and_renames_a_benefit_type(clerk_client, kosmo):
    save(
        clerk_client,
        "/admin/benefits/benefittype/add/",
        code="990",
        name="出産育児一時金付加金",
        sort_order="90",
    )
    benefit_type = BenefitType.objects.get(union=kosmo, code="990")

    changed = save(
        clerk_client,
        f"/admin/benefits/benefittype/{benefit_type.pk}/change/",
        name="出産育児付加金",
    )

    benefit_type.refresh_from_db()
    assert benefit_type.name == "出産育児付加金"
    assert "出産育児付加金" in text(changed)
    assert_no_sakura(changed)


def test_the_clerk_overrides_a_checkup_criterion(clerk_client, kosmo):
    save(
        clerk_client,
        "/admin/checkup/criteriaoverride/add/",
        item_key="sbp",
        reference="124以下",
        grades='[{"grade": "A", "lt": 125}, {"grade": "B", "lt": 140}, {"grade": "C"}]',
        note="組合の保健事業計画による",
    )

    override = CriteriaOverride.objects.get(union=kosmo, item_key="sbp")
    assert override.grades[0] == {"grade": "A", "lt": 125}
    listing = clerk_client.get("/admin/checkup/criteriaoverride/")
    assert "124以下" in text(listing)
    item = criteria.Rules.for_union(kosmo).items["sbp"]
    assert item.reference_text("1") == "124以下"


def test_the_clerk_adds_a_lifestyle_column(clerk_client, host, kosmo):
    save(
        clerk_client,
        "/admin/checkup/column/add/",
        category="bp",
        title="減塩で血圧を下げる",
        summary="毎日の食事でできる工夫",
        body="みそ汁は具だくさんに。\n\n麺類の汁は残しましょう。",
    )

    column = Column.objects.get(title="減塩で血圧を下げる")
    assert column.union == kosmo and column.published
    listing = clerk_client.get("/admin/checkup/column/")
    assert "減塩で血圧を下げる" in text(listing)
    assert_no_sakura(listing)
    # 山田 太郎's blood pressure is not A: the column is recommended to him.
    columns = member_client(host, "yamada_taro").get("/checkup/rich/columns/")
    assert "減塩で血圧を下げる" in text(columns)


# --- Dependent survey (DEP-5) ------------------------------------------------------------------


def submit_survey(household_number: str) -> list[SurveyTarget]:
    """The insured member of a demo household answers for each dependent under survey, uploads
    every required document and 「提出する」 (the member's services, as the pages call them)."""
    survey = DependentSurvey.objects.get(union__slug="kosmo")
    insured = Person.objects.get(
        household__union__slug="kosmo", household__number=household_number, branch="00"
    )
    user = User.objects.get(person=insured)
    response = survey_queries.response_for(survey, insured)
    survey_services.pledge(response=response, agreed=True)
    survey_services.mark_guidance_read(response=response)
    survey_services.confirm_insured(response=response)
    questions = {question.code: question for question in survey.questions.all()}
    answers = {"meets_criteria": "yes", "has_income": "no", "lives_together": "yes"}
    answers["is_student"] = "yes"
    for state in survey_queries.target_states(survey, insured):
        if state.target.submitted_at is None:
            survey_services.save_answers(
                target=state.target,
                questions=questions.values(),
                answers={questions[code].pk: value for code, value in answers.items()},
                user=user,
            )
    pdf = render_pdf("dependents/transfer_form_pdf.html", {"union": survey.union})
    for state in survey_queries.target_states(survey, insured):
        for document in state.missing_documents:
            survey_services.add_upload(
                state=state, document=document, file=ContentFile(pdf, name="doc.pdf"), user=user
            )
    submitted = []
    for state in survey_queries.target_states(survey, insured):
        if state.target.submitted_at is None:
            survey_services.submit(state=state, user=user)
        submitted.append(SurveyTarget.objects.get(pk=state.target.pk))
    return submitted


def test_the_clerk_approves_one_submitted_dependent_and_asks_for_more_from_another(
    clerk_client, host, clerk
):
    # The demo's submission (佐藤 健 for his spouse), and the 山田 household's, made here.
    misaki = SurveyTarget.objects.get(person=person("佐藤", "美咲"))
    assert misaki.submitted_at is not None and misaki.result == SurveyTarget.Result.PENDING
    [ichiro] = [t for t in submit_survey("10001") if t.person.given_name == "一郎"]
    reviewing = clerk_client.get("/admin/dependents/surveytarget/?review=pending")
    listed = reviewing.context["cl"].result_list
    assert {misaki.pk, ichiro.pk} <= {target.pk for target in listed}
    assert all(target.submitted_at is not None for target in listed)
    assert_no_sakura(reviewing)

    save(
        clerk_client,
        f"/admin/dependents/surveytarget/{misaki.pk}/change/",
        result=SurveyTarget.Result.APPROVED,
        result_reason="収入が認定基準内であることを確認しました。",
    )
    save(
        clerk_client,
        f"/admin/dependents/surveytarget/{ichiro.pk}/change/",
        result=SurveyTarget.Result.DEFICIENT,
        result_reason="在学証明書の有効期限が切れています。",
        additional="在学証明書(今年度のもの)",
    )

    misaki.refresh_from_db()
    ichiro.refresh_from_db()
    assert (misaki.result, misaki.result_by) == (SurveyTarget.Result.APPROVED, clerk)
    assert misaki.result_reason == "収入が認定基準内であることを確認しました。"
    assert (ichiro.result, ichiro.result_by) == (SurveyTarget.Result.DEFICIENT, clerk)
    assert [doc.name for doc in ichiro.additional_documents.all()] == ["在学証明書(今年度のもの)"]
    # Each household's insured member is told by MY mail and sees the result.
    subject = "【被扶養者資格調査】審査結果が更新されました"
    [to_sato] = Message.objects.filter(recipient=person("佐藤", "健"), subject=subject)
    [to_yamada] = Message.objects.filter(recipient=person("山田", "太郎"), subject=subject)
    assert "佐藤 美咲 さんの審査結果: 認定" in to_sato.body
    assert "山田 一郎 さんの審査結果: 不備・不足" in to_yamada.body
    assert "在学証明書(今年度のもの)" in to_yamada.body
    sato = member_client(host, "sato_ken").get("/dependents/results/")
    assert '<span class="dep-result dep-result--approved">認定</span>' in text(sato)
    yamada = member_client(host, "yamada_taro").get("/dependents/results/")
    assert "在学証明書(今年度のもの)" in text(yamada)
    history = clerk_client.get(f"/admin/dependents/surveytarget/{ichiro.pk}/change/")
    assert "審査結果: 不備・不足" in text(history) and CLERK_NAME in text(history)


def test_the_clerk_cannot_judge_a_dependent_who_has_not_submitted(clerk_client):
    hanako = SurveyTarget.objects.get(person=person("山田", "花子"))
    assert hanako.submitted_at is None
    url = f"/admin/dependents/surveytarget/{hanako.pk}/change/"

    response = clerk_client.post(url, admin_form(clerk_client, url, result="approved"))

    assert response.status_code == 200
    assert "提出されていない調査対象者には、審査結果を登録できません。" in text(response)
    hanako.refresh_from_db()
    assert hanako.result_at is None


# --- Inquiries (DEP-6) -------------------------------------------------------------------------


def test_the_clerk_reads_an_inquiry(clerk_client, kosmo):
    inquiry = survey_services.create_inquiry(
        union=kosmo,
        user=User.objects.get(username="yamada_taro"),
        token=uuid.uuid4(),
        data={
            "topic": Inquiry.Topic.DOCUMENTS,
            "name": "山田 太郎",
            "email": "yamada.taro@example.jp",
            "body": "課税証明書が間に合いません。",
        },
    )
    sakura = Union.objects.get(slug="sakura")
    survey_services.create_inquiry(
        union=sakura,
        user=None,
        token=uuid.uuid4(),
        data={"topic": "other", "name": "田中 一郎", "email": "t@example.jp", "body": "田中"},
    )

    listing = clerk_client.get("/admin/dependents/inquiry/")
    opened = clerk_client.get(f"/admin/dependents/inquiry/{inquiry.pk}/change/")

    assert "山田 太郎" in text(listing) and "必要書類について" in text(listing)
    assert_no_sakura(listing)
    assert "課税証明書が間に合いません。" in text(opened)


# --- Member lookup (OPS-1) ---------------------------------------------------------------------


def test_the_clerk_looks_up_yamada_taros_medical_expenses(clerk_client, clerk):
    taro = person("山田", "太郎")

    page = clerk_client.get(f"/admin/kosmo/person/{taro.pk}/lookup/medical/?year=2024")

    # The manual's 2025年3月 (2024年度): 山田 太郎's two claims, not 山田 花子's.
    assert page.status_code == 200
    shown = text(page)
    assert "2024年度の医療費" in shown and "山田 太郎" in shown
    assert "サンプルクリニック" in shown and "ホロウ薬局" in shown
    assert "¥12,800" in shown and "¥1,628" in shown
    assert "パドコ歯科" not in shown
    event = SecurityEvent.objects.get(kind="staff_viewed", person=taro)
    assert (event.actor, event.detail) == (clerk, "medical")


# --- What is the operators' ------------------------------------------------------------------


def test_the_clerk_cannot_change_her_unions_host_tier_or_features(clerk_client, kosmo):
    url = f"/admin/kosmo/union/{kosmo.pk}/change/"

    shown = clerk_client.get(url)
    response = clerk_client.post(
        url, {"domain": "evil.example.jp", "tier": "standard", "name": "x", "enabled_features": []}
    )

    assert shown.status_code == 200  # she may read her union's settings
    assert response.status_code == 403
    kosmo.refresh_from_db()
    assert (kosmo.domain, kosmo.tier, kosmo.name) == (
        "kosmo.localhost",
        "rich",
        "コスモ健康保険組合",
    )
    unions = clerk_client.get("/admin/kosmo/union/")
    assert "さくら健康保険組合" not in text(unions)


def test_the_clerk_cannot_open_another_unions_rows(clerk_client):
    tanaka = Person.objects.get(household__union__slug="sakura", family_name="田中", branch="00")
    sakura = Union.objects.get(slug="sakura")

    for url in [
        f"/admin/kosmo/person/{tanaka.pk}/change/",
        f"/admin/kosmo/person/{tanaka.pk}/lookup/medical/",
        f"/admin/kosmo/union/{sakura.pk}/change/",
        f"/admin/accounts/user/{User.objects.get(username='tanaka_ichiro').pk}/change/",
    ]:
        response = clerk_client.get(url)
        assert response.status_code in (302, 404), url
        assert "田中" not in text(response)
    assert not Group.objects.get(name=CLERK).permissions.filter(codename="change_union").exists()
