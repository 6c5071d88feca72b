"""``manage.py issue_accounts --union SLUG``: issue the accounts of a union's covered persons
and write the letters' CSV (ACC-14).

The selection and the letter rows are also used by the staff action on 加入者
(accounts.admin.issue_accounts_action), so both issue exactly the same way.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from pathlib import Path

from django.core.management.base import CommandError, CommandParser
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.services import issue_account
from kosmo.management.base import UnionCommand
from kosmo.models import Person, Union
from kosmo.spreadsheets import csv_writer

FILE_EXISTS = "%(path)s は既に存在します。上書きしないので、別のファイル名を指定してください。"
LETTER_COLUMNS = ["記号", "番号", "枝番", "氏名", "ユーザID", "仮パスワード"]


@dataclass(frozen=True)
class Letter:
    """What the union prints on an account letter: one row of the CSV."""

    symbol: str
    number: str
    branch: str
    name: str
    user_id: str
    temporary_password: str


def issuable(persons: QuerySet[Person]) -> QuerySet[Person]:
    """The persons among `persons` who have no account and are still covered (no 資格喪失日,
    or one still in the future), in 記号・番号・枝番 order."""
    today = timezone.localdate()
    return (
        persons.filter(account__isnull=True)
        .filter(Q(disqualified_on__isnull=True) | Q(disqualified_on__gt=today))
        .select_related("household")
        .order_by("household__symbol", "household__number", "branch")
    )


def issue_letters(persons: Iterable[Person], *, actor: User | None) -> list[Letter]:
    """Issue an account for each person; the temporary passwords exist only in the result."""
    letters = []
    for person in persons:
        user, password = issue_account(person=person, actor=actor)
        household = person.household
        letters.append(
            Letter(
                symbol=household.symbol,
                number=household.number,
                branch=person.branch,
                name=person.full_name,
                user_id=user.username,
                temporary_password=password,
            )
        )
    return letters


class Command(UnionCommand):
    help = (
        "アカウントのない有資格の加入者にアカウントを発行し、通知書用のCSV "
        "(UTF-8 BOM付き: 記号, 番号, 枝番, 氏名, ユーザID, 仮パスワード) を書き出します。"
        "何度実行しても、発行済みの加入者には発行しません。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--output",
            metavar="FILE.csv",
            help="通知書用CSVの出力先 (既存のファイルは上書きしない)",
        )
        parser.add_argument("--household", metavar="NUMBER", help="この番号の世帯だけに発行する")
        parser.add_argument("--insured-only", action="store_true", help="被保険者だけに発行する")

    def handle_union(
        self,
        union: Union,
        *,
        dry_run: bool,
        output: str | None = None,
        household: str | None = None,
        insured_only: bool = False,
        **options,
    ) -> None:
        path = Path(output) if output else None
        if not dry_run:
            if path is None:
                raise CommandError("--output に通知書用CSVの出力先を指定してください。")
            if path.exists():
                raise CommandError(FILE_EXISTS % {"path": path})

        persons = Person.objects.filter(household__union=union)
        if household:
            persons = persons.filter(household__number=household)
            if not persons.exists():
                raise CommandError(f"番号「{household}」の世帯が{union.name}に見つかりません。")
        if insured_only:
            persons = persons.filter(role=Person.Role.INSURED)
        persons = list(issuable(persons))

        if not persons:
            self.stdout.write(f"{union.name}: アカウントを発行する加入者はいません。")
            return
        insured = sum(person.role == Person.Role.INSURED for person in persons)
        breakdown = f"被保険者 {insured}件・被扶養者 {len(persons) - insured}件"
        if dry_run:
            self.stdout.write(
                f"(ドライラン) {union.name}: {len(persons)}件のアカウントを発行します"
                f"（{breakdown}）。何も変更せず、ファイルも作成しません。"
            )
            return

        letters = issue_letters(persons, actor=None)
        self._write_csv(path, letters)
        self.stdout.write(
            self.style.SUCCESS(
                f"{union.name}: {len(letters)}件のアカウントを発行しました（{breakdown}）。"
            )
        )
        self.stdout.write(f"通知書用CSV: {path}")
        self.stdout.write(
            "このファイルには仮パスワードが含まれます。通知書を印刷したら削除してください。"
        )

    def _write_csv(self, path: Path, letters: list[Letter]) -> None:
        # O_EXCL: never overwrite, even if the file appeared since the check; 0600: it holds
        # temporary passwords. A failure removes the file and rolls the accounts back.
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as error:
            raise CommandError(
                f"{path} は既に存在します。別のファイル名を指定してください。"
            ) from error
        except OSError as error:
            raise CommandError(f"{path} を作成できません: {error.strerror}") from error
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8-sig", newline="") as file:
                writer = csv_writer(file)
                writer.writerow(LETTER_COLUMNS)
                writer.writerows(astuple(letter) for letter in letters)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
