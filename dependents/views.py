"""被扶養者資格調査 (manual §4-17): the insured person's pages, and the contact page."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from pathlib import PurePath

from allauth.core import ratelimit
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.former_members import active_member_required
from dependents import documents, queries, services
from dependents.forms import InquiryForm, QuestionsForm, UploadForm, initial_answers
from dependents.models import Upload
from kosmo import documents as kosmo_documents
from kosmo import downloads
from kosmo.access import feature_required, member_required
from kosmo.storage import STORE_DOWN_UPLOAD, StoreUnavailable, open_stored

FEATURE = "dependent_survey"
INQUIRY_LIMITED = gettext_lazy(
    "短時間に多くのお問合せが送信されました。しばらくしてから送信してください。"
    "お急ぎの場合はお電話にてお問合せください。"
)
SurveyView = Callable[..., HttpResponse]


def _insured_only(request: HttpRequest, status: int) -> HttpResponse:
    return render(request, "dependents/insured_only.html", status=status)


def survey_page(view: SurveyView) -> SurveyView:
    """A page of the survey: the insured member of a household under survey, after the pledge
    (DEP-1: nothing else is reachable before it). The view gets the HouseholdSurvey."""

    @member_required
    @feature_required(FEATURE)
    @active_member_required  # a former member (資格喪失) answers no new survey
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        member = request.member
        if not member.is_insured:
            return _insured_only(request, status=403)
        survey = queries.current_survey(member)
        if survey is None:
            raise Http404("no survey for this household")
        household = queries.household_survey(survey, member)
        if household.response.pledged_at is None:
            return redirect("dependents:index")
        return view(request, household, *args, **kwargs)

    return wrapped


def _contact(request: HttpRequest) -> dict:
    return {"union": request.union}


@member_required
@feature_required(FEATURE)
@active_member_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The pledge until it is given, then the survey TOP with its three steps (DEP-1, DEP-2)."""
    member = request.member
    if not member.is_insured:
        return _insured_only(request, status=200)
    survey = queries.current_survey(member)
    if survey is None:
        return render(request, "dependents/no_survey.html")
    household = queries.household_survey(survey, member)
    if household.response.pledged_at is None:
        return render(request, "dependents/pledge.html", {"survey": survey})
    return render(request, "dependents/top.html", {"household": household})


@member_required
@feature_required(FEATURE)
@active_member_required
@require_POST
def pledge(request: HttpRequest) -> HttpResponse:
    member = request.member
    if not member.is_insured:
        return _insured_only(request, status=403)
    survey = queries.current_survey(member)
    if survey is None:
        raise Http404("no survey for this household")
    answer = request.POST.get("answer")
    if answer not in {"agree", "disagree"}:  # neither button: nothing to record
        return redirect("dependents:index")
    agreed = answer == "agree"
    services.pledge(response=queries.response_for(survey, member), agreed=agreed)
    if not agreed:
        messages.info(
            request,
            _("誓約いただけない場合、被扶養者資格調査にご回答いただけません。"),
        )
        return redirect("home")
    return redirect("dependents:index")


@survey_page
@require_GET
def guide(request: HttpRequest, household: queries.HouseholdSurvey) -> HttpResponse:
    """(1) 被扶養者資格調査のご案内: 実施の要項 and the criteria behind 「+」."""
    services.mark_guidance_read(response=household.response)
    criteria = household.survey.criteria.all()
    return render(request, "dependents/guide.html", {"household": household, "criteria": criteria})


@survey_page
@require_GET
def answer(request: HttpRequest, household: queries.HouseholdSurvey) -> HttpResponse:
    """(2) 回答・必要書類の提出: every dependent's state, STEP1 to STEP4."""
    return render(
        request, "dependents/answer.html", {"household": household, "rows": household.rows()}
    )


@survey_page
@require_http_methods(["GET", "POST"])
def insured(request: HttpRequest, household: queries.HouseholdSurvey) -> HttpResponse:
    """STEP1 被保険者情報確認: the registered data, read-only."""
    if request.method == "POST":
        services.confirm_insured(response=household.response)
        return redirect("dependents:answer")
    return render(
        request, "dependents/insured.html", {"household": household, "person": request.member}
    )


@survey_page
@require_http_methods(["GET", "POST"])
def basic(request: HttpRequest, household: queries.HouseholdSurvey, pk: int) -> HttpResponse:
    """STEP2 基本情報確認 of one dependent."""
    state = queries.target_state(household, pk)
    if not _step2_open(request, household):
        return redirect("dependents:answer")
    if request.method == "POST":
        try:
            services.confirm_basic(target=state.target, user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("dependents:answer")
        return redirect("dependents:questions", pk)
    return render(request, "dependents/basic.html", {"household": household, "state": state})


@survey_page
@require_http_methods(["GET", "POST"])
def questions(request: HttpRequest, household: queries.HouseholdSurvey, pk: int) -> HttpResponse:
    """STEP2 設問: はい/いいえ and their follow-ups; answers are kept and can be changed until
    the dependent's documents are submitted."""
    state = queries.target_state(household, pk)
    if not _step2_open(request, household):
        return redirect("dependents:answer")
    if state.target.answering_locked:
        # Submitted answers are final: show them read-only rather than a form that would refuse.
        messages.error(request, _("提出済みのため、回答を変更できません。"))
        return redirect("dependents:answers", pk)
    if state.target.basic_confirmed_at is None:
        return redirect("dependents:basic", pk)
    asked = state.asked_questions
    form = QuestionsForm(
        request.POST if request.method == "POST" else None,
        questions=asked,
        initial=initial_answers(asked, state.answers),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_answers(
                target=state.target, questions=asked, answers=form.answers, user=request.user
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("dependents:answer")
        messages.success(
            request, _("%(name)s さんの回答を保存しました。") % {"name": state.person.full_name}
        )
        return redirect("dependents:answer")
    return render(
        request,
        "dependents/questions.html",
        {"household": household, "state": state, "form": form},
    )


@survey_page
@require_GET
def answers(request: HttpRequest, household: queries.HouseholdSurvey, pk: int) -> HttpResponse:
    """調査回答確認: the answers given for one dependent, read-only."""
    state = queries.target_state(household, pk)
    return render(request, "dependents/answers.html", {"household": household, "state": state})


def _step2_open(request: HttpRequest, household: queries.HouseholdSurvey) -> bool:
    if household.response.insured_confirmed_at is not None:
        return True
    messages.error(request, _("先にSTEP1の被保険者情報確認を完了してください。"))
    return False


def _step3_open(request: HttpRequest, household: queries.HouseholdSurvey) -> bool:
    if household.all_answered:
        return True
    messages.error(request, _("すべての対象者への回答完了後にSTEP3へ進むことができます。"))
    return False


@survey_page
@require_GET
def required_documents(request: HttpRequest, household: queries.HouseholdSurvey) -> HttpResponse:
    """STEP3 必要書類確認・ダウンロード: per dependent, with deadlines."""
    if not _step3_open(request, household):
        return redirect("dependents:answer")
    return render(request, "dependents/documents.html", {"household": household})


@survey_page
@require_POST
def required_documents_pdf(
    request: HttpRequest, household: queries.HouseholdSurvey
) -> HttpResponse:
    """「必要書類一覧PDFダウンロード」: rendered in the background, then its status page."""
    if not _step3_open(request, household):
        return redirect("dependents:answer")
    job = kosmo_documents.request_document(
        owner=request.user,
        kind=documents.KIND,
        params=documents.params_for(household),
    )
    return redirect("document_status", job.pk)


def _file_response(field_file, filename: str, content_type: str, *, inline: bool) -> FileResponse:
    response = FileResponse(
        open_stored(field_file.storage, field_file.name),  # 404 if gone, 503 if unreachable
        as_attachment=not inline,
        filename=filename,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def serve_upload(upload: Upload) -> FileResponse:
    """An uploaded file, shown in the browser (PDF and images) and never cached."""
    return _file_response(upload.file, upload.original_name, upload.content_type, inline=True)


@survey_page
@require_GET
def transfer_form(request: HttpRequest, household: queries.HouseholdSurvey) -> HttpResponse:
    """「異動届ダウンロード」: the form file the union uploaded."""
    form_file = household.survey.transfer_form
    if not form_file:
        raise Http404("no transfer form")
    stored = PurePath(form_file.name).name
    response = _file_response(form_file, stored, "application/octet-stream", inline=False)
    # Named as the manual names it, with the uploaded file's extension (.pdf, .xlsx …).
    name = f"被扶養者異動届{PurePath(stored).suffix}"
    response["Content-Disposition"] = downloads.attachment(name, fallback=stored)
    return response


@survey_page
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, household: queries.HouseholdSurvey, pk: int) -> HttpResponse:
    """STEP4 書類アップロード for one dependent (from a phone or a PC), then 「提出する」."""
    state = queries.target_state(household, pk)
    if not state.answered:
        messages.error(request, _("設問への回答を完了してから書類をアップロードしてください。"))
        return redirect("dependents:answer")
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        documents=state.required_documents,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_upload(
                state=state,
                document=form.document_choice,
                file=form.cleaned_data["file"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except StoreUnavailable:
            form.add_error("file", STORE_DOWN_UPLOAD)
        else:
            messages.success(request, _("書類をアップロードしました。"))
            return redirect("dependents:upload", pk)
    return render(
        request,
        "dependents/upload.html",
        {"household": household, "state": state, "form": form},
        status=400 if form.errors else 200,
    )


@member_required
@feature_required(FEATURE)
@require_GET
def upload_file(request: HttpRequest, pk: int) -> HttpResponse:
    """An uploaded file, for the insured member of its household only."""
    return serve_upload(queries.upload_for_member(request.member, pk))


@survey_page
@require_POST
def upload_delete(request: HttpRequest, household: queries.HouseholdSurvey, pk: int):
    uploaded = queries.upload_for_member(request.member, pk)
    queries.target_state(household, uploaded.target_id)  # of this household's current survey
    try:
        services.delete_upload(upload=uploaded, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("書類を削除しました。"))
    return redirect("dependents:upload", uploaded.target_id)


@survey_page
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, household: queries.HouseholdSurvey, pk: int) -> HttpResponse:
    """「提出する」 cannot be undone, so it has two steps: a page listing what will be submitted
    (the answers and each document's files) with 「提出する」 and 「戻る」, then the post that
    locks them. A second post (double click, back and again) finds it done and says so."""
    state = queries.target_state(household, pk)
    try:
        if request.method == "GET":
            services.check_submittable(state=state)
            return render(
                request, "dependents/submit_confirm.html", {"household": household, "state": state}
            )
        services.submit(state=state, user=request.user)
    except ValidationError as error:
        if error.code == "submitted":
            messages.info(
                request,
                _("%(name)s さんの書類は提出済みです。審査結果をお待ちください。")
                % {"name": state.person.full_name},
            )
            return redirect("dependents:answer")
        messages.error(request, error.messages[0])
        return redirect("dependents:upload", pk)
    messages.success(
        request, _("%(name)s さんの書類を提出しました。") % {"name": state.person.full_name}
    )
    return redirect("dependents:answer")


@survey_page
@require_GET
def results(request: HttpRequest, household: queries.HouseholdSurvey) -> HttpResponse:
    """(3) 審査結果: per dependent, with 追加必要書類 and 削除手続き."""
    if not household.any_submitted:
        messages.error(request, _("設問への回答後、審査期間を経て確認可能となります。"))
        return redirect("dependents:index")
    page = render(request, "dependents/results.html", {"household": household})
    services.results_seen(response=household.response)
    return page


@feature_required(FEATURE)
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    """DEP-6 お問合せ: phone and hours, よくある質問, and the web form with a confirm step.
    No login needed (manual §4-17 (3)-1)."""
    faqs = queries.contact_faqs(request.union, getattr(request, "member", None))
    step = request.POST.get("step", "")
    limited = False
    if request.method == "POST":
        form = InquiryForm(request.POST)
        if form.is_valid():
            if step == "send":
                # Each inquiry mails the union: per client address (ACCOUNT_RATE_LIMITS).
                if ratelimit.consume(request, action="dependents_inquiry"):
                    services.create_inquiry(
                        union=request.union,
                        user=request.user if request.user.is_authenticated else None,
                        token=form.cleaned_data["token"],
                        data=form.inquiry_data(),
                    )
                    return redirect("dependents:contact_sent")
                form.add_error(None, INQUIRY_LIMITED)
                limited = True
            if step == "confirm":
                return render(request, "dependents/contact_confirm.html", {"form": form})
    else:
        form = InquiryForm(initial=_inquiry_initial(request))
    status = 429 if limited else 400 if form.errors else 200
    return render(request, "dependents/contact.html", {"form": form, "faqs": faqs}, status=status)


def _inquiry_initial(request: HttpRequest) -> dict:
    initial: dict = {"token": uuid.uuid4()}
    member = getattr(request, "member", None)
    if member is not None:
        initial.update(
            name=member.full_name,
            insurance_number=f"{member.household.symbol}-{member.household.number}",
            email=request.user.email,
        )
    return initial


@feature_required(FEATURE)
@require_GET
def contact_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "dependents/contact_sent.html")
