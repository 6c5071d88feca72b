"""What the CSV import commands share: their options and how a run is printed."""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kosmo.imports import ImportRefused, ImportResult, write_rejections_csv


def add_file_argument(parser: CommandParser) -> None:
    parser.add_argument("file", help="取り込む CSV ファイル (UTF-8 または Shift_JIS)")


def add_import_arguments(parser: CommandParser) -> None:
    """`file`, `--report`, `--show-errors` and `--force`."""
    add_file_argument(parser)
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
        "--force",
        action="store_true",
        help="前回と同じファイルでも取り込み直す",
    )


def refused(file: str, error: ImportRefused) -> CommandError:
    """The command's error (exit 1) for a file refused as a whole."""
    return CommandError(f"ファイル「{file}」は取り込めません。{error.message}")


def run_import(
    command: BaseCommand,
    run: Callable[..., ImportResult],
    summary: Callable[..., list[str]],
    *,
    dry_run: bool,
    **options,
) -> None:
    """Run one import and print its `summary`; a refused file is a CommandError (exit 1).

    With --report the rejected rows are written even in a dry run: the report is the output
    the operator asked for (like the summary), not a change.
    """
    try:
        result = run(source=options["file"], dry_run=dry_run, force=options["force"])
    except ImportRefused as error:
        raise refused(options["file"], error) from None
    for line in summary(result, show_errors=options["show_errors"]):
        command.stdout.write(line)
    if options["report"] and not result.already_imported:
        write_rejections_csv(result, options["report"])
        command.stdout.write(f"エラー行を「{options['report']}」に書き出しました。")
