from django.core.management.base import CommandError

from benefits.imports import ImportRefused, import_benefits, summary_lines, write_rejections_csv
from kosmo.management.base import UnionCommand


class Command(UnionCommand):
    help = (
        "給付金支給明細の CSV を取り込む。対象者・支給年月ごとに既存の行を置き換える。"
        "書式は docs/benefits.md。"
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", help="取り込む CSV ファイル (UTF-8 または Shift_JIS)")
        parser.add_argument(
            "--report",
            metavar="FILE.csv",
            help="取り込めなかった行をすべて、行番号と理由を付けてこの CSV に書き出す",
        )
        parser.add_argument(
            "--show-errors",
            type=int,
            default=20,
            metavar="N",
            help="画面に表示するエラー行の数 (既定 20)",
        )
        parser.add_argument(
            "--force", action="store_true", help="前回と同じファイルでも取り込み直す"
        )

    def handle_union(self, union, *, dry_run, **options):
        """A refused file is a CommandError (exit 1). With --report the rejected rows are
        written even in a dry run: the report is output the operator asked for, not a change."""
        try:
            result = import_benefits(
                union=union, source=options["file"], dry_run=dry_run, force=options["force"]
            )
        except ImportRefused as refused:
            raise CommandError(
                f"ファイル「{options['file']}」は取り込めません。{refused.message}"
            ) from None
        for line in summary_lines(result, show_errors=options["show_errors"]):
            self.stdout.write(line)
        if options["report"] and not result.already_imported:
            write_rejections_csv(result, options["report"])
            self.stdout.write(f"エラー行を「{options['report']}」に書き出しました。")
