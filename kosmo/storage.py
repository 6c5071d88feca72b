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

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.encoding import filepath_to_uri
from django.utils.functional import LazyObject, empty
from storages.backends.s3 import S3Storage


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
