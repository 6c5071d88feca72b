"""``manage.py create_union``: register a health-insurance society (the operator's first step).

    manage.py create_union --insurer-number 06139992 --name コスモ健康保険組合 --slug kosmo \\
        --domain portal.kosmo-kenpo.example.jp --tier rich --contact-phone 03-1234-5678 \\
        --contact-email kenpo@kosmo.example.jp --mail-from "コスモ健康保険組合 <no-reply@…>"

Refuses a 保険者番号 whose 検証番号 is wrong, and a slug, 保険者番号 or host name another union
already has. With ``--update`` it changes the union of that slug to the values given (the
others stay); running it again with the same values changes nothing. ``--dry-run`` checks
and prints without saving. Prints the next steps of the onboarding runbook (README).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kosmo.insurer_numbers import insurer_number_error
from kosmo.models import Union

# option → model field; every one is optional with --update.
FIELDS = {
    "insurer_number": "insurer_number",
    "name": "name",
    "domain": "domain",
    "tier": "tier",
    "contact_phone": "contact_phone",
    "contact_hours": "contact_hours",
    "contact_email": "contact_email",
    "postal_code": "postal_code",
    "address": "address",
    "mail_from": "mail_from",
    "former_member_access": "former_member_access",
    "former_member_access_days": "former_member_access_days",
    "former_member_sees": "former_member_sees",
}
REQUIRED_TO_CREATE = ("insurer_number", "name")


class Command(BaseCommand):
    help = (
        "健康保険組合を登録する（保険者番号は検証番号まで確認）。--update で登録済みの組合を"
        "変更する。最後に次の手順（加入者台帳・アカウント発行・e-Tax 署名鍵）を表示する。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="識別名 (英小文字・数字・ハイフン)")
        parser.add_argument("--insurer-number", help="保険者番号 (8桁、検証番号を含む)")
        parser.add_argument("--name", help="名称 (例: コスモ健康保険組合)")
        parser.add_argument("--domain", help="ポータルのホスト名 (例: portal.kosmo-kenpo.jp)")
        parser.add_argument(
            "--tier", choices=[choice.value for choice in Union.ContractTier], help="契約"
        )
        parser.add_argument("--contact-phone", help="問い合わせ電話番号")
        parser.add_argument("--contact-hours", help="受付時間 (例: 平日 9:00〜17:00)")
        parser.add_argument("--contact-email", help="問い合わせメールアドレス")
        parser.add_argument("--postal-code", help="郵便番号")
        parser.add_argument("--address", help="所在地")
        parser.add_argument("--mail-from", help="メール送信元 (例: 組合名 <no-reply@…>)")
        parser.add_argument(
            "--former-member-access",
            choices=[choice.value for choice in Union.FormerMemberAccess],
            help="資格喪失後のログイン (tax_season: 喪失した年の翌年3月末まで [既定]、"
            "days: 喪失日から --former-member-access-days 日、none: 喪失日から不可)",
        )
        parser.add_argument("--former-member-access-days", type=int, help="喪失日からの日数")
        parser.add_argument(
            "--former-member-sees",
            choices=[choice.value for choice in Union.FormerMemberSees],
            help="資格喪失後に表示する内容 (history: 喪失日までの履歴を閲覧のみ [既定]、"
            "all_history: すべての履歴を閲覧のみ、medical_etax: e-Taxデータと医療費のみ)",
        )
        parser.add_argument(
            "--update", action="store_true", help="登録済みの組合 (--slug) を与えた値に変更する"
        )
        parser.add_argument("--dry-run", action="store_true", help="確認だけして保存しない")

    def handle(self, *args, slug: str, update: bool, dry_run: bool, **options) -> None:
        values = {
            field: options[option]
            for option, field in FIELDS.items()
            if options[option] is not None
        }
        if "domain" in values:
            values["domain"] = values["domain"].strip().lower() or None
        number = values.get("insurer_number")
        if number is not None and (problem := insurer_number_error(number)):
            raise CommandError(f"{problem}。")
        with transaction.atomic():
            union = Union.objects.select_for_update().filter(slug=slug).first()
            if update:
                if union is None:
                    raise CommandError(f"健康保険組合「{slug}」が見つかりません（--update）。")
            else:
                if union is not None:
                    raise CommandError(
                        f"識別名「{slug}」の健康保険組合（{union.name}）は登録済みです。"
                        "変更するときは --update を付けてください。"
                    )
                missing = [
                    f"--{name.replace('_', '-')}"
                    for name in REQUIRED_TO_CREATE
                    if name not in values
                ]
                if missing:
                    raise CommandError(f"{'、'.join(missing)} を指定してください。")
                union = Union(slug=slug)
            self.refuse_taken(union, values)
            changed = {
                field: value for field, value in values.items() if getattr(union, field) != value
            }
            for field, value in changed.items():
                setattr(union, field, value)
            try:
                union.full_clean()
            except ValidationError as error:
                raise CommandError(_messages(error)) from None
            created = union.pk is None
            if not dry_run and (created or changed):
                union.save()
        self.report(union, created=created, changed=changed, dry_run=dry_run)

    def refuse_taken(self, union: Union, values: dict) -> None:
        others = Union.objects.exclude(pk=union.pk) if union.pk else Union.objects.all()
        for field, label in (("insurer_number", "保険者番号"), ("domain", "ホスト名")):
            value = values.get(field)
            if value and (other := others.filter(**{field: value}).first()):
                raise CommandError(
                    f"{label}「{value}」は{other.name}（{other.slug}）が使っています。"
                )

    def report(self, union: Union, *, created: bool, changed: dict, dry_run: bool) -> None:
        note = "（--dry-run のため保存していません）" if dry_run else ""
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"健康保険組合「{union.name}」（識別名 {union.slug}、保険者番号 "
                    f"{union.insurer_number}、{union.get_tier_display()}）を登録しました{note}。"
                )
            )
        elif changed:
            labels = "、".join(str(Union._meta.get_field(field).verbose_name) for field in changed)
            self.stdout.write(
                self.style.SUCCESS(f"{union.name}（{union.slug}）の{labels}を変更しました{note}。")
            )
        else:
            self.stdout.write(f"{union.name}（{union.slug}）: 変更はありません。")
        if not union.domain:
            self.stdout.write(
                "ホスト名がありません。--update --domain で設定するか、KOSMO_DEFAULT_UNION に"
                f" {union.slug} を設定してください。"
            )
        if not created:
            return
        slug = union.slug
        self.stdout.write("次の手順 (README「組合の開始手順」):")
        for step in (
            f"1. 加入者台帳を取り込む: manage.py import_persons --union {slug} 加入者台帳.csv",
            f"2. アカウントを発行し通知書用CSVを作る: manage.py issue_accounts --union {slug}"
            " --output letters.csv",
            f"3. e-Tax 署名鍵を登録する: manage.py set_etax_credential --union {slug}"
            " --key key.pem --cert cert.pem",
            f"4. 医療費・処方・給付金・健診を取り込む: manage.py import_claims --union {slug} …",
            "5. 組合スタッフのアカウントを /admin/ で作り、組合スタッフのグループに入れる",
        ):
            self.stdout.write(f"  {step}")


def _messages(error: ValidationError) -> str:
    parts = []
    for field, messages in error.message_dict.items():
        label = str(Union._meta.get_field(field).verbose_name) if field != "__all__" else ""
        parts += [f"{label}: {message}" if label else message for message in messages]
    return " / ".join(parts)
