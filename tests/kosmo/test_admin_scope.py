"""Every admin screen a union's staff member opens covers their union only.

The walk goes through every ModelAdmin registered on the admin site, as a staff member of union
A holding every permission, with a row of union B (and one of A) for each model: the list,
its filter sidebar and facets, the popup a raw-id field opens, the add page's choices, B's
change / history / delete pages, the delete action on B's row and each autocomplete. Every
string of union B carries 「よそ」 or `yoso`; none of them may reach the page.

A model registered in admin without a maker below fails `test_every_admin_is_walked`: a new
admin is covered (or consciously made operator-only) before it ships.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import SecurityEvent, TermsConsent, TermsVersion, User
from benefits.models import BenefitImport
from checkup.models import Checkup, CheckupImport, CriteriaOverride
from dependents.models import DependentSurvey, Inquiry, SurveyTarget, Upload
from eligibility.models import AddressChangeRequest, OrganDonationIntent
from kosmo.models import Household, Person, Union
from mfa.models import AuthenticatorApp, EmailCodeDevice, PasskeyDevice
from notices.models import FaqCategory, GuideSection, Message, Reply
from tests import factories
from tests.benefits.factories import BenefitPaymentFactory, BenefitTypeFactory
from tests.checkup.factories import ColumnFactory
from tests.eligibility.factories import CertificateFactory
from tests.kosmo.test_admin_japanese import not_japanese
from tests.notices.factories import BroadcastFactory, NoticeFactory
from wellness.challenges.models import PresetChallenge, Stage
from wellness.club import models as club
from wellness.club import services as club_services
from wellness.diary import models as diary
from wellness.missions.models import BonusMission, DailyMission, Prize, RankThreshold
from wellness.points import models as points
from wellness.records.models import ItemOverride, StepImport
from wellness.walking import models as walking
from wellness.walking import services as walking_services

# Union B's strings: every name, title, user ID and address of B holds one of these.
B_MARKS = ("よそ", "yoso")

# Shared by every union (roles): only an operator sees them; union staff get 403.
OPERATOR_ONLY = {"auth.Group"}


@dataclass
class Side:
    """One union's people: `tag` goes into every text it owns, `ascii` into IDs."""

    tag: str
    ascii: str
    union: Union
    household: Household
    insured: Person
    dependent: Person
    member: User
    staff: User


def make_side(tag: str, ascii_tag: str, **union_fields) -> Side:
    union = factories.UnionFactory(**union_fields)
    household = factories.HouseholdFactory(union=union)
    insured = factories.PersonFactory(household=household, family_name=f"{tag}川")
    dependent = factories.DependentFactory(household=household, family_name=f"{tag}川")
    member = factories.UserFactory(username=f"{ascii_tag}_member", person=insured)
    staff = factories.StaffFactory(username=f"{ascii_tag}_staff", union=union)
    return Side(tag, ascii_tag, union, household, insured, dependent, member, staff)


def _survey(s: Side) -> DependentSurvey:
    survey, _ = DependentSurvey.objects.get_or_create(
        union=s.union,
        title=f"{s.tag}の被扶養者資格調査",
        defaults={
            "starts_on": dt.date(2026, 4, 1),
            "deadline": dt.date(2026, 12, 31),
            "ends_on": dt.date(2027, 3, 31),
        },
    )
    return survey


def _target(s: Side) -> SurveyTarget:
    target, _ = SurveyTarget.objects.get_or_create(survey=_survey(s), person=s.dependent)
    return target


def _checkup(s: Side):
    checkup, _ = Checkup.objects.get_or_create(
        person=s.insured,
        exam_date=dt.date(2025, 6, 14),
        defaults={"household": s.household, "institution": f"{s.tag}健診センター"},
    )
    return checkup


def _message(s: Side) -> Message:
    return Message.objects.create(
        union=s.union, recipient=s.insured, subject=f"{s.tag}へのMYメール", body="本文"
    )


def _email_device(s: Side) -> EmailCodeDevice:
    device = EmailCodeDevice.objects.get(user=s.member)
    device.name = f"{s.tag}のメール"
    device.save()
    return device


def _stage(s: Side) -> Stage:
    stage, _ = Stage.objects.get_or_create(union=s.union, name=f"{s.tag}のステージ")
    return stage


def _article(s: Side) -> club.Article:
    supporter = club.Supporter.objects.create(
        union=s.union, name=f"{s.tag}先生", title="管理栄養士", profile=f"{s.tag}の専門家です。"
    )
    return club.Article.objects.create(
        union=s.union,
        category=club.Category.HEALTHCARE,
        title=f"{s.tag}の健康記事",
        body=f"<p>{s.tag}の本文</p>",
        supporter=supporter,
    )


def _point_item(s: Side) -> points.Item:
    return points.Item.objects.create(
        union=s.union, kind=points.Item.Kind.GOODS, name=f"{s.tag}のタオル", points=500, stock=3
    )


def _diary_post(s: Side) -> diary.DiaryPost:
    post = diary.DiaryPost.objects.filter(union=s.union, author=s.insured).first()
    return post or diary.DiaryPost.objects.create(
        union=s.union, author=s.insured, body=f"{s.tag}の健康日記", token=uuid.uuid4()
    )


def _walking_event(s: Side) -> walking.WalkingEvent:
    event, _ = walking.WalkingEvent.objects.get_or_create(
        union=s.union,
        title=f"{s.tag}の歩Fes.",
        defaults={
            "entry_start": dt.date(2026, 10, 1),
            "entry_end": dt.date(2026, 10, 31),
            "start_on": dt.date(2026, 11, 1),
            "end_on": dt.date(2026, 11, 30),
            "course": walking.Course.objects.create(union=s.union, name=f"{s.tag}の道"),
        },
    )
    return event


def _walking_team(s: Side) -> walking.Team:
    team, _ = walking.Team.objects.get_or_create(
        event=_walking_event(s),
        name=f"{s.tag}チーム",
        defaults={"emblem": walking.Emblem.SHOE, "code": f"{s.ascii[:4]}01"},
    )
    return team


# One row of each registered model for a union's side; the row's texts carry the side's tag.
MAKERS: dict[str, Callable[[Side], object]] = {
    "kosmo.Union": lambda s: s.union,
    "kosmo.Household": lambda s: s.household,
    "kosmo.Person": lambda s: s.insured,
    "kosmo.RosterImport": lambda s: apps.get_model("kosmo.RosterImport").objects.create(
        union=s.union, file_name=f"roster-{s.union.slug}.csv", sha256="0" * 64
    ),
    "accounts.User": lambda s: s.member,
    "account.EmailAddress": lambda s: EmailAddress.objects.get(user=s.member),
    "accounts.TermsVersion": lambda s: TermsVersion.objects.create(
        union=s.union, version=f"{s.ascii}-1", title=f"{s.tag}の利用規約", body="本文"
    ),
    "accounts.TermsConsent": lambda s: TermsConsent.objects.create(
        user=s.member,
        terms=TermsVersion.objects.create(
            union=s.union, version=f"{s.ascii}-2", title=f"{s.tag}の規約", body="本文"
        ),
    ),
    "accounts.SecurityEvent": lambda s: SecurityEvent.objects.create(
        user=s.member, kind=SecurityEvent.Kind.LOGIN_FAILED, detail=f"{s.tag}の記録"
    ),
    "mfa.PasskeyDevice": lambda s: PasskeyDevice.objects.create(
        user=s.member, name=f"{s.tag}のスマホ", credential_id=f"{s.ascii}-cred", public_key=b"k"
    ),
    "mfa.AuthenticatorApp": lambda s: AuthenticatorApp.objects.create(
        user=s.member, name=f"{s.tag}の認証アプリ"
    ),
    "mfa.EmailCodeDevice": _email_device,
    "benefits.BenefitType": lambda s: BenefitTypeFactory(union=s.union, name=f"{s.tag}手当"),
    "benefits.BenefitPayment": lambda s: BenefitPaymentFactory(
        person=s.insured,
        benefit_type=BenefitTypeFactory(union=s.union, name=f"{s.tag}見舞金"),
        note=f"{s.tag}の備考",
    ),
    "benefits.BenefitImport": lambda s: BenefitImport.objects.create(
        union=s.union, file_name=f"{s.ascii}_benefits.csv", sha256="0" * 64
    ),
    "checkup.CheckupImport": lambda s: CheckupImport.objects.create(
        union=s.union, file_name=f"{s.ascii}_checkups.csv", sha256="0" * 64
    ),
    "checkup.Checkup": _checkup,
    "checkup.CriteriaOverride": lambda s: CriteriaOverride.objects.create(
        union=s.union, item_key="sbp", note=f"{s.tag}の基準"
    ),
    "checkup.Column": lambda s: ColumnFactory(union=s.union, title=f"{s.tag}のコラム"),
    "dependents.DependentSurvey": _survey,
    "dependents.SurveyTarget": _target,
    "dependents.Upload": lambda s: Upload.objects.create(
        target=_target(s),
        document=f"{s.tag}の課税証明書",
        file=f"dependents/uploads/{s.ascii}.pdf",
        original_name=f"{s.ascii}.pdf",
        kind=Upload.Kind.PDF,
        size=1,
    ),
    "dependents.Inquiry": lambda s: Inquiry.objects.create(
        union=s.union,
        topic=Inquiry.Topic.OTHER,
        name=f"{s.tag}川 花子",
        email=f"{s.ascii}@example.jp",
        body="質問です。",
        token=uuid.uuid4(),
    ),
    "eligibility.EligibilityCertificate": lambda s: CertificateFactory(person=s.insured),
    "eligibility.AddressChangeRequest": lambda s: AddressChangeRequest.objects.create(
        person=s.insured, postal_code="1000001", address=f"{s.tag}市1-1"
    ),
    "eligibility.OrganDonationIntent": lambda s: OrganDonationIntent.objects.create(
        person=s.insured, choice=OrganDonationIntent.Choice.NONE
    ),
    "notices.Notice": lambda s: NoticeFactory(union=s.union, title=f"{s.tag}のお知らせ"),
    "notices.Broadcast": lambda s: BroadcastFactory(union=s.union, subject=f"{s.tag}の一斉送信"),
    "notices.Message": _message,
    "notices.Reply": lambda s: Reply.objects.create(message=_message(s), body=f"{s.tag}の返信"),
    "notices.GuideSection": lambda s: GuideSection.objects.create(
        union=s.union, key=f"{s.ascii}-guide", title=f"{s.tag}のご利用案内", body="本文"
    ),
    "notices.FaqCategory": lambda s: FaqCategory.objects.create(
        union=s.union, key=f"{s.ascii}-faq", title=f"{s.tag}のよくある質問"
    ),
    "wellness_records.ItemOverride": lambda s: ItemOverride.objects.create(
        union=s.union, item_key="meals", name=f"{s.tag}の食事"
    ),
    "wellness_records.StepImport": lambda s: StepImport.objects.create(
        person=s.insured, file_name=f"{s.ascii}_export.zip", source="apple"
    ),
    "wellness_challenges.Stage": _stage,
    "wellness_challenges.PresetChallenge": lambda s: PresetChallenge.objects.create(
        stage=_stage(s), title=f"{s.tag}のチャレンジ"
    ),
    "wellness_club.Article": _article,
    "wellness_club.Supporter": lambda s: club.Supporter.objects.create(
        union=s.union, name=f"{s.tag}医師", title="内科医", profile=f"{s.tag}の医師です。"
    ),
    "wellness_club.Tag": lambda s: club.Tag.objects.create(union=s.union, name=f"{s.tag}タグ"),
    # Audit rows as the admin writes them: the changed fields are the form's (field names).
    "wellness_club.StaffAction": lambda s: club_services.record_staff_action(
        staff=s.staff,
        obj=_article(s).supporter,
        action=club.StaffAction.Action.CHANGED,
        changed_fields=["name", "title", "profile"],
    ),
    "wellness_missions.DailyMission": lambda s: DailyMission.objects.create(
        union=s.union, title=f"{s.tag}の歩数ミッション", action="steps", threshold=3000
    ),
    "wellness_missions.Prize": lambda s: Prize.objects.create(
        union=s.union, game="lottery", name=f"{s.tag}賞", points=10
    ),
    # A rank's only text is the rank: the walk finds B's row by its ID, not by a mark.
    "wellness_missions.RankThreshold": lambda s: RankThreshold.objects.create(
        union=s.union, rank="gold", min_days=15
    ),
    "wellness_missions.BonusMission": lambda s: BonusMission.objects.create(
        union=s.union,
        kind=BonusMission.Kind.LIMITED,
        title=f"{s.tag}のボーナスミッション",
        action="steps",
        target=100000,
        points=50,
        start_on=dt.date(2026, 11, 1),
        end_on=dt.date(2026, 11, 30),
    ),
    "wellness_points.PointPolicy": lambda s: points.PointPolicy.objects.create(union=s.union),
    "wellness_points.PointAccount": lambda s: points.PointAccount.objects.create(
        person=s.insured, frozen=True, frozen_reason=f"{s.tag}の不正の疑い"
    ),
    "wellness_points.PointEntry": lambda s: points.PointEntry.objects.create(
        person=s.insured,
        kind=points.PointEntry.Kind.EARN,
        points=10,
        source="test",
        key=f"{s.ascii}-1",
        reason=f"{s.tag}のミッション達成",
    ),
    "wellness_points.Item": _point_item,
    "wellness_points.Order": lambda s: points.Order.objects.create(
        person=s.insured,
        union=s.union,
        item=_point_item(s),
        token=f"{s.ascii}-order",
        points=500,
        status=points.Order.Status.ORDERED,
        recipient_name=f"{s.tag}川 花子",
        address=f"{s.tag}市1-1",
    ),
    "wellness_points.StaffAction": lambda s: points.StaffAction.objects.create(
        union=s.union, staff=s.staff, person=s.insured, action="凍結", detail=f"{s.tag}の凍結"
    ),
    "wellness_diary.Participant": lambda s: diary.Participant.objects.create(
        person=s.insured, union=s.union, terms_version="1.0", restriction_reason=f"{s.tag}の理由"
    ),
    "wellness_diary.DiaryPost": _diary_post,
    "wellness_diary.Report": lambda s: diary.Report.objects.create(
        union=s.union,
        post=_diary_post(s),
        reporter=s.dependent,
        reason=diary.Report.Reason.ABUSE,
    ),
    "wellness_diary.ModerationAction": lambda s: diary.ModerationAction.objects.create(
        union=s.union,
        staff=s.staff,
        action=diary.ModerationAction.Action.HIDE,
        member=s.insured,
        post_id_value=_diary_post(s).pk,
        excerpt=f"{s.tag}の健康日記",
        reason=f"{s.tag}への対応",
    ),
    "wellness_walking.Course": lambda s: walking.Course.objects.create(
        union=s.union, name=f"{s.tag}の散歩道"
    ),
    "wellness_walking.WalkingEvent": _walking_event,
    "wellness_walking.Team": _walking_team,
    "wellness_walking.Entry": lambda s: walking.Entry.objects.create(
        event=_walking_event(s),
        person=s.insured,
        nickname=f"{s.tag}さん",
        team=_walking_team(s),
        token=uuid.uuid4(),
    ),
    "wellness_walking.StaffAction": lambda s: walking_services.record_staff_action(
        staff=s.staff,
        entry=walking.Entry.objects.create(
            event=_walking_event(s),
            person=s.dependent,
            nickname=f"{s.tag}ジュニア",
            token=uuid.uuid4(),
        ),
        action=walking.StaffAction.Action.CHANGED,
        changed_fields=["nickname", "team"],
    ),
}


def registered_labels() -> list[str]:
    return sorted(
        model._meta.label for model in apps.get_models() if admin.site.is_registered(model)
    )


def assert_no_union_b(page: str, where: str) -> None:
    for mark in B_MARKS:
        assert mark not in page, f"union B's data ({mark}) shown on {where}"


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def world(db):
    """Union A (the staff member's, served on the test host) and union B, each with one row of
    every walked model."""
    side_a = make_side("山田", "yamada", name="コスモ健康保険組合", domain="testserver")
    side_b = make_side("よそ", "yoso", name="よその健康保険組合", slug="yoso-union")
    rows = {label: (make(side_a), make(side_b)) for label, make in MAKERS.items()}
    return side_a, side_b, rows


@pytest.fixture
def staff_a_client(world):
    """Union A's staff member with every permission there is (not a superuser)."""
    staff = world[0].staff
    staff.user_permissions.add(*Permission.objects.all())
    return factories.staff_login(Client(), staff)


def test_every_admin_is_walked():
    assert set(registered_labels()) == set(MAKERS) | OPERATOR_ONLY


@pytest.mark.parametrize("label", sorted(OPERATOR_ONLY))
def test_union_staff_cannot_open_an_operator_only_admin(staff_a_client, label):
    model = apps.get_model(label)

    assert staff_a_client.get(admin_url(model, "changelist")).status_code == 403
    assert staff_a_client.get(admin_url(model, "add")).status_code == 403
    assert label.split(".")[0] not in _index_apps(staff_a_client)


def _index_apps(client) -> set[str]:
    return {app["app_label"] for app in client.get("/admin/").context["app_list"]}


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_union_staff_see_only_their_unions_rows(staff_a_client, world, label):
    model = apps.get_model(label)
    own, foreign = world[2][label]
    changelist = admin_url(model, "changelist")

    listing = staff_a_client.get(changelist)
    if listing.status_code == 403:  # not a union staff screen at all: nothing shown
        return
    assert listing.status_code == 200
    page = listing.content.decode()
    assert_no_union_b(page, f"{label} list")
    assert admin_url(model, "change", own.pk) in page
    for query in ("?_facets=True", "?_popup=1", "?_popup=1&_to_field=id"):
        assert_no_union_b(staff_a_client.get(changelist + query).content.decode(), query)
    for term in B_MARKS:  # the search box echoes the term: look at the rows found
        found = staff_a_client.get(changelist, {"q": term}).context["cl"].result_list
        assert foreign.pk not in {row.pk for row in found}

    for view in ("change", "history", "delete"):
        response = staff_a_client.get(admin_url(model, view, foreign.pk), follow=True)
        assert response.status_code in {200, 403, 404}
        assert_no_union_b(response.content.decode(), f"{label} {view} of B's row")

    own_page = staff_a_client.get(admin_url(model, "change", own.pk))
    assert own_page.status_code == 200
    assert_no_union_b(own_page.content.decode(), f"{label} change page of A's row")
    # Every screen with a row also speaks Japanese (the demo does not fill every screen).
    english = not_japanese(page, f"{label} list")
    english += not_japanese(own_page.content.decode(), f"{label} change page")
    assert english == []

    add = staff_a_client.get(admin_url(model, "add"))
    if add.status_code == 200:
        assert_no_union_b(add.content.decode(), f"{label} add page")


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_union_staff_cannot_delete_another_unions_row(staff_a_client, world, label):
    model = apps.get_model(label)
    foreign = world[2][label][1]

    staff_a_client.post(admin_url(model, "delete", foreign.pk), {"post": "yes"})
    staff_a_client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [foreign.pk], "post": "yes"},
    )

    assert model._meta.default_manager.filter(pk=foreign.pk).exists()


AUTOCOMPLETES = sorted(
    (model._meta.label, field)
    for model in apps.get_models()
    if admin.site.is_registered(model)
    for field in admin.site.get_model_admin(model).autocomplete_fields
)


@pytest.mark.parametrize(("label", "field"), AUTOCOMPLETES)
@pytest.mark.parametrize("term", ["", "よそ", "yoso"])
def test_autocomplete_offers_only_the_staff_members_union(
    staff_a_client, world, label, field, term
):
    model = apps.get_model(label)
    response = staff_a_client.get(
        "/admin/autocomplete/",
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field,
            "term": term,
        },
    )

    assert response.status_code == 200
    results = json.loads(response.content)["results"]
    assert_no_union_b(response.content.decode("unicode_escape"), f"{label}.{field}")
    remote = model._meta.get_field(field).related_model
    foreign_ids = {
        str(pk)
        for pk in remote._meta.default_manager.filter(
            pk__in=_rows_of_union(remote, world[1])
        ).values_list("pk", flat=True)
    }
    assert not foreign_ids & {result["id"] for result in results}
    if not term:
        assert results  # union A's own rows are offered


def _rows_of_union(model, side: Side):
    from kosmo.admin import union_path_of

    return model._meta.default_manager.filter(**{union_path_of(model): side.union.pk}).values("pk")


def test_the_union_filters_are_left_out_for_union_staff(staff_a_client, world):
    for url in [
        "/admin/kosmo/household/",
        "/admin/kosmo/person/",
        "/admin/notices/notice/",
        "/admin/notices/message/",
        "/admin/notices/faqcategory/",
        "/admin/notices/guidesection/",
    ]:
        filters = staff_a_client.get(url).context["cl"].filter_specs

        assert all(spec.title != "健康保険組合" for spec in filters), url


def test_operators_still_filter_by_union(client, world):
    operator = factories.StaffFactory(username="operator", union=None, is_superuser=True)
    page = factories.staff_login(client, operator).get("/admin/kosmo/household/").content.decode()

    assert "コスモ健康保険組合" in page and "よその健康保険組合" in page


def test_a_raw_id_account_of_another_union_is_refused(world):
    """A form field's choices are the union's own, also for an ID typed into a raw-id box."""
    from django.test import RequestFactory

    email_admin = admin.site.get_model_admin(EmailAddress)
    request = RequestFactory().get("/admin/")
    request.user = world[0].staff
    field = email_admin.formfield_for_foreignkey(EmailAddress._meta.get_field("user"), request)

    assert set(field.queryset) == {world[0].member, world[0].staff}


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_no_action_touches_another_unions_row(staff_a_client, world, label):
    """Every action of the list, run on B's row picked by hand, finds nothing to do."""
    from django.forms.models import model_to_dict

    model = apps.get_model(label)
    foreign = world[2][label][1]
    before = model_to_dict(foreign)
    changelist = admin_url(model, "changelist")
    listing = staff_a_client.get(changelist)
    if listing.status_code != 200:
        return
    actions = [
        name
        for name, _label in listing.context["cl"].model_admin.get_action_choices(
            listing.wsgi_request
        )
        if name
    ]

    for action in actions:
        response = staff_a_client.post(
            changelist, {"action": action, "_selected_action": [foreign.pk], "index": "0"}
        )
        assert_no_union_b(response.content.decode(), f"{label} action {action}")
        foreign.refresh_from_db()
        assert model_to_dict(foreign) == before, action


def test_an_inlines_choices_are_the_staff_members_union(world):
    """Inlines ask their own formfield hooks: UnionScopedInlineMixin scopes them too."""
    from django.test import RequestFactory

    from kosmo.admin import UnionScopedInlineMixin

    class TargetInline(UnionScopedInlineMixin, admin.TabularInline):
        model = SurveyTarget

    request = RequestFactory().get("/admin/")
    request.user = world[0].staff
    inline = TargetInline(DependentSurvey, admin.site)
    field = inline.formfield_for_foreignkey(SurveyTarget._meta.get_field("person"), request)

    assert set(field.queryset) == {world[0].insured, world[0].dependent}


def test_the_clerk_looks_at_and_removes_devices_but_never_makes_them(db):
    from django.contrib.auth.models import Group

    from accounts import roles

    roles.sync_roles()
    held = set(
        Group.objects.get(name=roles.CLERK)
        .permissions.filter(content_type__app_label="mfa")
        .values_list("codename", flat=True)
    )

    for device in ("passkeydevice", "authenticatorapp", "emailcodedevice"):
        assert {f"view_{device}", f"delete_{device}"} <= held
        assert not {f"add_{device}", f"change_{device}"} & held
