"""`manage.py move_files_to_store` (issue 24): a single-host deployment's files go into the
S3-compatible store under the same names, so the database's file names stay valid; a second
run copies nothing, --dry-run writes nothing, and local storages are refused."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from kosmo.models import DocumentJob

PDF = b"%PDF-1.7 moved"
LOGO = b"\x89PNG logo"


def local_file(root, name: str, content: bytes) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


@pytest.fixture
def local_files():
    """A deployment's files on its disk: a union's logo and a generated PDF."""
    local_file(settings.MEDIA_ROOT, "unions/logos/kosmo.png", LOGO)
    local_file(settings.PRIVATE_MEDIA_ROOT, "documents/2026/12/iryouhi.pdf", PDF)


def move(*args: str) -> str:
    out = StringIO()
    call_command("move_files_to_store", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_every_local_file_is_copied_under_its_own_name(db, s3_storages, local_files):
    output = move()

    assert s3_storages.keys() == [
        "private/documents/2026/12/iryouhi.pdf",
        "public/unions/logos/kosmo.png",
    ]
    body = s3_storages.client.get_object(
        Bucket=s3_storages.bucket, Key="private/documents/2026/12/iryouhi.pdf"
    )["Body"].read()
    assert body == PDF
    assert (
        f"公開ファイル ({settings.MEDIA_ROOT}): コピーしたファイル 1 件 (9 バイト)、"
        "保存先に同じサイズであるため飛ばしたファイル 0 件 (0 バイト)"
    ) in output
    assert (
        f"非公開ファイル ({settings.PRIVATE_MEDIA_ROOT}): コピーしたファイル 1 件 (14 バイト)、"
        "保存先に同じサイズであるため飛ばしたファイル 0 件 (0 バイト)"
    ) in output
    # Copied, not moved: the local files stay unless --delete-local.
    assert (settings.PRIVATE_MEDIA_ROOT / "documents/2026/12/iryouhi.pdf").exists()


def test_running_it_again_copies_nothing(db, s3_storages, local_files):
    move()
    first = {
        key: s3_storages.client.head_object(Bucket=s3_storages.bucket, Key=key)["ETag"]
        for key in s3_storages.keys("")
    }

    output = move()

    assert (
        "コピーしたファイル 0 件 (0 バイト)、"
        "保存先に同じサイズであるため飛ばしたファイル 1 件 (14 バイト)"
    ) in output
    assert s3_storages.keys() == sorted(first)  # no second copy under another name


def test_a_partial_copy_in_the_store_is_replaced_under_the_same_name(db, s3_storages, local_files):
    s3_storages.client.put_object(
        Bucket=s3_storages.bucket, Key="private/documents/2026/12/iryouhi.pdf", Body=b"%PDF"
    )

    output = move()

    assert "非公開ファイル" in output and "コピーしたファイル 1 件 (14 バイト)" in output
    assert s3_storages.keys("private/") == ["private/documents/2026/12/iryouhi.pdf"]
    body = s3_storages.client.get_object(
        Bucket=s3_storages.bucket, Key="private/documents/2026/12/iryouhi.pdf"
    )["Body"].read()
    assert body == PDF


def test_dry_run_lists_the_files_and_writes_nothing(db, s3_storages, local_files):
    output = move("--dry-run")

    assert s3_storages.keys() == []
    assert "確認のみ (--dry-run): 何も書き込みません。" in output
    assert "  unions/logos/kosmo.png (9 バイト)" in output
    assert "  documents/2026/12/iryouhi.pdf (14 バイト)" in output
    assert "コピーするファイル 1 件 (14 バイト)" in output


def test_a_document_jobs_file_opens_from_the_store_after_the_move(
    s3_storages, local_files, insured
):
    job = DocumentJob.objects.create(
        owner=insured,
        kind="test",
        params={},
        params_key="k",
        file="documents/2026/12/iryouhi.pdf",
    )

    move("--delete-local")

    assert not (settings.PRIVATE_MEDIA_ROOT / "documents/2026/12/iryouhi.pdf").exists()
    job.refresh_from_db()
    with job.file.open("rb") as file:
        assert file.read() == PDF


def test_delete_local_removes_only_files_verified_in_the_store(db, s3_storages, local_files):
    output = move("--delete-local")

    assert "削除したローカルのファイル 1 件" in output
    assert not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))
    assert not any(p.is_file() for p in settings.PRIVATE_MEDIA_ROOT.rglob("*"))
    assert len(s3_storages.keys()) == 2


def test_files_the_database_names_but_nobody_has_are_reported(s3_storages, insured, union):
    DocumentJob.objects.create(
        owner=insured, kind="test", params={}, params_key="k", file="documents/gone.pdf"
    )
    union.logo = "unions/logos/gone.png"
    union.save()

    output = move()

    assert "データベースが参照しているが、ローカルにも保存先にもないファイル: 2 件" in output
    assert "  kosmo.DocumentJob.file: documents/gone.pdf" in output
    assert "  kosmo.Union.logo: unions/logos/gone.png" in output


def test_it_refuses_when_the_storages_are_the_local_folders(db, local_files):
    with pytest.raises(CommandError) as refused:
        move()

    assert str(refused.value).startswith("公開ファイルの保存先がローカルのファイルシステム")
    assert "AWS_STORAGE_BUCKET_NAME などの AWS_* 変数を設定してから実行してください" in str(
        refused.value
    )
