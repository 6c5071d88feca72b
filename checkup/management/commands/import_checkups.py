from django.core.management.base import CommandError

from checkup.imports import ImportRefused, import_checkups
from kosmo.management.base import UnionCommand


class Command(UnionCommand):
    help = (
        "健診結果の CSV を取り込む (docs/checkup.md)。受診者・受診日ごとに、"
        "ファイルの検査結果で置き換える。"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="取り込む CSV ファイル (UTF-8 または Shift_JIS)")
        parser.add_argument(
            "--show-errors", type=int, default=20, metavar="N", help="表示するエラー行の数"
        )

    def handle_union(self, union, *, dry_run, **options):
        try:
            result = import_checkups(union=union, source=options["file"])
        except ImportRefused as refused:
            raise CommandError(
                f"ファイル「{options['file']}」は取り込めません。{refused.message}"
            ) from None
        for line in result.summary_lines(dry_run=dry_run, show_errors=options["show_errors"]):
            self.stdout.write(line)
