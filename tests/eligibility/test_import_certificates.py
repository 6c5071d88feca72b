"""`manage.py import_certificates`: 交付年月日・有効期限・利用停止 from the union's CSV."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from eligibility.models import EligibilityCertificate
from tests import factories

HEADER = "記号,番号,枝番,交付年月日,有効期限,利用停止,利用停止の理由\n"


def _run(tmp_path, union, text, *args, encoding="utf-8"):
    path = tmp_path / "certificates.csv"
    path.write_bytes(text.encode(encoding))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_certificates", str(path), "--union", union.slug, *args, stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


@pytest.fixture
def persons(insured, dependent):
    return insured.person, dependent.person


def _line(person, issued="2025-12-02", expires="2030-12-31", suspended="0", reason=""):
    household = person.household
    key = f"{household.symbol},{household.number},{person.branch}"
    return f"{key},{issued},{expires},{suspended},{reason}\n"


def test_certificates_are_created_then_updated_and_a_second_run_changes_nothing(
    tmp_path, union, persons
):
    insured, spouse = persons
    out, err = _run(
        tmp_path, union, HEADER + _line(insured) + _line(spouse, suspended="1", reason="停止")
    )
    assert out.strip() == "新規 2件、更新 0件、変更なし 0件、エラー 0件"
    assert err == ""
    cert = EligibilityCertificate.objects.get(person=spouse)
    assert (cert.issued_on, cert.expires_on, cert.suspended, cert.suspension_reason) == (
        dt.date(2025, 12, 2),
        dt.date(2030, 12, 31),
        True,
        "停止",
    )

    out, _ = _run(tmp_path, union, HEADER + _line(insured) + _line(spouse, suspended="0"))
    assert out.strip() == "新規 0件、更新 1件、変更なし 1件、エラー 0件"
    assert not EligibilityCertificate.objects.get(person=spouse).suspended
    out, _ = _run(tmp_path, union, HEADER + _line(insured) + _line(spouse, suspended="0"))
    assert out.strip() == "新規 0件、更新 0件、変更なし 2件、エラー 0件"


def test_bad_rows_are_reported_with_their_line_and_the_good_ones_kept(tmp_path, union, persons):
    insured, spouse = persons
    other = factories.UserFactory(person__household=factories.HouseholdFactory()).person
    text = (
        HEADER
        + _line(insured)
        + _line(other)
        + _line(spouse, issued="2025/13/01")
        + _line(spouse, expires="12/31/2030")
        + _line(spouse, issued="2030-01-01", expires="2029-12-31")
        + _line(spouse, suspended="はい")
    )

    out, err = _run(tmp_path, union, text, encoding="cp932")

    assert out.strip() == "新規 1件、更新 0件、変更なし 0件、エラー 5件"
    assert err.splitlines() == [
        "3行目: 記号・番号・枝番に該当する加入者がいません。",  # another union's person
        "4行目: 交付年月日は YYYY-MM-DD の形式で入力してください。",
        "5行目: 有効期限は YYYY-MM-DD の形式で入力してください。",
        "6行目: 有効期限が交付年月日より前です。",
        "7行目: 利用停止は 1 (停止) か 0 (なし) を入力してください。",
    ]
    assert list(EligibilityCertificate.objects.values_list("person", flat=True)) == [insured.pk]


def test_dry_run_changes_nothing(tmp_path, union, persons):
    out, _ = _run(tmp_path, union, HEADER + _line(persons[0]), "--dry-run")

    assert "（試行のため何も変更していません）" in out
    assert not EligibilityCertificate.objects.exists()


def test_a_file_without_the_required_columns_is_refused(tmp_path, union, persons):
    with pytest.raises(CommandError, match="必須の列がありません: 有効期限"):
        _run(tmp_path, union, "記号,番号,枝番,交付年月日\n1001,00001,00,2025-12-02\n")
    with pytest.raises(CommandError, match="文字コードを判別できません"):
        _run(tmp_path, union, HEADER, encoding="utf-16")


def test_a_file_naming_a_column_twice_is_refused(tmp_path, union, persons):
    with pytest.raises(CommandError, match="列名が重複しています: 有効期限"):
        _run(tmp_path, union, "記号,番号,枝番,交付年月日,有効期限,有効期限\n")

    assert not EligibilityCertificate.objects.exists()
