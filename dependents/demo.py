"""Demo 被扶養者資格調査: a campaign open now for the kosmo union, with the 山田 household's
spouse and elder child under survey (chosen by the campaign's rules), without answers, and
the 佐藤 household's spouse already answered and submitted by 佐藤 健, waiting for the union's
review (審査中) with her income certificate."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from dependents import queries, services
from dependents.models import (
    Criterion,
    DependentSurvey,
    DocumentRule,
    Faq,
    Question,
    SurveyTarget,
    Upload,
)
from kosmo.models import Person, Union
from kosmo.pdf import render_pdf

DEMO_TITLE = "令和8年度 被扶養者資格調査"

CRITERIA = [
    (
        "収入の基準",
        "被扶養者の年間収入が130万円未満(60歳以上または障害者の場合は180万円未満)であること。"
        "令和7年10月1日から、19歳以上23歳未満の被扶養者(配偶者を除く)の年間収入の基準は"
        "150万円未満です(年齢はその年の12月31日時点で判定します)。"
        "同居の場合は被保険者の年間収入の2分の1未満、別居の場合は被保険者からの仕送り額より"
        "少ないことが必要です。",
    ),
    (
        "同居・別居の基準",
        "配偶者・子・孫・兄弟姉妹・父母・祖父母は別居でも認定されます。"
        "それ以外の三親等内の親族は被保険者と同一世帯であることが必要です。",
    ),
    (
        "生計維持の基準",
        "被扶養者の生計が主として被保険者の収入によって維持されていることが必要です。",
    ),
]

FAQS = [
    (
        "提出期限までに書類がそろわない場合はどうすればよいですか。",
        "お問合せ先にお電話いただくか、お問合せフォームからご連絡ください。",
    ),
    (
        "スマートフォンで撮影した書類を提出できますか。",
        "はい。JPEG・PNG・HEIC形式の画像またはPDFで、1ファイル10MBまで提出できます。"
        "書類の四隅が写るように撮影してください。",
    ),
    (
        "被扶養者の収入が増えた場合はどうすればよいですか。",
        "設問で「いいえ」と回答し、被扶養者異動届(削除)を提出してください。",
    ),
]

# (code, text, help, kind, parent code, parent value, relationships)
QUESTIONS = [
    (
        "meets_criteria",
        "被扶養者は現在も組合の認定基準を満たしていますか？",
        "※「被扶養者資格調査のご案内」の【被扶養者の認定基準】をご確認ください。",
        Question.Kind.YES_NO,
        "",
        "",
        "",
    ),
    (
        "has_income",
        "被扶養者に収入(給与・年金・事業収入など)がありますか？",
        "",
        Question.Kind.YES_NO,
        "meets_criteria",
        "yes",
        "",
    ),
    (
        "annual_income",
        "今後1年間の収入見込額を入力してください。",
        "給与・年金などの合計額(税引き前)を円単位で入力してください。",
        Question.Kind.AMOUNT,
        "has_income",
        "yes",
        "",
    ),
    (
        "lives_together",
        "被保険者と同居していますか？",
        "",
        Question.Kind.YES_NO,
        "meets_criteria",
        "yes",
        "",
    ),
    (
        "is_student",
        "学生ですか？",
        "高校・大学・専門学校などに在学している場合は「はい」を選んでください。",
        Question.Kind.YES_NO,
        "meets_criteria",
        "yes",
        "child,grandchild,sibling",
    ),
]

# (document, description, question code, operator, value, relationships)
RULES = [
    (
        "収入を証明する書類(課税(非課税)証明書)",
        "市区町村が発行する直近の証明書。収入の内訳が記載されたもの。",
        "has_income",
        DocumentRule.Operator.EQUALS,
        "yes",
        "",
    ),
    (
        "給与明細書(直近3か月分)の写し",
        "年間収入見込額が106万円以上の場合に提出してください。",
        "annual_income",
        DocumentRule.Operator.AT_LEAST,
        "1060000",
        "",
    ),
    (
        "仕送りの事実を確認できる書類(振込記録の写し)",
        "直近3か月分。被保険者から被扶養者への送金がわかるもの。",
        "lives_together",
        DocumentRule.Operator.EQUALS,
        "no",
        "",
    ),
    (
        "在学証明書または学生証の写し",
        "学校名・在学期間がわかるもの。学生証は表裏とも。",
        "is_student",
        DocumentRule.Operator.EQUALS,
        "yes",
        "",
    ),
    (
        "被扶養者異動届(削除)",
        "「異動届ダウンロード」から用紙を印刷し、記入したものを提出してください。",
        "meets_criteria",
        DocumentRule.Operator.EQUALS,
        "no",
        "",
    ),
]


def create_survey(
    union: Union,
    *,
    starts_on: dt.date,
    deadline: dt.date,
    ends_on: dt.date,
    title: str = DEMO_TITLE,
    transfer_form: bytes | None = None,
) -> DependentSurvey:
    """A campaign with the demo's criteria, questions, document rules and FAQ; targets are
    chosen by the rules: spouses, children and parents aged 16 or over."""
    survey = DependentSurvey.objects.create(
        union=union,
        title=title,
        starts_on=starts_on,
        deadline=deadline,
        ends_on=ends_on,
        guidance=(
            "健康保険組合では、被扶養者の方が現在も認定基準を満たしているかを確認するため、"
            "毎年被扶養者資格調査を実施しています。\n"
            "対象の被扶養者ごとに設問へ回答し、必要書類を提出期限までに提出してください。"
        ),
        target_relationships="spouse,child,parent",
        target_min_age=16,
    )
    for order, (title_, body) in enumerate(CRITERIA, 1):
        Criterion.objects.create(survey=survey, order=order, title=title_, body=body)
    for order, (question, answer) in enumerate(FAQS, 1):
        Faq.objects.create(survey=survey, order=order, question=question, answer=answer)
    questions: dict[str, Question] = {}
    for order, (code, text, help_text, kind, parent, value, relationships) in enumerate(
        QUESTIONS, 1
    ):
        questions[code] = Question.objects.create(
            survey=survey,
            order=order,
            code=code,
            text=text,
            help_text=help_text,
            kind=kind,
            parent=questions.get(parent),
            parent_value=value,
            relationships=relationships,
        )
    for order, (document, description, code, operator, value, relationships) in enumerate(RULES, 1):
        DocumentRule.objects.create(
            survey=survey,
            order=order,
            document=document,
            description=description,
            question=questions[code],
            operator=operator,
            value=value,
            relationships=relationships,
        )
    if transfer_form is not None:
        survey.transfer_form.save("idou_todoke.pdf", ContentFile(transfer_form), save=True)
    return survey


def _submitted_by_the_sato_household(survey: DependentSurvey) -> None:
    """佐藤 健 answered for his spouse (income ¥900,000) and submitted her certificate."""
    insured = Person.objects.get(
        household__union=survey.union, household__number="10002", branch="00"
    )
    user = User.objects.get(person=insured)
    response = queries.response_for(survey, insured)
    services.pledge(response=response, agreed=True)
    services.mark_guidance_read(response=response)
    services.confirm_insured(response=response)
    [state] = queries.target_states(survey, insured)
    codes = {question.code: question for question in survey.questions.all()}
    answers = {
        "meets_criteria": "yes",
        "has_income": "yes",
        "annual_income": "900000",
        "lives_together": "yes",
    }
    services.save_answers(
        target=state.target,
        questions=codes.values(),
        answers={codes[code].pk: value for code, value in answers.items()},
        user=user,
    )
    [state] = queries.target_states(survey, insured)
    certificate = render_pdf("dependents/demo_certificate_pdf.html", {"person": state.person})
    for document in state.required_documents:
        services.add_upload(
            state=state,
            document=document,
            file=ContentFile(certificate, name="kazei_shoumeisho.pdf"),
            user=user,
        )
    [state] = queries.target_states(survey, insured)
    services.submit(state=state, user=user)


def transfer_form_pdf(union: Union) -> bytes:
    return render_pdf("dependents/transfer_form_pdf.html", {"union": union})


@transaction.atomic
def seed(unions: dict[str, Union]) -> list[str]:
    union = unions.get("kosmo")
    if union is None:
        return []
    for old in DependentSurvey.objects.filter(union=union, title=DEMO_TITLE):
        for upload in Upload.objects.filter(target__survey=old):
            upload.file.delete(save=False)
        if old.transfer_form:
            old.transfer_form.delete(save=False)
        old.delete()
    today = timezone.localdate()
    survey = create_survey(
        union,
        starts_on=today - dt.timedelta(days=7),
        deadline=today + dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=120),
        transfer_form=transfer_form_pdf(union),
    )
    services.select_targets_by_rules(survey=survey)
    _submitted_by_the_sato_household(survey)
    names = SurveyTarget.objects.filter(survey=survey, person__household__number="10001")
    listed = "、".join(target.person.full_name for target in names.select_related("person"))
    deadline = f"{survey.deadline:%Y-%m-%d}"
    return [
        f"  被扶養者資格調査: {union.name} 提出期限 {deadline} (対象: {listed} ほか。"
        "佐藤 美咲は佐藤 健が提出済みで、組合スタッフの審査待ち)"
    ]
