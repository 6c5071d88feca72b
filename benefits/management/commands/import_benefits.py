from functools import partial

from benefits.imports import import_benefits, summary_lines
from kosmo.management.base import UnionCommand
from kosmo.management.imports import add_import_arguments, run_import


class Command(UnionCommand):
    help = (
        "給付金支給明細の CSV を取り込む。対象者・支給年月ごとに既存の行を置き換える。"
        "書式は docs/benefits.md。"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        add_import_arguments(parser)

    def handle_union(self, union, *, dry_run, **options):
        run_import(
            self, partial(import_benefits, union=union), summary_lines, dry_run=dry_run, **options
        )
