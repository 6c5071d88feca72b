from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from eligibility.imports import import_certificates
from kosmo.imports import ImportRefused
from kosmo.management.base import UnionCommand


class Command(UnionCommand):
    help = "資格確認書の交付年月日・有効期限・利用停止をCSVから取り込みます (docs/eligibility.md)。"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("file", type=Path, help="CSVファイル (UTF-8 または Shift_JIS)")

    def handle_union(self, union, *, dry_run: bool, file: Path, **options):
        try:
            report = import_certificates(union, file.read_bytes())
        except (OSError, ImportRefused) as error:
            raise CommandError(str(error)) from error
        for line, reason in report.errors:
            self.stderr.write(f"{line}行目: {reason}")
        summary = (
            f"新規 {report.created}件、更新 {report.updated}件、変更なし {report.unchanged}件、"
            f"エラー {len(report.errors)}件"
        )
        if dry_run:
            summary += "（試行のため何も変更していません）"
        self.stdout.write(summary)
