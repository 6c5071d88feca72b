"""The two staff roles of a union, as data: which Django permissions each group holds.

組合スタッフ (clerk) does every staff task the manual and SPEC give union staff: accounts,
terms, news and MY mail, help, eligibility certificates and requests, benefit and checkup
masters and data, the dependent survey and its review, inquiries, and the read-only member
lookup. 組合管理者 (union admin) also edits the union's own branding, contact and mail settings.

What routes requests or decides the contract — host names, the slug, the contract tier,
feature switches, e-Tax signing keys, staff accounts and their rights — is for operators
only: a superuser without a union, or `manage.py`. No group holds those permissions.

The groups are made by a migration (accounts 0004) and kept complete after every `migrate`
(and every flush) by `on_post_migrate`: a later app adds its label to `STAFF_APPS` and its
permissions reach the roles at the next `migrate`.
"""

from __future__ import annotations

CLERK = "組合スタッフ"
UNION_ADMIN = "組合管理者"

# Apps whose permissions union staff may hold; every permission of these apps is the clerk's
# unless listed in CLERK_WITHOUT.
STAFF_APPS = [
    "kosmo",
    "accounts",
    "mfa",
    "otp_totp",
    "otp_email",
    "notices",
    "eligibility",
    "benefits",
    "checkup",
    "dependents",
    "medical",
    "wellness_challenges",
    "wellness_club",
    "wellness_records",
    "wellness_missions",
    "wellness_diary",
    "wellness_points",
    "wellness_walking",
]

_WRITE = ("add", "change", "delete")


def _writes(*models: str) -> set[str]:
    return {f"{action}_{model}" for model in models for action in _WRITE}


def _writes_but_delete(*models: str) -> set[str]:
    return {f"{action}_{model}" for model in models for action in ("add", "change")}


# Permissions a clerk never holds: operators' settings, audit trails (append-only: written by
# the services, never by hand), the member's own decisions, and imported data (the union's
# core systems write it through the import commands).
CLERK_WITHOUT: dict[str, set[str]] = {
    "kosmo": _writes("union", "documentjob", "outboundemail", "personchange", "rosterimport"),
    "accounts": _writes("securityevent", "termsconsent", "knownbrowser") | {"delete_user"},
    # A lost phone is handled by 「二要素認証をリセットする」: devices are removed, never made.
    "mfa": _writes_but_delete("passkeydevice", "authenticatorapp", "emailcodedevice"),
    "otp_totp": {"add_totpdevice", "change_totpdevice"},
    "otp_email": {"add_emaildevice", "change_emaildevice"},
    "notices": _writes("noticeread", "emailpreference", "profile"),
    # 臓器提供の意思表示 is the person's own decision; address changes are the member's request.
    "eligibility": _writes("organdonationintent") | {"add_addresschangerequest"},
    "checkup": _writes("checkupimport", "checkup", "checkupresult"),
    "dependents": _writes("targetevent", "answer", "householdresponse"),
    "medical": _writes("claim", "prescriptionline", "importbatch", "drug")
    | _writes("etaxsigningcredential")
    | {"view_etaxsigningcredential"},
    # A member's own challenges and their ○/× are theirs; staff manage the preset ones.
    "wellness_challenges": _writes("challenge", "challengeday"),
    # MY HEALTH CLUB: staff write articles, tags and supporters; hearts and reads are the
    # members', the audit trail the services'.
    "wellness_club": _writes("favourite", "readevent", "staffaction"),
    # 日々の記録: staff set the union's items (ItemOverride); members' values, their history,
    # display settings and import jobs are the members' own health notes: not even viewed.
    "wellness_records": _writes("dailyrecord", "recordchange", "displaysetting", "stepimport")
    | {"view_dailyrecord", "view_recordchange", "view_displaysetting"},
    # ミッション: staff set the missions, prizes and odds, ranks and bonus missions; the members'
    # activities, clears, draws, ranks and scratch cards (their hidden ヘロン君) are theirs.
    "wellness_missions": _writes(
        "activity", "dailyclear", "lotterydraw", "monthlyrank", "bonusclear", "scratchcard"
    )
    | {"view_scratchcard"},
    # 健康日記: staff moderate (hide or delete posts, handle reports, restrict members) through
    # the admin's actions; the posts, likes, blocks and reports are the members', the audit
    # trail the services'.
    "wellness_diary": _writes("like", "block", "pendingimage", "moderationaction")
    | {"add_diarypost", "add_report", "delete_report", "add_participant", "delete_participant"}
    | {"view_like", "view_block", "view_pendingimage"},
    # MYポイント: staff set the rules and the catalogue, fulfil orders, adjust points (a new
    # ledger row through the admin's 「追加」) and freeze accounts; ledger rows are never changed
    # or deleted, orders are the members', the audit trail the services'.
    "wellness_points": _writes("staffaction")
    | {"change_pointentry", "delete_pointentry", "add_order", "delete_order"}
    | {"delete_pointaccount"},
    # 歩Fes.: staff set events and courses, correct or remove entries and teams (audited); the
    # members' stamps, the ranking snapshots (the task's) and the audit trail are not edited.
    "wellness_walking": _writes("cheerstamp", "entryrank", "teamrank", "staffaction")
    | {"add_entry", "add_team", "view_cheerstamp"},
}

# What 組合管理者 holds beyond the clerk's: the union's own settings (UnionAdmin keeps the
# routing and contract fields read-only for anyone but an operator).
UNION_ADMIN_EXTRA = {"kosmo": {"change_union"}}


def role_permissions(permission_model) -> dict[str, list]:
    """Each role's permissions, as rows of `permission_model` (the live or a migration's)."""
    rows = list(
        permission_model.objects.filter(content_type__app_label__in=STAFF_APPS).select_related(
            "content_type"
        )
    )
    clerk = [
        row
        for row in rows
        if row.codename not in CLERK_WITHOUT.get(row.content_type.app_label, set())
    ]
    extra = [
        row
        for row in rows
        if row.codename in UNION_ADMIN_EXTRA.get(row.content_type.app_label, set())
    ]
    return {CLERK: clerk, UNION_ADMIN: clerk + extra}


def sync_roles(group_model=None, permission_model=None) -> None:
    """Create both groups and set their permissions (idempotent).

    Called with a migration's historical models, or with none for the live ones.
    """
    if group_model is None:
        from django.contrib.auth.models import Group, Permission

        group_model, permission_model = Group, Permission
    for name, permissions in role_permissions(permission_model).items():
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def on_post_migrate(sender, apps=None, **kwargs) -> None:
    """After `migrate` (or a flush) has created the last app's permissions, bring both roles
    up to date (connected in AccountsConfig.ready)."""
    from django.apps import apps as global_apps

    if sender is not list(global_apps.get_app_configs())[-1]:
        return
    apps = apps or global_apps  # a flush sends post_migrate without the migration's apps
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
