"""ELG-2 資格確認書交付 and ELG-3 its back side (manual §4-19)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eligibility.models import AddressChangeRequest, OrganDonationIntent
from kosmo.dates import format_wareki
from tests import factories
from tests.eligibility.factories import CertificateFactory

LIST_URL = "/eligibility/certificate/"
NOT_YET = "交付日が到来していないため、資格確認書を表示できません。"
EXPIRED = "有効期限が過ぎているため、資格確認書を表示できません。"
SUSPENDED = "健康保険側で利用停止の手続きが行われたため、資格確認書を表示できません。"
DISQUALIFIED = "資格を喪失しているため、資格確認書を表示できません。"


def _show(cert, side=""):
    return f"/eligibility/certificate/{cert.pk}/" + (f"?side={side}" if side else "")


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_list_shows_the_households_eligible_persons(
    member_client, insured_certificate, dependent_certificate, child
):
    html = member_client.get(LIST_URL).content.decode()

    assert (
        "マイナンバーカードによりオンライン資格確認を受けることができない状況にある方に交付します。"
        in html
    )
    assert "※スクリーンショット等の静止画像での利用はできません。" in html
    assert "山田 太郎" in html and "山田 花子" in html
    assert "山田 一郎" not in html  # no certificate issued
    assert "1979-08-22" in html and "1981-03-03" in html
    assert "本人" in html and "配偶者" in html
    assert html.count(">資格確認書表示<") == 2


def test_a_dependent_sees_only_their_own_certificate(
    client, dependent, insured_certificate, dependent_certificate
):
    client.force_login(dependent)

    html = client.get(LIST_URL).content.decode()

    assert "山田 花子" in html and "山田 太郎" not in html
    assert client.get(_show(insured_certificate)).status_code == 404
    assert client.get(_show(dependent_certificate)).status_code == 200


def test_no_certificate_is_an_empty_list(member_client):
    assert "資格確認書の交付対象者はいません。" in member_client.get(LIST_URL).content.decode()


def test_the_card_shows_the_items_in_wareki_under_a_live_clock(
    member_client, insured, union, insured_certificate
):
    before = timezone.localtime()
    response = member_client.get(_show(insured_certificate))
    text = _text(response)
    html = response.content.decode()

    assert "no-store" in response["Cache-Control"]
    for expected in (
        "健康保険資格確認書",
        "本人 (健康保険)",
        "令和7年12月2日 交付",  # 2025-12-02
        "氏名 山田 太郎",
        "性別 男",
        "生年月日 昭和54年8月22日",
        "資格取得年月日 平成27年4月1日",
        "有効期限 令和12年12月31日",  # 2030-12-31
        f"保険者番号 {union.insurer_number}",
        "保険者名称 コスモ健康保険組合",
        f"記号 {insured.person.household.symbol}",
    ):
        assert expected in text, expected
    clock = re.search(r'data-live-clock data-era="(.+?)" data-era-first-year="(\d+)"', html)
    assert clock.groups() == ("令和", "2019")
    shown = re.search(r"<time>(.+?)</time>", html).group(1)
    assert re.fullmatch(r"令和\d+年\d+月\d+日 \d\d時\d\d分\d\d秒", shown)
    assert shown.startswith(format_wareki(before.date())) or shown.startswith(
        format_wareki(timezone.localdate())
    )
    assert 'src="/static/js/eligibility.js" defer' in html
    assert "<img" not in html.split('id="main"')[1]  # no image of the card to save


def test_a_dependents_card_names_the_insured_person(
    client, dependent, insured, dependent_certificate
):
    client.force_login(dependent)

    text = _text(client.get(_show(dependent_certificate)))

    assert "家族 (健康保険)" in text
    assert "被保険者氏名 山田 太郎" in text
    assert "生年月日 昭和56年3月3日" in text


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"issued_on": dt.date(2099, 1, 1), "expires_on": dt.date(2099, 12, 31)}, NOT_YET),
        ({"issued_on": dt.date(2020, 1, 1), "expires_on": dt.date(2021, 3, 31)}, EXPIRED),
        ({"suspended": True, "suspension_reason": "マイナ保険証を登録済み"}, SUSPENDED),
    ],
)
def test_the_card_is_refused_with_the_reason(member_client, insured, change, reason):
    cert = CertificateFactory(person=insured.person, **change)

    for url in (
        _show(cert),
        _show(cert, "back"),
        f"/eligibility/certificate/{cert.pk}/address/",
        f"/eligibility/certificate/{cert.pk}/organ-donation/",
    ):
        html = member_client.get(url).content.decode()
        assert reason in html, url
        assert "健康保険資格確認書" not in html
    post = member_client.post(
        f"/eligibility/certificate/{cert.pk}/address/",
        {"postal_code": "160-0023", "address": "東京都新宿区西新宿1-1-1", "step": "save"},
    )
    assert reason in post.content.decode()
    assert not AddressChangeRequest.objects.exists()


def test_the_card_is_shown_on_its_issue_and_expiry_days(member_client, insured):
    today = timezone.localdate()
    first_day = CertificateFactory(person=insured.person, issued_on=today, expires_on=today)

    assert "健康保険資格確認書" in member_client.get(_show(first_day)).content.decode()


def test_a_person_who_lost_coverage_is_refused(member_client, household, insured):
    gone = factories.DependentFactory(household=household, disqualified_on=dt.date(2025, 3, 31))
    cert = CertificateFactory(person=gone)

    assert DISQUALIFIED in member_client.get(_show(cert)).content.decode()


def test_other_households_and_unions_certificates_are_404(
    member_client, insured, other_household_member, other_union_member
):
    for other in (other_household_member, other_union_member):
        cert = CertificateFactory(person=other.person)
        for url in (
            _show(cert),
            _show(cert, "back"),
            f"/eligibility/certificate/{cert.pk}/address/",
            f"/eligibility/certificate/{cert.pk}/organ-donation/",
        ):
            assert member_client.get(url).status_code == 404, url
        response = member_client.post(
            f"/eligibility/certificate/{cert.pk}/organ-donation/",
            {"choice": "3", "step": "save"},
        )
        assert response.status_code == 404
    assert not OrganDonationIntent.objects.exists()


def test_the_back_side_shows_address_and_organ_donation(member_client, insured_certificate):
    text = _text(member_client.get(_show(insured_certificate, "back")))

    assert "住所 東京都新宿区西新宿2-8-1" in text
    assert "臓器提供の意思表示 未登録" in text
    assert "住所変更" in text and "表面" in text


def test_list_and_card_cost_constant_queries(
    member_client, household, insured, insured_certificate
):
    member_client.get(LIST_URL)
    with CaptureQueriesContext(connection) as small:
        member_client.get(LIST_URL)
    with CaptureQueriesContext(connection) as card:
        member_client.get(_show(insured_certificate))
    with CaptureQueriesContext(connection) as back:
        member_client.get(_show(insured_certificate, "back"))
    for branch in range(1, 6):
        CertificateFactory(
            person=factories.DependentFactory(household=household, branch=f"0{branch}")
        )
    with CaptureQueriesContext(connection) as large:
        html = member_client.get(LIST_URL).content.decode()

    assert html.count(">資格確認書表示<") == 6
    # Session and account (the core's), then one query for the certificates with their
    # persons; the card one more; its back side two more (住所変更, 臓器提供).
    assert len(small) == len(large) <= 3
    assert len(card) <= 3
    assert len(back) == len(card) + 2


# --- ELG-3 住所変更 ---


def _address(
    client, cert, step, postal_code="1600023", address="東京都新宿区西新宿3-2-1 コスモビル101"
):
    return client.post(
        f"/eligibility/certificate/{cert.pk}/address/",
        {"postal_code": postal_code, "address": address, "step": step},
    )


def test_address_change_goes_input_confirm_save(member_client, insured, insured_certificate):
    form = member_client.get(f"/eligibility/certificate/{insured_certificate.pk}/address/")
    confirm = _address(member_client, insured_certificate, "confirm")
    assert not AddressChangeRequest.objects.exists()  # nothing saved before 「確定」
    saved = _address(member_client, insured_certificate, "save")

    assert "住所入力" in form.content.decode() and ">次へ<" in form.content.decode()
    text = _text(confirm)
    assert "入力内容確認" in text
    assert "郵便番号 160-0023" in text
    assert "住所 東京都新宿区西新宿3-2-1 コスモビル101" in text
    assert ">確定<" in confirm.content.decode()
    assert saved.status_code == 302 and saved.url == _show(insured_certificate, "back")
    change = AddressChangeRequest.objects.get()
    assert (change.person, change.requested_by, change.postal_code, change.address) == (
        insured.person,
        insured,
        "160-0023",
        "東京都新宿区西新宿3-2-1 コスモビル101",
    )
    assert change.applied_at is None
    back = member_client.get(saved.url)
    text = _text(back)
    assert "住所変更を受け付けました。健康保険組合で確認のうえ反映します。" in text
    assert "住所 東京都新宿区西新宿2-8-1" in text  # unchanged until staff apply it
    assert "住所変更(申請中) 〒160-0023 東京都新宿区西新宿3-2-1 コスモビル101" in text


def test_a_double_submitted_address_change_is_recorded_once(member_client, insured_certificate):
    _address(member_client, insured_certificate, "save")
    again = _address(member_client, insured_certificate, "save")

    assert AddressChangeRequest.objects.count() == 1
    assert "この住所変更はすでに受け付けています。" in _text(member_client.get(again.url))


@pytest.mark.parametrize(
    ("postal_code", "address", "message"),
    [
        ("", "東京都新宿区", "郵便番号を入力してください。"),
        ("160-002", "東京都新宿区", "郵便番号は7桁の数字で入力してください(例: 160-0023)。"),
        ("abc-defg", "東京都新宿区", "郵便番号は7桁の数字で入力してください(例: 160-0023)。"),
        ("160-0023", "", "住所を入力してください。"),
        ("160-0023", "   ", "住所を入力してください。"),
        ("160-0023", "あ" * 201, "住所は200文字以内で入力してください。"),
    ],
)
def test_a_bad_address_is_refused_with_a_message_and_kept(
    member_client, insured_certificate, postal_code, address, message
):
    for step in ("confirm", "save"):
        response = _address(member_client, insured_certificate, step, postal_code, address)
        html = response.content.decode()
        assert response.status_code == 200
        assert message in html
        assert "入力内容をご確認ください。" in html
        assert "aria-describedby" in html
        if address.strip():
            assert f'value="{address}"' in html
    assert not AddressChangeRequest.objects.exists()


def test_full_width_postal_codes_are_normalised(member_client, insured_certificate):
    _address(member_client, insured_certificate, "save", postal_code="１６０－００２３")

    assert AddressChangeRequest.objects.get().postal_code == "160-0023"


@pytest.mark.parametrize(
    "typed", ["〒160-0023", "160−0023", "160‐0023", "１６０ー００２３", "160 0023"]
)
def test_postal_codes_typed_with_a_mark_dash_or_space_are_accepted(
    member_client, insured_certificate, typed
):
    _address(member_client, insured_certificate, "save", postal_code=typed)

    assert AddressChangeRequest.objects.get().postal_code == "160-0023"


def test_edit_from_the_confirmation_keeps_the_input(member_client, insured_certificate):
    response = _address(member_client, insured_certificate, "edit")

    html = response.content.decode()
    assert "住所入力" in html
    assert 'value="東京都新宿区西新宿3-2-1 コスモビル101"' in html
    assert not AddressChangeRequest.objects.exists()


# --- ELG-3 臓器提供の意思表示 ---


def _organ(client, cert, step, choice="2", organs=("heart", "liver", "pancreas")):
    return client.post(
        f"/eligibility/certificate/{cert.pk}/organ-donation/",
        {"choice": choice, "excluded_organs": list(organs), "step": step},
    )


def test_organ_donation_three_choices_and_seven_organs(member_client, insured_certificate):
    html = member_client.get(
        f"/eligibility/certificate/{insured_certificate.pk}/organ-donation/"
    ).content.decode()

    assert html.count('type="radio" name="choice"') == 3
    organs = re.findall(
        r'name="excluded_organs" value="\w+" id="[\w_]+"> <label for="[\w_]+">(.+?)</label>', html
    )
    assert organs == ["心臓", "肺", "肝臓", "腎臓", "膵臓", "小腸", "眼球"]
    assert "1又は2を選択した方で、提供しなくてよい臓器があればチェックを付けてください。" in html


def test_organ_donation_is_confirmed_then_recorded(member_client, insured, insured_certificate):
    confirm = _organ(member_client, insured_certificate, "confirm")
    assert not OrganDonationIntent.objects.exists()
    saved = _organ(member_client, insured_certificate, "save")

    text = _text(confirm)
    assert "入力内容確認" in text
    assert "氏名 山田 太郎" in text
    assert "住所 東京都新宿区西新宿2-8-1" in text
    assert "臓器提供 2. 心臓が停止した状態に限り、移植のために臓器を提供します。" in text
    assert "提供しなくてよい臓器 心臓・肝臓・膵臓" in text
    assert saved.status_code == 302
    intent = OrganDonationIntent.objects.get()
    assert (intent.person, intent.recorded_by, intent.choice, intent.excluded_organs) == (
        insured.person,
        insured,
        "2",
        ["heart", "liver", "pancreas"],
    )
    back = _text(member_client.get(saved.url))
    assert "臓器提供の意思表示を登録しました。" in back
    assert "2. 心臓が停止した状態に限り、移植のために臓器を提供します。" in back
    assert "提供しなくてよい臓器: 心臓・肝臓・膵臓" in back


def test_a_new_choice_replaces_the_shown_one_and_a_double_submit_adds_nothing(
    member_client, insured_certificate
):
    _organ(member_client, insured_certificate, "save")
    _organ(member_client, insured_certificate, "save")
    assert OrganDonationIntent.objects.count() == 1
    _organ(member_client, insured_certificate, "save", choice="3", organs=())

    back = _text(member_client.get(_show(insured_certificate, "back")))
    assert OrganDonationIntent.objects.count() == 2
    assert "3. 臓器を提供しません。" in back
    assert "心臓が停止した状態に限り" not in back
    form = member_client.get(
        f"/eligibility/certificate/{insured_certificate.pk}/organ-donation/"
    ).content.decode()
    assert 'value="3" id="id_choice_2" required checked' in form


@pytest.mark.parametrize(
    ("choice", "organs", "message"),
    [
        ("", (), "1〜3のいずれかを選択してください。"),
        ("4", (), "1〜3のいずれかを選択してください。"),
        (
            "3",
            ("heart",),
            "3を選択した場合は、提供しなくてよい臓器にチェックを付けないでください。",
        ),
        ("1", ("spleen",), "提供しなくてよい臓器は一覧の中から選択してください。"),
    ],
)
def test_a_bad_organ_donation_is_refused_with_a_message(
    member_client, insured_certificate, choice, organs, message
):
    response = _organ(member_client, insured_certificate, "save", choice=choice, organs=organs)

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert not OrganDonationIntent.objects.exists()


# Only the person decides (§4-19); the insured only for a household member without an account.
OWN_DECISION = (
    "山田 花子 さんはご自身のアカウントをお持ちのため、臓器提供の意思表示はご本人が"
    "ログインして登録してください。"
)
PROXY_RULE = (
    "臓器提供の意思表示は、ご本人が登録します。被保険者が代わって登録できるのは、"
    "ご自身でログインできないご家族(アカウントをお持ちでない被扶養者)の分に限ります。"
)


def test_the_insured_cannot_record_organ_donation_for_a_dependent_with_an_account(
    member_client, dependent_certificate
):
    url = f"/eligibility/certificate/{dependent_certificate.pk}/organ-donation/"

    back = member_client.get(_show(dependent_certificate, "back")).content.decode()
    form = member_client.get(url)
    for step in ("confirm", "save"):
        refused = _organ(member_client, dependent_certificate, step, choice="3", organs=())
        assert refused.status_code == 403
        assert OWN_DECISION in refused.content.decode()

    assert url not in back  # the card does not offer the form
    assert OWN_DECISION in back
    assert form.status_code == 403
    assert OWN_DECISION in form.content.decode()
    assert 'name="choice"' not in form.content.decode()
    assert not OrganDonationIntent.objects.exists()


def test_the_insured_records_organ_donation_for_a_child_without_an_account(
    member_client, insured, child
):
    cert = CertificateFactory(person=child)
    url = f"/eligibility/certificate/{cert.pk}/organ-donation/"

    assert url in member_client.get(_show(cert, "back")).content.decode()
    assert PROXY_RULE in member_client.get(url).content.decode()
    assert _organ(member_client, cert, "save", choice="3", organs=()).status_code == 302

    intent = OrganDonationIntent.objects.get()
    assert (intent.person, intent.recorded_by, intent.choice) == (child, insured, "3")
    assert "3. 臓器を提供しません。" in _text(member_client.get(_show(cert, "back")))


def test_the_spouse_records_her_own_organ_donation_and_only_hers_shows(
    client, insured, dependent, dependent_certificate
):
    # Recorded for her by the insured before this rule: not her decision, not on her card.
    OrganDonationIntent.objects.create(
        person=dependent.person, recorded_by=insured, choice=OrganDonationIntent.Choice.NONE
    )
    client.force_login(dependent)

    before = _text(client.get(_show(dependent_certificate, "back")))
    saved = _organ(client, dependent_certificate, "save", choice="1", organs=("eyes",))
    after = _text(client.get(_show(dependent_certificate, "back")))

    assert "臓器提供の意思表示 未登録" in before
    assert "臓器を提供しません" not in before
    assert saved.status_code == 302
    assert "1. 脳死後及び心臓が停止した状態のいずれでも、移植のために臓器を提供します。" in after
    assert "提供しなくてよい臓器: 眼球" in after
    assert OrganDonationIntent.objects.filter(recorded_by=dependent).count() == 1


def test_the_service_refuses_a_decision_for_someone_with_an_account(insured, dependent):
    from eligibility import services

    with pytest.raises(services.NotTheirDecision):
        services.record_organ_donation(
            user=insured, person=dependent.person, choice="3", excluded_organs=[]
        )
    assert not OrganDonationIntent.objects.exists()
