"""DEP-6 お問合せ: phone and hours, FAQ with expanders, the web form with its confirm step."""

import uuid

import pytest
from django.core import mail
from django.test import Client

from dependents.models import Inquiry

FORM = {
    "topic": "documents",
    "name": "山田 太郎",
    "insurance_number": "1001-10001",
    "email": "taro@example.jp",
    "phone": "090-0000-0000",
    "body": "在学証明書が発行されるまで2週間かかります。\n提出期限を延ばせますか。",
}


@pytest.fixture
def contact_union(union, survey):
    union.contact_email = "kenpo@kosmo.example.jp"
    union.contact_hours = "平日 9:00〜17:00"
    union.save()
    return union


def _post(client, step, **data):
    return client.post("/dependents/contact/", {"step": step, **data})


def test_contact_page_shows_phone_hours_faq_and_form(member_client, contact_union):
    page = member_client.get("/dependents/contact/").content.decode()

    assert "03-0000-0000" in page and "受付時間: 平日 9:00〜17:00" in page
    assert "よくある質問" in page and "<summary>" in page
    assert "スマートフォンで撮影した書類を提出できますか。" in page
    assert "WEBからのお問合せ" in page and "送信内容を確認" in page
    assert 'value="山田 太郎"' in page  # filled in for a signed-in member


def test_confirm_then_send_stores_the_inquiry_and_mails_the_union(
    member_client, contact_union, insured, django_capture_on_commit_callbacks
):
    token = str(uuid.uuid4())
    confirm = _post(member_client, "confirm", token=token, **FORM)
    confirm_page = confirm.content.decode()

    assert "以下の内容で送信します。" in confirm_page
    assert "必要書類について" in confirm_page and "送信する" in confirm_page
    assert not Inquiry.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = _post(member_client, "send", token=token, **FORM)

    inquiry = Inquiry.objects.get()
    assert sent.url == "/dependents/contact/sent/"
    assert inquiry.user == insured and inquiry.body == FORM["body"]
    [message] = mail.outbox
    assert message.to == ["kenpo@kosmo.example.jp"]
    assert message.subject == "【被扶養者資格調査】WEBからのお問合せ: 必要書類について"
    assert "在学証明書が発行されるまで2週間かかります。" in message.body
    assert "お問合せを受け付けました。" in member_client.get(sent.url).content.decode()


def test_sending_twice_keeps_one_inquiry_and_one_mail(
    member_client, contact_union, django_capture_on_commit_callbacks
):
    token = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        _post(member_client, "send", token=token, **FORM)
        _post(member_client, "send", token=token, **FORM)

    assert Inquiry.objects.count() == 1
    assert len(mail.outbox) == 1


def test_back_returns_to_the_form_with_what_was_entered(member_client, contact_union):
    response = _post(member_client, "edit", token=str(uuid.uuid4()), **FORM)

    page = response.content.decode()
    assert "送信内容を確認" in page and "taro@example.jp" in page
    assert not Inquiry.objects.exists()


def test_missing_fields_get_the_messages(member_client, contact_union):
    response = _post(member_client, "confirm", token=str(uuid.uuid4()), email="bad")

    page = response.content.decode()
    assert response.status_code == 400
    for message in [
        "お問合せ内容を選択してください。",
        "お名前を入力してください。",
        "メールアドレスの形式が正しくありません。",
        "お問合せ本文を入力してください。",
    ]:
        assert message in page


def test_no_login_is_needed(contact_union, django_capture_on_commit_callbacks):
    client = Client()
    assert client.get("/dependents/contact/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, "send", token=str(uuid.uuid4()), **FORM)

    assert Inquiry.objects.get().user is None
    assert len(mail.outbox) == 1


def test_inquiries_are_limited_per_client_address(
    contact_union, settings, django_capture_on_commit_callbacks
):
    limit = int(settings.ACCOUNT_RATE_LIMITS["dependents_inquiry"].split("/")[0])  # "5/h/ip"
    client = Client(REMOTE_ADDR="198.51.100.7")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(limit):
            assert _post(client, "send", token=str(uuid.uuid4()), **FORM).status_code == 302

        refused = _post(client, "send", token=str(uuid.uuid4()), **FORM)

    page = refused.content.decode()
    assert refused.status_code == 429
    assert (
        "短時間に多くのお問合せが送信されました。しばらくしてから送信してください。"
        "お急ぎの場合はお電話にてお問合せください。" in page
    )
    assert "在学証明書が発行されるまで2週間かかります。" in page  # the text is kept
    assert Inquiry.objects.count() == len(mail.outbox) == limit
    other_address = Client(REMOTE_ADDR="198.51.100.8")
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(other_address, "send", token=str(uuid.uuid4()), **FORM).status_code == 302
    assert len(mail.outbox) == limit + 1
