"""`manage.py survey_report`: per-union progress and results as CSV."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from dependents import services
from dependents.models import SurveyTarget
from kosmo.spreadsheets import FORMULA_STARTS
from tests import factories
from tests.dependents.conftest import make_survey, pdf_bytes, upload_file
from tests.dependents.steps import answer_all, upload
from tests.kosmo.test_spreadsheets import ATTACKS


def _report(union, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("survey_report", "--union", union.slug, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_report_lists_every_dependent_with_progress_and_result(
    member_client, survey, union, staff, spouse_target, child_target
):
    answer_all(member_client, spouse_target, child_target)
    upload(
        member_client,
        child_target,
        "在学証明書または学生証の写し",
        upload_file("z.pdf", pdf_bytes()),
    )
    member_client.post(f"/dependents/answer/{child_target.pk}/submit/")
    child_target.refresh_from_db()
    services.record_result(target=child_target, result="approved", staff=staff)

    out, err = _report(union)

    assert out.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"))))
    assert [row["調査対象者氏名"] for row in rows] == ["山田 花子", "山田 一郎"]
    assert rows[0]["審査結果"] == "未提出" and rows[0]["回答完了日時"]
    assert rows[1]["審査結果"] == "認定" and rows[1]["提出書類数"] == "1"
    assert rows[1]["続柄"] == "子" and rows[0]["誓約日時"]
    assert "2人" in err and "認定 1人" in err and "未提出 1人" in err


def test_report_writes_a_file_for_excel(tmp_path, survey, union):
    target = tmp_path / "report.csv"

    _report(union, "--output", str(target))

    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "調査対象者氏名" in target.read_text(encoding="utf-8-sig")


def test_report_covers_only_the_unions_own_survey(survey, union, other_union_member):
    other = other_union_member.person.household.union
    factories.DependentFactory(household=other_union_member.person.household, given_name="次郎")
    make_survey(other)

    out, _ = _report(other)

    assert "次郎" in out and "花子" not in out


def test_dry_run_writes_nothing(tmp_path, survey, union):
    target = tmp_path / "report.csv"

    _, err = _report(union, "--output", str(target), "--dry-run")

    assert not target.exists() and "--dry-run" in err


def test_a_union_without_a_survey_is_an_error(union):
    with pytest.raises(CommandError, match="被扶養者資格調査が見つかりません"):
        _report(union)


@pytest.mark.parametrize(("typed", "neutralised"), ATTACKS)
def test_report_cells_never_run_as_a_formula_in_excel(
    survey, union, spouse_target, typed, neutralised
):
    person = spouse_target.person
    person.family_name, person.given_name = typed, "花子"
    person.save()
    SurveyTarget.objects.filter(pk=spouse_target.pk).update(result_reason=typed)

    out, _ = _report(union)

    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff"), newline="")))
    [spouse] = [row for row in rows if row["調査対象者氏名"].endswith("花子")]
    assert spouse["調査対象者氏名"] == neutralised + " 花子"
    assert spouse["理由・連絡事項"] == neutralised
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row.values())
