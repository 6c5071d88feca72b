from django.core.management.base import CommandError

from dependents.models import DependentSurvey
from dependents.reports import write_report
from kosmo.management.base import UnionCommand


class Command(UnionCommand):
    help = "被扶養者資格調査の進捗と審査結果を、調査対象者ごとに CSV (UTF-8 BOM 付き) で出力する。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--survey", type=int, help="調査の ID (省略時はその組合の最新の調査)")
        parser.add_argument(
            "--output", "-o", metavar="FILE", help="出力先ファイル (省略時は標準出力)"
        )

    def handle_union(self, union, *, dry_run, **options):
        surveys = DependentSurvey.objects.filter(union=union)
        survey = (
            surveys.filter(pk=options["survey"]).first()
            if options.get("survey")
            else surveys.order_by("-starts_on", "-pk").first()
        )
        if survey is None:
            raise CommandError(f"{union.name}の被扶養者資格調査が見つかりません。")
        output = options.get("output")
        if dry_run:
            count = survey.targets.count()
            self.stderr.write(f"{survey}: {count}人分を出力します (--dry-run のため出力しません)。")
            return
        if output:
            with open(output, "w", encoding="utf-8-sig", newline="") as out:
                totals = write_report(survey, out)
        else:
            self.stdout.write("\ufeff", ending="")
            totals = write_report(survey, self.stdout)
        summary = "、".join(f"{label} {count}人" for label, count in sorted(totals.items()))
        self.stderr.write(f"{survey}: {sum(totals.values())}人 ({summary or 'なし'})")
