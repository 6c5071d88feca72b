"""Where files live: the local file system (the default, `make run`) or any S3-compatible
object store (AWS S3, MinIO, Ceph RGW, Cloudflare R2) when AWS_STORAGE_BUCKET_NAME is set.

Two storages, both through Django's `STORAGES`:
- "default": public media (union logos, club images, profile images), served by the
  portal's own /media/ view, so a bucket never needs a public ACL;
- "private": generated PDFs, survey uploads, diary images, health-data imports, served only
  through the views that check who asks.

Models name the private storage through `private_storage` (a lazy object, as Django's
`default_storage` is): a FileField keeps the storage it was given when its model class is
loaded, and this one follows `STORAGES["private"]` whenever the settings change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404
from django.utils.encoding import filepath_to_uri
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _
from storages.backends.s3 import S3Storage

logger = logging.getLogger(__name__)


class PrivateStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = storages["private"]


private_storage: Storage = PrivateStorage()  # type: ignore[assignment]


@receiver(setting_changed)
def _follow_storages(*, setting: str, **kwargs) -> None:
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT", "MEDIA_ROOT"):
        private_storage._wrapped = empty


class PublicMediaS3Storage(S3Storage):
    """Public media in the bucket, addressed through the portal (MEDIA_URL): the bucket
    stays private and a file's address does not change with a signature's expiry."""

    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        from django.conf import settings

        return f"/{settings.MEDIA_URL.strip('/')}/{filepath_to_uri(name)}"


# --- The store unreachable ----------------------------------------------------------------------
#
# What a storage call raises when the store cannot be reached or fails: botocore's errors (a
# refused or timed-out connection, an S3 error response) and the file system's (a full or
# unmounted disk). Storage calls that a member waits on go through `store_errors()`, which turns
# them into StoreUnavailable: a download is answered by the 503 page (kosmo.middleware), an
# upload's form comes back with STORE_DOWN_UPLOAD, a PDF's save leaves its job to be re-queued
# (kosmo.documents).

STORE_ERRORS = (BotoCoreError, ClientError, OSError)

STORE_DOWN_UPLOAD = _(
    "ただいまファイルを保存できません。入力内容はそのままです。"
    "しばらくしてから、もう一度ファイルを選択して送信してください。"
)


class StoreUnavailable(Exception):
    """The file store did not answer or failed; the same call may succeed later."""


def is_missing(error: BaseException) -> bool:
    """Whether a storage error says the file is not there (not that the store is down)."""
    if isinstance(error, FileNotFoundError):
        return True
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")
    return False


@contextmanager
def store_errors() -> Iterator[None]:
    """Storage calls inside raise StoreUnavailable instead of the store's own errors."""
    try:
        yield
    except STORE_ERRORS as error:
        logger.warning("file store unavailable: %r", error)
        raise StoreUnavailable(str(error)) from error


def open_stored(storage: Storage, name: str) -> File:
    """The stored file opened for reading and fetched now, so that a view answers within
    itself rather than failing while it streams: Http404 when the store has no such file,
    StoreUnavailable when the store cannot be reached."""
    try:
        file = storage.open(name, "rb")
        file.seek(0)  # an S3 object is read here (into a spooled temporary file)
    except STORE_ERRORS as error:
        if is_missing(error):
            raise Http404("no such stored file") from error
        logger.warning("file store unavailable: %r", error)
        raise StoreUnavailable(str(error)) from error
    return file
