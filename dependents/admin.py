"""Staff screens: campaigns with their rules, the dependents under survey with the review
(DEP-5), uploaded files through an authorising view, and the web inquiries."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.services import record_staff_look
from dependents import queries, services
from dependents.forms import SurveyAdminForm
from dependents.models import (
    Criterion,
    DependentSurvey,
    DocumentRule,
    Faq,
    Inquiry,
    Question,
    SurveyTarget,
    Upload,
)
from dependents.views import serve_upload
from kosmo.admin import UnionScopedAdmin, UnionScopedInlineMixin
from kosmo.models import Person


def _staff_union_id(request) -> int | None:
    return request.user.union_id


class CriterionInline(UnionScopedInlineMixin, admin.StackedInline):
    model = Criterion
    extra = 0


class FaqInline(UnionScopedInlineMixin, admin.StackedInline):
    model = Faq
    extra = 0


class SameSurveyQuestionsMixin:
    """A follow-up's parent and a rule's question are chosen among this survey's questions
    only (never another union's)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in {"parent", "question"}:
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Question.objects.filter(survey_id=object_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class QuestionInline(SameSurveyQuestionsMixin, UnionScopedInlineMixin, admin.TabularInline):
    model = Question
    extra = 0
    fields = [
        "order",
        "code",
        "text",
        "help_text",
        "kind",
        "choices",
        "parent",
        "parent_value",
        "relationships",
    ]


class DocumentRuleInline(SameSurveyQuestionsMixin, UnionScopedInlineMixin, admin.TabularInline):
    model = DocumentRule
    extra = 0
    fields = ["order", "document", "description", "question", "operator", "value", "relationships"]


@admin.register(DependentSurvey)
class DependentSurveyAdmin(UnionScopedAdmin):
    form = SurveyAdminForm  # the 異動届 checked by its content before it is stored
    list_display = [
        "title",
        "union",
        "starts_on",
        "deadline",
        "ends_on",
        "published",
        "target_count",
    ]
    # RelatedOnlyFieldListFilter: the filter lists only what the staff member's queryset holds,
    # never another union's names or campaign titles.
    list_filter = ["published", ("union", admin.RelatedOnlyFieldListFilter)]
    inlines = [CriterionInline, QuestionInline, DocumentRuleInline, FaqInline]
    actions = ["select_by_rules"]
    fieldsets = [
        (None, {"fields": ["union", "title", "starts_on", "deadline", "ends_on", "published"]}),
        (_("ご案内"), {"fields": ["guidance", "transfer_form"]}),
        (
            _("調査対象者の選定ルール"),
            {
                "fields": [
                    "target_relationships",
                    "target_min_age",
                    "target_max_age",
                    "age_reference_date",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("union")
            .annotate(_targets=Count("targets"))
        )

    @admin.display(description=_("調査対象者数"), ordering="_targets")
    def target_count(self, survey):
        return survey._targets

    @admin.action(description=_("選定ルールで調査対象者を追加する"), permissions=["change"])
    def select_by_rules(self, request, queryset):
        for survey in queryset:
            added = services.select_targets_by_rules(survey=survey)
            self.message_user(
                request,
                _("%(survey)s: %(count)d人を調査対象者に追加しました。")
                % {"survey": survey, "count": added},
                messages.SUCCESS,
            )


class ReviewForm(forms.ModelForm):
    """The staff member's review: the result, a reason, and documents still needed."""

    additional = forms.CharField(
        label=_("追加必要書類"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不備・不足のとき、追加で提出してほしい書類を1行に1つ入力します。"),
    )

    class Meta:
        model = SurveyTarget
        fields = ["survey", "person", "deadline", "result", "result_reason"]

    def clean(self):
        cleaned = super().clean()
        result = cleaned.get("result")
        reviewing = (
            "result" in self.changed_data
            or "result_reason" in self.changed_data
            or cleaned.get("additional", "").strip()
        )
        if self.instance.pk and self.instance.submitted_at is None and reviewing:
            # 認定 / 不備・不足 / 削除手続き judge what was submitted (DEP-5).
            raise ValidationError(services.NOT_SUBMITTED)
        if (
            result == SurveyTarget.Result.DEFICIENT
            and not cleaned.get("additional", "").strip()
            and not cleaned.get("result_reason", "").strip()
        ):
            raise ValidationError(
                _("不備・不足の場合は、理由または追加必要書類を入力してください。")
            )
        return cleaned


class ProgressFilter(admin.SimpleListFilter):
    title = _("回答状況")
    parameter_name = "progress"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _q) in queries.PROGRESS.items()]

    def queryset(self, request, queryset):
        if self.value() in queries.PROGRESS:
            return queryset.filter(queries.PROGRESS[self.value()][1])
        return queryset


class ReviewFilter(admin.SimpleListFilter):
    """審査結果; 「審査中」 is a submitted target without a result yet (not one who never
    answered)."""

    title = _("審査結果")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _q) in queries.REVIEW.items()]

    def queryset(self, request, queryset):
        if self.value() in queries.REVIEW:
            return queryset.filter(queries.REVIEW[self.value()][1])
        return queryset


@admin.register(SurveyTarget)
class SurveyTargetAdmin(UnionScopedAdmin):
    union_path = "survey__union"
    form = ReviewForm
    list_display = [
        "person",
        "household",
        "survey",
        "progress",
        "submitted_at",
        "review",
        "result_at",
    ]
    list_filter = [
        ProgressFilter,
        ReviewFilter,
        ("survey", admin.RelatedOnlyFieldListFilter),
        "selected_by",
    ]
    list_select_related = ["person__household", "survey"]
    search_fields = [
        "person__family_name",
        "person__given_name",
        "person__family_name_kana",
        "person__household__number",
    ]
    autocomplete_fields = ["person"]
    readonly_fields = [
        "selected_by",
        "basic_confirmed_at",
        "answered_at",
        "submitted_at",
        "result_at",
        "result_by",
        "answers_given",
        "required_and_uploaded",
        "history",
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["survey", "person", "deadline"]})]
        return [
            (None, {"fields": ["survey", "person", "selected_by", "deadline"]}),
            (
                _("回答状況"),
                {
                    "fields": [
                        "basic_confirmed_at",
                        "answered_at",
                        "submitted_at",
                        "answers_given",
                        "required_and_uploaded",
                    ]
                },
            ),
            (
                _("審査"),
                {
                    "fields": ["result", "result_reason", "additional", "result_at", "result_by"],
                    "description": ""
                    if obj.submitted_at
                    else _("まだ提出されていません。回答と書類の提出後に審査できます。"),
                },
            ),
            (_("操作履歴"), {"fields": ["history"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None:
            fields += ["survey", "person"]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        union_id = _staff_union_id(request)
        if union_id is not None:
            if db_field.name == "survey":
                kwargs["queryset"] = DependentSurvey.objects.filter(union_id=union_id)
            if db_field.name == "person":
                kwargs["queryset"] = Person.objects.filter(
                    household__union_id=union_id, role=Person.Role.DEPENDENT
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("世帯"))
    def household(self, target):
        return target.person.household

    @admin.display(description=_("回答状況"))
    def progress(self, target):
        return queries.progress_of(target)

    @admin.display(description=_("審査結果"), ordering="result")
    def review(self, target):
        return queries.review_of(target) or self.get_empty_value_display()

    def _state(self, target) -> queries.TargetState:
        if not hasattr(target, "_review_state"):
            states = queries.target_states(target.survey, target.person)
            target._review_state = next(s for s in states if s.target.pk == target.pk)
        return target._review_state

    @admin.display(description=_("回答内容"))
    def answers_given(self, target):
        rows = self._state(target).answer_rows()
        if not rows:
            return "-"
        return format_html_join("", "<p>{}<br><strong>{}</strong></p>", rows)

    @admin.display(description=_("必要書類と提出ファイル"))
    def required_and_uploaded(self, target):
        state = self._state(target)
        parts = []
        for document, uploads in state.documents_with_uploads:
            links = format_html_join(
                "、",
                '<a href="{}" target="_blank" rel="noopener">{}</a>',
                (
                    (reverse("admin:dependents_upload_file", args=[u.pk]), u.original_name)
                    for u in uploads
                ),
            )
            parts.append(format_html("<li>{}: {}</li>", document.name, links or _("未提出")))
        if not parts:
            return "-"
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((p,) for p in parts)))

    @admin.display(description=_("操作履歴"))
    def history(self, target):
        """Each audit row in Japan time (as every other time on the page), answers with their
        questions' wording."""
        events = target.events.select_related("actor")
        questions = {question.code: question for question in target.survey.questions.all()}
        return (
            format_html_join(
                "",
                "<p>{} {} {}<br>{}</p>",
                (
                    (
                        f"{timezone.localtime(e.at):%Y-%m-%d %H:%M}",
                        e.action,
                        e.actor or "",
                        linebreaksbr(queries.event_detail(e, questions), autoescape=True),
                    )
                    for e in events
                ),
            )
            or "-"
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.selected_by = SurveyTarget.Selection.STAFF
            super().save_model(request, obj, form, change)
            return
        result_changed = {"result", "result_reason"} & set(form.changed_data)
        additional = form.cleaned_data.get("additional", "").splitlines()
        if result_changed or any(line.strip() for line in additional):
            deadline = obj.deadline
            obj.save(update_fields=["deadline"])
            services.record_result(
                target=obj,
                result=obj.result,
                reason=obj.result_reason,
                additional=additional,
                deadline=deadline,
                staff=request.user,
            )
        else:
            super().save_model(request, obj, form, change)


@admin.register(Upload)
class UploadAdmin(UnionScopedAdmin):
    """Uploaded files are read-only for staff; the file opens through `file/`, scoped to the
    staff member's union."""

    union_path = "target__survey__union"
    list_display = [
        "document",
        "person",
        "original_name",
        "kind",
        "size",
        "uploaded_at",
        "file_link",
    ]
    list_select_related = ["target__person"]
    list_filter = ["kind", ("target__survey", admin.RelatedOnlyFieldListFilter)]
    readonly_fields = [
        "target",
        "document",
        "original_name",
        "kind",
        "size",
        "uploaded_at",
        "uploaded_by",
        "file_link",
    ]
    fields = readonly_fields

    @admin.display(description=_("調査対象者"))
    def person(self, upload):
        return upload.target.person

    @admin.display(description=_("ファイル"))
    def file_link(self, upload):
        url = reverse("admin:dependents_upload_file", args=[upload.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("表示"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(self.file_view)
        return [path("<int:pk>/file/", view, name="dependents_upload_file"), *super().get_urls()]

    def file_view(self, request, pk: int):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        upload = get_object_or_404(self.get_queryset(request), pk=pk)
        # Shown to the member who submitted the document (the insured answers the survey).
        record_staff_look(
            staff=request.user,
            person=upload.target.person,
            subject="survey",
            request=request,
            account=upload.uploaded_by if upload.uploaded_by_id else None,
        )
        return serve_upload(upload)


@admin.register(Inquiry)
class InquiryAdmin(UnionScopedAdmin):
    list_display = ["created_at", "topic", "name", "email", "union"]
    list_select_related = ["union"]
    list_filter = ["topic"]
    search_fields = ["name", "email", "body"]
    readonly_fields = [
        "union",
        "user",
        "topic",
        "name",
        "insurance_number",
        "email",
        "phone",
        "body",
        "created_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
