"""Demo accounts for `manage.py seed_demo`: completed members, one freshly issued account,
union staff and a superuser, plus each union's terms of use."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import MfaMethod, TermsConsent, TermsVersion, User
from accounts.roles import CLERK, UNION_ADMIN
from kosmo import demo as core_demo
from kosmo.models import Person, Union

DEMO_PASSWORD = "Kosmo-demo-2026"
# Union staff: a clerk (組合スタッフ) in each union, and the rich union's 組合管理者.
STAFF = {"kosmo": "staff_kosmo", "sakura": "staff_sakura"}
UNION_ADMINS = {"kosmo": "manager_kosmo"}
SUPERUSER = "kosmo_admin"
# A freshly issued account (temporary ID and password, as on the union's letter): signing in
# with it walks the whole first login.
FRESH = {"union": "kosmo", "household": ("1002", "20001"), "branch": "00"}
FRESH_USER_ID = "k100000001"
FRESH_PASSWORD = "Kari-pass-2026"
TERMS_BODY = """第1条（目的）
本規約は、{union}（以下「当組合」）が提供するKOSMO Web（以下「本サービス」）の
利用条件を定めるものです。

第2条（利用者）
本サービスは、当組合の被保険者および被扶養者がご利用いただけます。

第3条（ID・パスワードの管理）
利用者は、ユーザID、パスワードおよび多要素認証に用いる端末を自らの責任で管理するものとします。

第4条（個人情報の取扱い）
当組合は、本サービスで取り扱う個人情報を、当組合の個人情報保護方針に従い適切に取り扱います。
"""


def seed(unions: dict[str, Union]) -> list[str]:
    terms = {slug: _terms(union) for slug, union in unions.items()}
    lines = []
    for slug, households in core_demo.HOUSEHOLDS.items():
        union = unions[slug]
        for symbol, number, _address, people in households:
            for demo in people:
                if demo.username:
                    person = Person.objects.get(
                        household__union=union,
                        household__symbol=symbol,
                        household__number=number,
                        branch=demo.branch,
                    )
                    _completed_account(person, demo.username, terms[slug])
        _staff_account(STAFF[slug], union=union, role=CLERK)
        if slug in UNION_ADMINS:
            _staff_account(UNION_ADMINS[slug], union=union, role=UNION_ADMIN)
    _staff_account(SUPERUSER, union=None, role=None)
    fresh = _fresh_account(unions[FRESH["union"]])

    lines.append(f"パスワードはすべて {DEMO_PASSWORD} です(初回ログイン前のアカウントを除く)。")
    for user in (
        User.objects.filter(person__isnull=False, is_temporary_id=False)
        .select_related("union", "person")
        .order_by("union__insurer_number", "username")
    ):
        lost = user.person.disqualified_on
        former = f", 資格喪失日 {lost:%Y/%m/%d}" if lost else ""
        lines.append(
            f"  {user.union.name}  {user.username:<15} {user.display_name}"
            f" ({user.person.get_role_display()}, 初回ログイン済み{former})"
        )
    lines.append(
        f"  {fresh.union.name}  {fresh.username:<15} {fresh.display_name}"
        f" (初回ログイン前: 仮パスワード {FRESH_PASSWORD})"
    )
    lines.append(
        f"  組合スタッフ: {', '.join(STAFF.values())}"
        f" / 組合管理者: {', '.join(UNION_ADMINS.values())}"
        f" / 運用管理者: {SUPERUSER}  (/admin/、メールのワンタイムパスワードで二要素認証)"
    )
    return lines


def _completed_account(person: Person, username: str, terms: TermsVersion) -> User:
    now = timezone.now()
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={
            "person": person,
            "email": f"{username.replace('_', '.')}@example.jp",
            "is_temporary_id": False,
            "must_change_password": False,
            "identity_verified_at": now,
            "user_id_chosen_at": now,
            "mfa_method": MfaMethod.EMAIL,
            "failed_logins": 0,
            "locked_until": None,
            "locked_at": None,
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.password_changed_at = now
    user.save()
    EmailAddress.objects.filter(user=user).exclude(email=user.email).delete()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    TermsConsent.objects.get_or_create(user=user, terms=terms)
    return user


def _fresh_account(union: Union) -> User:
    symbol, number = FRESH["household"]
    person = Person.objects.get(
        household__union=union,
        household__symbol=symbol,
        household__number=number,
        branch=FRESH["branch"],
    )
    User.objects.filter(person=person).exclude(username=FRESH_USER_ID).delete()
    user, _ = User.objects.update_or_create(
        username=FRESH_USER_ID,
        defaults={
            "person": person,
            "email": "suzuki.makoto@example.jp",
            "is_temporary_id": True,
            "must_change_password": True,
            "identity_verified_at": None,
            "user_id_chosen_at": None,
            "password_changed_at": None,
            "mfa_method": "",
            "failed_logins": 0,
            "locked_until": None,
            "locked_at": None,
        },
    )
    user.set_password(FRESH_PASSWORD)
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    TermsConsent.objects.filter(user=user).delete()
    return user


def _terms(union: Union) -> TermsVersion:
    terms, _ = TermsVersion.objects.get_or_create(
        union=union,
        version="1.0",
        defaults={
            "body": TERMS_BODY.format(union=union.name),
            "published_at": dt.datetime(2025, 4, 1, tzinfo=dt.UTC),
        },
    )
    return terms


def _staff_account(username: str, *, union: Union | None, role: str | None) -> User:
    """A staff account (a superuser when it has no role), signing in with e-mail codes."""
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={
            "union": union,
            "person": None,
            "email": f"{username.replace('_', '.')}@example.jp",
            "is_staff": True,
            "is_superuser": role is None,
            "mfa_method": MfaMethod.EMAIL,
            "failed_logins": 0,
            "locked_until": None,
            "locked_at": None,
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.set(Group.objects.filter(name=role) if role else [])
    return user
