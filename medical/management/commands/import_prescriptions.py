from functools import partial

from kosmo.management.base import UnionCommand
from kosmo.management.imports import add_import_arguments, run_import
from medical.imports import import_prescriptions, summary_lines


class Command(UnionCommand):
    help = "処方医薬品の CSV を取り込む。受診者・診療年月ごとに既存の行を置き換える。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        add_import_arguments(parser)

    def handle_union(self, union, *, dry_run, **options):
        run_import(
            self,
            partial(import_prescriptions, union=union),
            summary_lines,
            dry_run=dry_run,
            **options,
        )
