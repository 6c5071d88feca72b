"""`manage.py create_union`: the 保険者番号 with its 検証番号, duplicates refused, `--update`
idempotent, and the next steps printed."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kosmo.insurer_numbers import check_digit, insurer_number_error
from kosmo.models import FormerMemberAccess, Union

pytestmark = pytest.mark.django_db

CREATE = {
    "slug": "hikari",
    "insurer_number": "06139992",
    "name": "ひかり健康保険組合",
    "domain": "portal.hikari-kenpo.example.jp",
    "tier": "rich",
    "contact_phone": "03-1111-2222",
    "contact_hours": "平日 9:00〜17:00",
    "contact_email": "kenpo@hikari.example.jp",
    "mail_from": "ひかり健康保険組合 <no-reply@hikari.example.jp>",
}


def create(**options):
    out = io.StringIO()
    call_command("create_union", stdout=out, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    "number",
    # 協会けんぽ 東京・大阪・北海道支部 and the worked example of the 設定要領 (千葉県警 33120015).
    ["01130012", "01270016", "01010016", "33120015", "06139992"],
)
def test_real_insurer_numbers_pass_the_check_digit(number):
    assert check_digit(number[:7]) == int(number[7])
    assert insurer_number_error(number) is None


def test_check_digit_doubles_from_the_last_of_the_seven_and_adds_digits_of_products():
    # 0,6,1,3,9,9,9 × 2,1,2,1,2,1,2 = 0,6,2,3,18,9,18 → 0+6+2+3+9+9+9 = 38 → 10 − 8 = 2
    assert check_digit("0613999") == 2
    # sum 40 → last digit 0 → 検証番号 0
    assert check_digit("0613018") == (10 - (0 + 6 + 2 + 3 + 0 + 1 + 7) % 10) % 10


def test_create_union_registers_it_and_prints_the_next_steps():
    out = create(**CREATE)

    union = Union.objects.get(slug="hikari")
    assert union.insurer_number == "06139992"
    assert union.tier == Union.ContractTier.RICH
    assert union.domain == "portal.hikari-kenpo.example.jp"
    assert union.mail_from == "ひかり健康保険組合 <no-reply@hikari.example.jp>"
    assert union.former_member_access == FormerMemberAccess.TAX_SEASON
    assert (
        "健康保険組合「ひかり健康保険組合」"
        "（識別名 hikari、保険者番号 06139992、リッチ版）を登録しました。" in out
    )
    assert "manage.py import_persons --union hikari 加入者台帳.csv" in out
    assert "manage.py issue_accounts --union hikari --output letters.csv" in out
    assert "manage.py set_etax_credential --union hikari --key key.pem --cert cert.pem" in out


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("06139999", "保険者番号「06139999」の検証番号（8桁目）が正しくありません。"),
        ("0613999", "保険者番号「0613999」は8桁の数字で入力してください。"),
        ("０６１３９９９２", "保険者番号「０６１３９９９２」は8桁の数字で入力してください。"),
    ],
)
def test_a_bad_insurer_number_is_refused(number, message):
    with pytest.raises(CommandError) as refused:
        create(**{**CREATE, "insurer_number": number})

    assert str(refused.value) == message
    assert not Union.objects.exists()


def test_duplicates_are_refused():
    create(**CREATE)

    with pytest.raises(
        CommandError, match="識別名「hikari」の健康保険組合（ひかり健康保険組合）は登録済みです。"
    ):
        create(**CREATE)
    with pytest.raises(
        CommandError, match="保険者番号「06139992」はひかり健康保険組合（hikari）が使っています。"
    ):
        create(**{**CREATE, "slug": "other", "domain": "other.example.jp"})
    with pytest.raises(
        CommandError,
        match="ホスト名「portal.hikari-kenpo.example.jp」はひかり健康保険組合（hikari）が使っています。",
    ):
        create(**{**CREATE, "slug": "other", "insurer_number": "01130012"})
    assert Union.objects.count() == 1


def test_update_changes_only_what_is_given_and_again_changes_nothing():
    create(**CREATE)
    before = Union.objects.get(slug="hikari").updated_at

    changed = create(slug="hikari", update=True, contact_phone="03-9999-0000", tier="standard")
    again = create(slug="hikari", update=True, contact_phone="03-9999-0000", tier="standard")

    union = Union.objects.get(slug="hikari")
    assert (union.contact_phone, union.tier, union.name) == (
        "03-9999-0000",
        "standard",
        "ひかり健康保険組合",
    )
    assert "ひかり健康保険組合（hikari）の契約、問い合わせ電話番号を変更しました。" in changed
    assert "ひかり健康保険組合（hikari）: 変更はありません。" in again
    assert union.updated_at > before
    unchanged = union.updated_at
    create(slug="hikari", update=True, **{k: v for k, v in CREATE.items() if k != "slug"})
    assert Union.objects.get(slug="hikari").updated_at > unchanged  # tier and phone back


def test_update_of_an_unknown_slug_is_refused():
    with pytest.raises(CommandError, match="健康保険組合「nowhere」が見つかりません（--update）。"):
        create(slug="nowhere", update=True, name="x")


def test_dry_run_saves_nothing():
    out = create(**CREATE, dry_run=True)

    assert "（--dry-run のため保存していません）" in out
    assert not Union.objects.exists()


def test_a_bad_email_is_refused_in_japanese():
    with pytest.raises(CommandError, match="問い合わせメールアドレス: "):
        create(**{**CREATE, "contact_email": "not-an-address"})
