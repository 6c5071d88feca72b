from checkup.imports import import_checkups
from kosmo.imports import ImportRefused
from kosmo.management.base import UnionCommand
from kosmo.management.imports import add_file_argument, refused


class Command(UnionCommand):
    help = (
        "健診結果の CSV を取り込む (docs/checkup.md)。受診者・受診日ごとに、"
        "ファイルの検査結果で置き換える。"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        add_file_argument(parser)
        parser.add_argument(
            "--show-errors", type=int, default=20, metavar="N", help="表示するエラー行の数"
        )

    def handle_union(self, union, *, dry_run, **options):
        try:
            result = import_checkups(union=union, source=options["file"])
        except ImportRefused as error:
            raise refused(options["file"], error) from None
        for line in result.summary_lines(dry_run=dry_run, show_errors=options["show_errors"]):
            self.stdout.write(line)
