"""``manage.py move_files_to_store``: copy the files of a single-host deployment into the
S3-compatible store (issue 24; README, "Running on several hosts").

    manage.py move_files_to_store --dry-run        # what would be copied, nothing written
    manage.py move_files_to_store                  # copy
    manage.py move_files_to_store --delete-local   # copy, then delete each verified local file

Every file under MEDIA_ROOT goes to STORAGES["default"] and every file under
PRIVATE_MEDIA_ROOT to STORAGES["private"], under the same name, so the names the database
keeps (FileField values) stay valid. A file already in the store with the same size is
skipped, so running it again copies nothing; one of another size (an interrupted copy) is
replaced. Refuses when the storages are the local file system themselves (the AWS_*
variables are not set). Lists the files the database names that are neither on the local
disk nor in the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models

from kosmo.storage import private_storage


@dataclass
class Tally:
    copied: int = 0
    copied_bytes: int = 0
    skipped: int = 0
    skipped_bytes: int = 0
    deleted: int = 0
    failed: list[str] = field(default_factory=list)


class Command(BaseCommand):
    help = (
        "ローカルのファイル (MEDIA_ROOT, PRIVATE_MEDIA_ROOT) を S3 互換ストレージへ同じ名前で"
        "コピーする。保存先に同じサイズで存在するファイルは飛ばす (何度実行しても同じ)。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="コピーするファイルを表示するだけで書き込まない"
        )
        parser.add_argument(
            "--delete-local",
            action="store_true",
            help="保存先に同じサイズで存在することを確かめたローカルのファイルを削除する",
        )

    def handle(self, *args, dry_run: bool, delete_local: bool, **options) -> None:
        verbosity = options["verbosity"]
        moves = [
            ("公開ファイル", Path(settings.MEDIA_ROOT), storages["default"]),
            ("非公開ファイル", Path(settings.PRIVATE_MEDIA_ROOT), storages["private"]),
        ]
        for label, _root, target in moves:
            if isinstance(target, FileSystemStorage):
                raise CommandError(
                    f"{label}の保存先がローカルのファイルシステム ({target.location}) です。"
                    "AWS_STORAGE_BUCKET_NAME などの AWS_* 変数を設定してから実行してください"
                    " (README「Running on several hosts」)。"
                )
        if dry_run:
            self.stdout.write("確認のみ (--dry-run): 何も書き込みません。")
        failed = False
        for label, root, target in moves:
            tally = self.move(
                root,
                target,
                dry_run=dry_run,
                delete_local=delete_local,
                list_files=dry_run or verbosity >= 2,
            )
            verb = "コピーする" if dry_run else "コピーした"
            line = (
                f"{label} ({root}): {verb}ファイル {tally.copied:,} 件 "
                f"({tally.copied_bytes:,} バイト)、保存先に同じサイズであるため飛ばした"
                f"ファイル {tally.skipped:,} 件 ({tally.skipped_bytes:,} バイト)"
            )
            if delete_local and not dry_run:
                line += f"、削除したローカルのファイル {tally.deleted:,} 件"
            self.stdout.write(line)
            for name in tally.failed:
                self.stderr.write(f"コピーできませんでした: {name}")
            failed = failed or bool(tally.failed)
        self.report_missing(moves)
        if failed:
            raise CommandError("コピーできなかったファイルがあります。もう一度実行してください。")

    def move(
        self, root: Path, target: Storage, *, dry_run: bool, delete_local: bool, list_files: bool
    ) -> Tally:
        tally = Tally()
        paths = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
        for path in paths:
            name = path.relative_to(root).as_posix()
            size = path.stat().st_size
            if target.exists(name) and target.size(name) == size:
                tally.skipped += 1
                tally.skipped_bytes += size
            elif dry_run:
                tally.copied += 1
                tally.copied_bytes += size
                if list_files:
                    self.stdout.write(f"  {name} ({size:,} バイト)")
                continue
            else:
                try:
                    if target.exists(name):
                        target.delete(name)  # a partial copy: the store would rename a second
                    with path.open("rb") as content:
                        saved = target.save(name, File(content, name=name))
                    verified = saved == name and target.size(name) == size
                except Exception as error:  # the store unreachable, refusing: told, run again
                    tally.failed.append(f"{name} ({error})")
                    continue
                if not verified:
                    tally.failed.append(name)
                    continue
                tally.copied += 1
                tally.copied_bytes += size
                if list_files:
                    self.stdout.write(f"  {name} ({size:,} バイト)")
            if delete_local and not dry_run:
                path.unlink()
                tally.deleted += 1
        return tally

    def report_missing(self, moves: list) -> None:
        """The files the database names that are neither on the local disk nor in the store."""
        (_, public_root, public_store), (_, private_root, private_store) = moves
        missing = []
        for model in apps.get_models():
            for model_field in model._meta.get_fields():
                if not isinstance(model_field, models.FileField):
                    continue
                if model_field.storage is private_storage:
                    root, store = private_root, private_store
                else:
                    root, store = public_root, public_store
                # Every row, whatever a model's default manager leaves out.
                names = (
                    models.QuerySet(model)
                    .exclude(**{model_field.name: ""})
                    .exclude(**{f"{model_field.name}__isnull": True})
                    .values_list(model_field.name, flat=True)
                )
                for name in names.iterator():
                    if not (root / name).is_file() and not store.exists(name):
                        missing.append(f"{model._meta.label}.{model_field.name}: {name}")
        if missing:
            self.stdout.write(
                f"データベースが参照しているが、ローカルにも保存先にもないファイル: "
                f"{len(missing):,} 件"
            )
            for line in missing:
                self.stdout.write(f"  {line}")
