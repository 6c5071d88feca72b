"""What an uploaded file really is, read from its content (never from its name or the
browser's Content-Type): a member's document is a PDF, JPEG, PNG or HEIC; a union's 異動届 a
PDF, Excel or Word file; each within the size limit."""

from __future__ import annotations

import logging
import zipfile
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 60_000_000  # a 48-megapixel phone photo fits; decompression bombs do not

EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png", "heic": "heic"}
ACCEPT = "application/pdf,image/jpeg,image/png,image/heic,image/heif,.pdf,.jpg,.jpeg,.png,.heic"

MESSAGES = {
    "missing": _("ファイルを選択してください。"),
    "empty": _("ファイルが空です。内容のあるファイルを選択してください。"),
    "too_large": _("ファイルサイズは10MB以下にしてください。"),
    "type": _(
        "アップロードできるのはPDF、JPEG、PNG、HEIC形式のファイルです。"
        "ファイルの内容をご確認ください。"
    ),
}

TRANSFER_FORM_TYPE = _(
    "異動届はPDF、Excel、Word形式のファイルを選択してください。ファイルの内容をご確認ください。"
)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and .doc (and .ppt, .msg …) begin so

_heif_ready = False


def _register_heif() -> bool:
    global _heif_ready  # noqa: PLW0603 — register the opener once per process
    if not _heif_ready:
        try:
            from pillow_heif import register_heif_opener
        except ImportError:  # pragma: no cover — the dependency is installed
            return False
        register_heif_opener()
        _heif_ready = True
    return True


def detect_kind(upload: UploadedFile) -> str:
    """The file's real format ("pdf", "jpeg", "png", "heic") or a ValidationError with the
    member-facing message. Leaves the file positioned at its start."""
    if upload is None:
        raise ValidationError(MESSAGES["missing"], code="missing")
    _check_size(upload)
    try:
        kind = _pdf(upload) or _image(upload)
    finally:
        upload.seek(0)
    if kind is None:
        raise ValidationError(MESSAGES["type"], code="type")
    return kind


def _check_size(upload: UploadedFile) -> None:
    if upload.size == 0:
        raise ValidationError(MESSAGES["empty"], code="empty")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(MESSAGES["too_large"], code="too_large")


def _pdf(upload: UploadedFile) -> str | None:
    upload.seek(0)
    if not upload.read(1024).lstrip().startswith(b"%PDF-"):
        return None
    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted or len(reader.pages) == 0:
            return None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        logger.info("rejected an upload that claims to be a PDF")
        return None
    return "pdf"


def _image(upload: UploadedFile) -> str | None:
    _register_heif()
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return None
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return {"JPEG": "jpeg", "PNG": "png", "HEIF": "heic"}.get(image_format or "")


def transfer_form_kind(upload: UploadedFile) -> str:
    """The real format of a union's 異動届 ("pdf", "xlsx", "docx", "xls", "doc") or a
    ValidationError with the staff-facing message. An Office 97-2003 file says only that it
    is one: its name tells .xls from .doc. Leaves the file positioned at its start."""
    _check_size(upload)
    try:
        kind = _pdf(upload) or _office(upload)
    finally:
        upload.seek(0)
    if kind is None:
        raise ValidationError(TRANSFER_FORM_TYPE, code="type")
    return kind


def _office(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head == OLE2:
        suffix = PurePath(upload.name or "").suffix.lower().lstrip(".")
        return suffix if suffix in ("xls", "doc") else None
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return None
