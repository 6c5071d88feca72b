"""Where files live: the local file system (the default, `make run`) or any S3-compatible
object store (AWS S3, MinIO, Ceph RGW, Cloudflare R2) when AWS_STORAGE_BUCKET_NAME is set.

Two storages, both through Django's `STORAGES`:
- "default": public media (union logos, club images, profile images), served by the
  portal's own /media/ view, so a bucket never needs a public ACL;
- "private": generated PDFs, survey uploads, diary images, health-data imports, served only
  through the views that check who asks.

Models name the private storage through `private_storage`, which passes every call on to
`STORAGES["private"]` as the settings are at that moment.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.http import Http404
from django.utils.encoding import filepath_to_uri
from django.utils.translation import gettext_lazy as _
from storages.backends.s3 import S3Storage

logger = logging.getLogger(__name__)


class PrivateStorage(Storage):
    """STORAGES["private"], looked up at every call: a FileField keeps the storage object it
    was given when its model class loaded, and this one follows the settings (the tests'
    temporary folders, a bucket) because Django's `storages` is rebuilt when STORAGES
    changes. Each public method of Storage is passed on as it is."""

    @property
    def target(self) -> Storage:
        return storages["private"]

    def open(self, name, mode="rb"):
        return self.target.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.target.save(name, content, max_length=max_length)

    def get_valid_name(self, name):
        return self.target.get_valid_name(name)

    def get_alternative_name(self, file_root, file_ext):
        return self.target.get_alternative_name(file_root, file_ext)

    def get_available_name(self, name, max_length=None):
        return self.target.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self.target.generate_filename(filename)

    def path(self, name):
        return self.target.path(name)

    def delete(self, name):
        return self.target.delete(name)

    def exists(self, name):
        return self.target.exists(name)

    def listdir(self, path):
        return self.target.listdir(path)

    def size(self, name):
        return self.target.size(name)

    def url(self, name):
        return self.target.url(name)

    def get_accessed_time(self, name):
        return self.target.get_accessed_time(name)

    def get_created_time(self, name):
        return self.target.get_created_time(name)

    def get_modified_time(self, name):
        return self.target.get_modified_time(name)


private_storage = PrivateStorage()


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
    if isinstance(error, FileNotFoundError | IsADirectoryError | NotADirectoryError):
        return True  # on a disk: no such file, or a folder's name
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
