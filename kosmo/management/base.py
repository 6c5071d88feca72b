"""The base class of operator commands: every one works on one union and can be rehearsed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kosmo.models import Union


class UnionCommand(BaseCommand):
    """An operator command for one union: ``--union SLUG`` (required) and ``--dry-run``.

    Subclasses implement ``handle_union(union, *, dry_run, **options)``. It runs in one
    transaction; with ``--dry-run`` that transaction is rolled back at the end, so the command
    reports exactly what it would do and changes nothing (it must not write files either).
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--union", required=True, metavar="SLUG", help="対象の健康保険組合の識別名 (slug)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="実行内容を表示するだけで、何も変更しない"
        )

    def handle(self, *args, **options):
        union = self.get_union(options.pop("union"))
        dry_run = options.pop("dry_run")
        with transaction.atomic():
            result = self.handle_union(union, dry_run=dry_run, **options)
            if dry_run:
                transaction.set_rollback(True)
        return result

    def get_union(self, slug: str) -> Union:
        union = Union.objects.filter(slug=slug).first()
        if union is None:
            raise CommandError(
                f"健康保険組合「{slug}」が見つかりません。識別名 (slug) を確認してください。"
            )
        return union

    def handle_union(self, union: Union, *, dry_run: bool, **options):
        raise NotImplementedError("subclasses of UnionCommand must provide handle_union()")
