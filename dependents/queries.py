"""Read side: the survey a member's household is under, and each dependent's progress.

Everything starts from the signed-in member's household; a target, upload or answer outside
it is a 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dependents import rules
from dependents.models import (
    AdditionalDocument,
    Answer,
    DependentSurvey,
    DocumentRule,
    Faq,
    HouseholdResponse,
    Question,
    SurveyTarget,
    TargetEvent,
    Upload,
)
from kosmo.models import Person, Union


def current_survey(member: Person) -> DependentSurvey | None:
    """The newest open campaign of the member's union that has dependents of this household
    under survey."""
    return (
        DependentSurvey.objects.open_on(timezone.localdate())
        .filter(
            union_id=member.household.union_id, targets__person__household_id=member.household_id
        )
        .order_by("-starts_on", "-pk")
        .first()
    )


def response_for(survey: DependentSurvey, member: Person) -> HouseholdResponse:
    response, _created = HouseholdResponse.objects.get_or_create(
        survey=survey, household_id=member.household_id
    )
    return response


@dataclass
class TargetState:
    """One dependent under survey with what the pages need to say about them."""

    target: SurveyTarget
    questions: list[Question]
    rules: list[DocumentRule]
    answers: dict[int, str] = field(default_factory=dict)

    @property
    def person(self) -> Person:
        return self.target.person

    @cached_property
    def uploads(self) -> list[Upload]:
        return list(self.target.uploads.all())

    @cached_property
    def asked_questions(self) -> list[Question]:
        return rules.questions_for(self.questions, self.person)

    @cached_property
    def required_documents(self) -> list[rules.RequiredDocument]:
        if self.target.answered_at is None:
            return []
        return rules.required_documents(
            self.rules, self.person, self.answers, self.target.additional_documents.all()
        )

    @cached_property
    def documents_with_uploads(self) -> list[tuple[rules.RequiredDocument, list[Upload]]]:
        return [
            (document, [upload for upload in self.uploads if _upload_is_for(upload, document)])
            for document in self.required_documents
        ]

    @property
    def documents_for_page(self) -> list[tuple[rules.RequiredDocument, list[tuple[Upload, bool]]]]:
        """Each document with its files, and whether the member may still delete each file
        (not once it was submitted)."""
        target = self.target
        open_ = not target.uploads_locked and not target.past_deadline()
        return [
            (document, [(u, open_ and added_after_submission(u, target)) for u in uploads])
            for document, uploads in self.documents_with_uploads
        ]

    @property
    def missing_documents(self) -> list[rules.RequiredDocument]:
        """Documents still without a file; after 不備・不足 only the additional ones count."""
        deficient = self.target.result == SurveyTarget.Result.DEFICIENT
        return [
            document
            for document, uploads in self.documents_with_uploads
            if not uploads and (document.is_additional or not deficient)
        ]

    @property
    def additional_documents(self) -> list[rules.RequiredDocument]:
        return [document for document in self.required_documents if document.is_additional]

    @property
    def answer_status(self) -> str:
        """STEP2 ステータス: 未回答 → 回答中 (基本情報確認済み) → 完了."""
        if self.target.answered_at:
            return _("完了")
        if self.target.basic_confirmed_at:
            return _("回答中")
        return _("未回答")

    @property
    def answered(self) -> bool:
        return self.target.answered_at is not None

    def answer_rows(self) -> list[tuple[Question, str]]:
        """The questions that were asked, with the answers as the member saw them."""
        by_id = {question.pk: question for question in self.asked_questions}
        rows = []
        for question in self.asked_questions:
            if question.pk in self.answers and rules.is_asked(question, self.answers, by_id):
                rows.append((question, display_answer(question, self.answers[question.pk])))
        return rows


def added_after_submission(upload: Upload, target: SurveyTarget) -> bool:
    """A file not yet submitted (the member may still delete it)."""
    return target.submitted_at is None or upload.uploaded_at > target.submitted_at


def _upload_is_for(upload: Upload, document: rules.RequiredDocument) -> bool:
    if document.additional_id is not None:
        return upload.additional_id == document.additional_id
    return upload.additional_id is None and upload.rule_id == document.rule_id


# 回答状況 and 審査結果 as staff see them: a result is only shown once the target submitted
# (before that every target's stored result is the default 「審査中」).
PROGRESS = {
    "not_answered": (
        _("未回答"),
        Q(submitted_at__isnull=True, basic_confirmed_at__isnull=True, answered_at__isnull=True),
    ),
    "answering": (
        _("回答中"),
        Q(submitted_at__isnull=True)
        & (Q(basic_confirmed_at__isnull=False) | Q(answered_at__isnull=False)),
    ),
    "submitted": (_("提出済み"), Q(submitted_at__isnull=False)),
}
REVIEW = {
    result.value: (
        result.label,
        Q(result=result.value, submitted_at__isnull=False)
        if result == SurveyTarget.Result.PENDING
        else Q(result=result.value),
    )
    for result in SurveyTarget.Result
}


ANSWERS_EVENT = "設問回答"  # the action services.save_answers records


def progress_of(target: SurveyTarget) -> str:
    """未回答 → 回答中 (基本情報確認 or answers given) → 提出済み."""
    if target.submitted_at:
        return str(_("提出済み"))
    if target.basic_confirmed_at or target.answered_at:
        return str(_("回答中"))
    return str(_("未回答"))


def review_of(target: SurveyTarget) -> str:
    """The 審査結果 label, or "" while the target has not submitted (and none was recorded)."""
    if target.submitted_at is None and target.result == SurveyTarget.Result.PENDING:
        return ""
    return str(target.get_result_display())


def event_detail(event: TargetEvent, questions: dict[str, Question]) -> str:
    """An audit row's detail for staff: a 「設問回答」 row's `code=value` pairs read as the
    questions and answers the member saw (「設問: はい」), one per line."""
    if event.action != ANSWERS_EVENT or not questions or not event.detail:
        return event.detail
    codes = "|".join(re.escape(code) for code in sorted(questions, key=len, reverse=True))
    pairs = list(re.finditer(rf"(?:^|, )({codes})=", event.detail))
    if not pairs or pairs[0].start() != 0:
        return event.detail
    lines = []
    for match, following in zip(pairs, [*pairs[1:], None], strict=True):
        end = following.start() if following else len(event.detail)
        question = questions[match.group(1)]
        value = event.detail[match.end() : end]
        lines.append(f"{question.text}: {_displayed(question, value)}")
    return "\n".join(lines)


def _displayed(question: Question, value: str) -> str:
    try:
        return display_answer(question, value)
    except ValueError:  # an amount that is not a number: shown as given
        return value


def display_answer(question: Question, value: str) -> str:
    if question.kind == Question.Kind.YES_NO:
        return str(_("はい") if value == rules.YES else _("いいえ"))
    if question.kind == Question.Kind.AMOUNT:
        return f"{int(value):,}円"
    return value


@dataclass
class HouseholdSurvey:
    """The whole survey as one household sees it."""

    survey: DependentSurvey
    response: HouseholdResponse
    targets: list[TargetState]

    @property
    def all_answered(self) -> bool:
        return self.response.insured_confirmed_at is not None and all(
            state.answered for state in self.targets
        )

    @property
    def any_submitted(self) -> bool:
        return any(state.target.submitted_at for state in self.targets)

    @property
    def all_submitted(self) -> bool:
        return all(state.target.submitted_at for state in self.targets)

    @property
    def results_updated(self) -> bool:
        """「審査結果が更新されました」: a result newer than the member's last look."""
        seen = self.response.results_seen_at
        return any(
            state.target.result_at and (seen is None or state.target.result_at > seen)
            for state in self.targets
        )

    @property
    def any_result(self) -> bool:
        return any(state.target.result_at for state in self.targets)

    def step2_state(self) -> str:
        if self.all_submitted:
            return _("提出済み")
        if (
            self.any_submitted
            or self.response.insured_confirmed_at
            or any(state.target.basic_confirmed_at for state in self.targets)
        ):
            return _("回答中")
        return _("未回答")

    def step3_state(self) -> str:
        if self.any_result:
            return _("審査結果あり")
        if self.any_submitted:
            return _("審査中")
        return _("未提出")

    def rows(self) -> list[tuple[TargetState, str]]:
        return [(state, self.progress_message(state)) for state in self.targets]

    def progress_message(self, state: TargetState) -> str:
        """調査状況: what the member should do next for this dependent."""
        target = state.target
        if target.result == SurveyTarget.Result.DEFICIENT and target.result_at:
            return _(
                "STEP4へ進んで追加必要書類をアップロードして「提出する」ボタンをクリックしてください。"
            )
        if target.submitted_at:
            if target.result_at and target.result != SurveyTarget.Result.PENDING:
                return _("審査が完了しました。審査結果をご確認ください。")
            return _("提出済みです。審査結果をお待ちください。")
        if not self.all_answered:
            return _(
                "STEP1-2に回答してください。すべての対象者への回答完了後にSTEP3へ進むことができます。"
            )
        return _("STEP3へ進んで必要書類を提出してください。")


def household_survey(survey: DependentSurvey, member: Person) -> HouseholdSurvey:
    """The survey, the household's response and every dependent under survey, in a fixed
    number of queries."""
    response = response_for(survey, member)
    return HouseholdSurvey(survey, response, target_states(survey, member))


def target_states(survey: DependentSurvey, member: Person) -> list[TargetState]:
    questions = list(survey.questions.all())
    document_rules = list(survey.document_rules.all())
    targets = (
        SurveyTarget.objects.filter(survey=survey, person__household_id=member.household_id)
        .select_related("person", "survey")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.only("target_id", "question_id", "value")),
            Prefetch("uploads", queryset=Upload.objects.order_by("uploaded_at", "pk")),
            Prefetch("additional_documents", queryset=AdditionalDocument.objects.all()),
        )
        .order_by("person__branch")
    )
    return [
        TargetState(
            target,
            questions,
            document_rules,
            {answer.question_id: answer.value for answer in target.answers.all()},
        )
        for target in targets
    ]


def target_state(household: HouseholdSurvey, pk: int) -> TargetState:
    """One dependent of the household's survey by id; anyone else's is a 404."""
    for state in household.targets:
        if state.target.pk == pk:
            return state
    raise Http404("no such target in this household")


def contact_faqs(union: Union, member: Person | None) -> QuerySet[Faq]:
    """よくある質問 on the contact page: those of the member's current survey, else those of
    the union's newest published survey."""
    survey = current_survey(member) if member is not None else None
    if survey is not None:
        return survey.faqs.all()
    latest = (
        Faq.objects.filter(survey__union=union, survey__published=True)
        .order_by("-survey__starts_on")
        .values_list("survey_id", flat=True)
        .first()
    )
    return Faq.objects.filter(survey_id=latest)


def upload_for_member(member: Person, pk: int) -> Upload:
    """An uploaded file of the member's own household (the insured person only)."""
    upload = (
        Upload.objects.filter(
            pk=pk,
            target__person__household_id=member.household_id,
            target__survey__union_id=member.household.union_id,
        )
        .select_related("target__survey")
        .first()
    )
    if upload is None or not member.is_insured:
        raise Http404("no such upload")
    return upload
