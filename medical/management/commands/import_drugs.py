from django.core.management.base import BaseCommand

from kosmo.management.imports import add_import_arguments, run_import
from medical.imports import import_drugs, summary_lines


class Command(BaseCommand):
    help = (
        "医薬品マスタの CSV を取り込む (全国共通: 組合の指定は不要)。医薬品コードで追加・更新する。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="実行内容を表示するだけで、何も変更しない"
        )
        add_import_arguments(parser)

    def handle(self, *args, dry_run, **options):
        run_import(self, import_drugs, summary_lines, dry_run=dry_run, **options)
