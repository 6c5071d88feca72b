"""``manage.py import_persons --union SLUG FILE``: load or update the union's 加入者台帳."""

from functools import partial

from kosmo.management.base import UnionCommand
from kosmo.management.imports import add_import_arguments, run_import
from kosmo.roster import import_persons, summary_lines


class Command(UnionCommand):
    help = (
        "加入者台帳 (CSV) を取り込む。記号・番号・枝番で照合し、新規は登録、変更は更新して"
        "変更履歴を残す。ファイルにない加入者は削除しない。"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        add_import_arguments(parser)
        parser.add_argument(
            "--full",
            action="store_true",
            help="全件の名簿として取り込み、載っていない有資格の加入者を「名簿にない（要確認）」にする",
        )

    def handle_union(self, union, *, dry_run, full=False, **options):
        run_import(
            self,
            partial(import_persons, union=union, full=full, list_missing=options["show_errors"]),
            summary_lines,
            dry_run=dry_run,
            **options,
        )
