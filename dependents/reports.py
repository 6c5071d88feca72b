"""`manage.py survey_report`: each dependent's progress and result as CSV for the union."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from django.db.models import Count
from django.utils import timezone

from dependents.models import DependentSurvey, HouseholdResponse, SurveyTarget
from kosmo.spreadsheets import csv_writer

HEADER = [
    "調査",
    "記号",
    "番号",
    "枝番",
    "調査対象者氏名",
    "続柄",
    "生年月日",
    "選定方法",
    "誓約日時",
    "被保険者情報確認日時",
    "基本情報確認日時",
    "回答完了日時",
    "提出日時",
    "提出書類数",
    "提出期限",
    "審査結果",
    "審査日時",
    "理由・連絡事項",
]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def write_report(survey: DependentSurvey, out: TextIO) -> Counter:
    """Write one row per dependent under survey; returns the count per 審査結果 label
    (未提出 for those who have not submitted)."""
    responses = {
        response.household_id: response
        for response in HouseholdResponse.objects.filter(survey=survey)
    }
    targets = (
        SurveyTarget.objects.filter(survey=survey)
        .select_related("person__household")
        .annotate(upload_count=Count("uploads"))
        .order_by("person__household__symbol", "person__household__number", "person__branch")
    )
    writer = csv_writer(out)  # names and reasons are typed by people: never a formula
    writer.writerow(HEADER)
    totals: Counter = Counter()
    for target in targets.iterator(chunk_size=2000):
        person = target.person
        response = responses.get(person.household_id)
        if target.submitted_at or target.result_at:
            result = target.get_result_display()
        else:
            result = "未提出"
        totals[result] += 1
        writer.writerow(
            [
                survey.title,
                person.household.symbol,
                person.household.number,
                person.branch,
                person.full_name,
                person.get_relationship_display(),
                f"{person.birth_date:%Y-%m-%d}",
                target.get_selected_by_display(),
                _when(response and response.pledged_at),
                _when(response and response.insured_confirmed_at),
                _when(target.basic_confirmed_at),
                _when(target.answered_at),
                _when(target.submitted_at),
                target.upload_count,
                f"{target.due_on:%Y-%m-%d}",
                result,
                _when(target.result_at),
                target.result_reason,
            ]
        )
    return totals
