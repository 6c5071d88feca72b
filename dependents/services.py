"""Write side of the survey. Every state change goes through one function here, which also
writes the audit row (TargetEvent) in the same transaction. No request objects."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dependents import files, rules
from dependents.models import (
    AdditionalDocument,
    Answer,
    DependentSurvey,
    HouseholdResponse,
    Inquiry,
    Question,
    SurveyTarget,
    TargetEvent,
    Upload,
)
from dependents.queries import ANSWERS_EVENT, TargetState, added_after_submission
from kosmo.mail import send_templated_mail
from kosmo.models import Person, Union
from kosmo.storage import store_errors

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


def _event(target: SurveyTarget, actor: User | None, action: str, detail: str = "") -> None:
    TargetEvent.objects.create(target=target, actor=actor, action=action, detail=detail)


# --- The insured person ------------------------------------------------------------------------


def pledge(*, response: HouseholdResponse, agreed: bool) -> HouseholdResponse:
    """DEP-1 「誓約する」/「誓約しない」, recorded with the time. A pledge once given stays."""
    now = timezone.now()
    if agreed:
        HouseholdResponse.objects.filter(pk=response.pk, pledged_at__isnull=True).update(
            pledged_at=now
        )
    else:
        HouseholdResponse.objects.filter(pk=response.pk).update(declined_at=now)
    response.refresh_from_db()
    return response


def mark_guidance_read(*, response: HouseholdResponse) -> None:
    if response.guidance_read_at is None:
        response.guidance_read_at = timezone.now()
        response.save(update_fields=["guidance_read_at"])


def results_seen(*, response: HouseholdResponse) -> None:
    response.results_seen_at = timezone.now()
    response.save(update_fields=["results_seen_at"])


def confirm_insured(*, response: HouseholdResponse) -> None:
    """STEP1: the insured person confirmed the registered data."""
    if response.insured_confirmed_at is None:
        response.insured_confirmed_at = timezone.now()
        response.save(update_fields=["insured_confirmed_at"])


class SurveyClosed(ValidationError):
    """The answer or file can no longer be changed (submitted, or past the deadline)."""


def _check_answering_open(target: SurveyTarget) -> None:
    if target.answering_locked:
        raise SurveyClosed(_("提出済みのため、回答を変更できません。"), code="submitted")
    if target.past_deadline():
        raise SurveyClosed(_("提出期限を過ぎているため、回答できません。"), code="deadline")


def confirm_basic(*, target: SurveyTarget, user: User) -> None:
    """STEP2 基本情報確認 for one dependent."""
    _check_answering_open(target)
    if target.basic_confirmed_at is None:
        target.basic_confirmed_at = timezone.now()
        target.save(update_fields=["basic_confirmed_at"])
        _event(target, user, "基本情報確認")


@transaction.atomic
def save_answers(
    *, target: SurveyTarget, questions: Iterable[Question], answers: Mapping[int, str], user: User
) -> None:
    """STEP2 questions: keep the answers to the questions asked (a follow-up whose condition
    no longer holds is dropped) and mark the dependent's answers complete."""
    target = SurveyTarget.objects.select_for_update().get(pk=target.pk)
    _check_answering_open(target)
    questions = list(questions)
    by_id = {question.pk: question for question in questions}
    kept = {
        question.pk: answers[question.pk]
        for question in questions
        if question.pk in answers and rules.is_asked(question, answers, by_id)
    }
    Answer.objects.filter(target=target).exclude(question_id__in=kept).delete()
    for question_id, value in kept.items():
        Answer.objects.update_or_create(
            target=target, question_id=question_id, defaults={"value": value}
        )
    now = timezone.now()
    target.basic_confirmed_at = target.basic_confirmed_at or now
    target.answered_at = now
    target.save(update_fields=["basic_confirmed_at", "answered_at"])
    _event(
        target, user, ANSWERS_EVENT, ", ".join(f"{by_id[pk].code}={v}" for pk, v in kept.items())
    )


def _check_uploads_open(target: SurveyTarget) -> None:
    if target.uploads_locked:
        raise SurveyClosed(_("提出済みのため、書類を追加・削除できません。"), code="submitted")
    if target.past_deadline():
        raise SurveyClosed(
            _("提出期限を過ぎているため、書類をアップロードできません。"), code="deadline"
        )
    if target.answered_at is None:
        raise SurveyClosed(
            _("設問への回答を完了してから書類をアップロードしてください。"), code="unanswered"
        )


@transaction.atomic
def add_upload(*, state: TargetState, document: rules.RequiredDocument, file, user: User) -> Upload:
    """STEP4: store one file for one required document, after checking what it really is."""
    target = SurveyTarget.objects.select_for_update().get(pk=state.target.pk)
    _check_uploads_open(target)
    kind = files.detect_kind(file)
    stem = PurePath(file.name or "file").stem[:80] or "file"
    upload = Upload(
        target=target,
        rule_id=document.rule_id,
        additional_id=document.additional_id,
        document=document.name,
        original_name=f"{stem}.{files.EXTENSIONS[kind]}",
        kind=kind,
        size=file.size,
        uploaded_by=user,
    )
    # The stored name is random: the member's file name never reaches the file system.
    with store_errors():  # the store unreachable: no row, the member's form comes back
        upload.file.save(f"{uuid.uuid4().hex}.{files.EXTENSIONS[kind]}", file, save=False)
    upload.save()
    _event(target, user, "書類アップロード", f"{document.name}: {upload.original_name}")
    return upload


@transaction.atomic
def delete_upload(*, upload: Upload, user: User) -> None:
    target = SurveyTarget.objects.select_for_update().get(pk=upload.target_id)
    _check_uploads_open(target)
    if not added_after_submission(upload, target):
        raise SurveyClosed(_("提出済みの書類は削除できません。"), code="submitted")
    name = upload.file.name
    storage = upload.file.storage
    _event(target, user, "書類削除", f"{upload.document}: {upload.original_name}")
    upload.delete()
    # robust: a store that is down leaves the file behind (logged), not the member an error
    transaction.on_commit(lambda: storage.delete(name), robust=True)


def _check_submittable(target: SurveyTarget, state: TargetState) -> None:
    if target.submitted_at and target.result != SurveyTarget.Result.DEFICIENT:
        raise SurveyClosed(_("既に提出済みです。"), code="submitted")
    _check_uploads_open(target)
    missing = state.missing_documents
    if missing:
        names = "、".join(document.name for document in missing)
        raise ValidationError(
            _("アップロードされていない必要書類があります: %(names)s") % {"names": names},
            code="missing_documents",
        )


def check_submittable(*, state: TargetState) -> None:
    """What 「提出する」 would refuse, raised before the member confirms (code "submitted"
    when it was already submitted)."""
    _check_submittable(state.target, state)


@transaction.atomic
def submit(*, state: TargetState, user: User) -> SurveyTarget:
    """「提出する」: every required document has a file; the submission is then locked.
    After 不備・不足 the additional documents are what must be there, and the dependent goes
    back to review. A second call finds it submitted (SurveyClosed, code "submitted") and
    changes nothing."""
    target = SurveyTarget.objects.select_for_update().get(pk=state.target.pk)
    _check_submittable(target, state)
    resubmission = target.result == SurveyTarget.Result.DEFICIENT
    target.submitted_at = timezone.now()
    target.result = SurveyTarget.Result.PENDING
    target.save(update_fields=["submitted_at", "result"])
    _event(target, user, "再提出" if resubmission else "提出")
    return target


# --- Staff ------------------------------------------------------------------------------------

NOT_SUBMITTED = gettext_lazy(
    "提出されていない調査対象者には、審査結果を登録できません。"
    "回答と書類の提出後に審査してください。"
)


@transaction.atomic
def record_result(
    *,
    target: SurveyTarget,
    result: str,
    reason: str = "",
    additional: Iterable[str] = (),
    deadline=None,
    staff: User | None,
) -> SurveyTarget:
    """DEP-5: 認定 / 不備・不足 (with the documents still needed) / 削除手続き, only for a
    dependent whose answers and documents were submitted. The member sees it on 審査結果 and
    gets a MY mail about it."""
    target = (
        SurveyTarget.objects.select_for_update()
        .select_related("person__household__union", "survey")
        .get(pk=target.pk)
    )
    if target.submitted_at is None:
        raise ValidationError(NOT_SUBMITTED, code="not_submitted")
    names = [name.strip() for name in additional if name.strip()]
    if result == SurveyTarget.Result.DEFICIENT and not (names or reason.strip()):
        raise ValidationError(
            _("不備・不足の場合は、理由または追加必要書類を入力してください。"), code="reason"
        )
    now = timezone.now()
    target.result = result
    target.result_reason = reason.strip()
    target.result_at = now
    target.result_by = staff
    if deadline:
        target.deadline = deadline
    target.save()
    AdditionalDocument.objects.bulk_create(
        AdditionalDocument(target=target, name=name, requested_at=now) for name in names
    )
    _event(
        target,
        staff,
        f"審査結果: {target.get_result_display()}",
        "\n".join(filter(None, [target.result_reason, *names])),
    )
    _notify_result(target, names)
    return target


def _notify_result(target: SurveyTarget, additional: list[str]) -> None:
    """A MY mail to the insured person of the household (notices app)."""
    from notices.services import send_message

    insured = Person.objects.filter(
        household_id=target.person.household_id, role=Person.Role.INSURED
    ).first()
    if insured is None:
        return
    context = {"target": target, "additional": additional}
    subject = " ".join(
        render_to_string("dependents/email/result_mymail_subject.txt", context).split()
    )
    body = render_to_string("dependents/email/result_mymail_body.txt", context)
    send_message(insured, subject, body, sender_label=target.survey.union.name)


def select_targets_by_rules(*, survey: DependentSurvey) -> int:
    """Add every covered dependent the campaign's rules pick; returns how many were added."""
    persons = Person.objects.filter(
        household__union_id=survey.union_id,
        role=Person.Role.DEPENDENT,
        disqualified_on__isnull=True,
    ).exclude(pk__in=survey.targets.values("person_id"))
    chosen = [person for person in persons.iterator() if rules.selected_by_rules(survey, person)]
    SurveyTarget.objects.bulk_create(
        [
            SurveyTarget(survey=survey, person=person, selected_by=SurveyTarget.Selection.RULE)
            for person in chosen
        ],
        ignore_conflicts=True,
    )
    return len(chosen)


# --- Inquiries --------------------------------------------------------------------------------


def create_inquiry(*, union: Union, user: User | None, token: uuid.UUID, data: dict) -> Inquiry:
    """DEP-6: keep the inquiry for staff and mail it to the union. A second post of the same
    form (double click, reload) finds the first and sends nothing more."""
    existing = Inquiry.objects.filter(token=token, union=union).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            inquiry = Inquiry.objects.create(union=union, user=user, token=token, **data)
    except IntegrityError:
        return Inquiry.objects.get(token=token)
    if union.contact_email:
        send_templated_mail(
            to=[union.contact_email],
            template="dependents/email/inquiry",
            context={"inquiry": inquiry},
            union=union,
        )
    else:
        logger.warning("union %s has no contact e-mail; inquiry %s kept only", union.pk, inquiry.pk)
    return inquiry
