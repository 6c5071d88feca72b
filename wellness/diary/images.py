"""A post's picture: what it really is, read from its content (never its name or the browser's
Content-Type), then drawn again: upright, at most MAX_EDGE pixels on its longer edge, without
EXIF or any other metadata. GIFs keep their first frame (as PNG)."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # 「10MB以内のpng/jpg/gifのみ」
MAX_IMAGE_PIXELS = 40_000_000  # a large phone photo fits; decompression bombs do not
MAX_EDGE = 1600
FORMATS = {"PNG", "JPEG", "GIF"}
ACCEPT = "image/png,image/jpeg,image/gif"

WRONG_TYPE = _("画像はpng/jpg/gif形式のファイルを選択してください。")
TOO_LARGE = _("画像は10MB以内のファイルを選択してください。")
TOO_MANY_PIXELS = _("画像の縦横のサイズが大きすぎます。")


def check(upload) -> str:
    """The picture's real format ("PNG", "JPEG", "GIF") or a ValidationError with the
    member-facing message. Leaves the file at its start."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(TOO_LARGE, code="too_large")
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            image_format = probe.format
            if image_format not in FORMATS:
                raise ValidationError(WRONG_TYPE, code="type")
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise ValidationError(TOO_MANY_PIXELS, code="pixels")
            probe.verify()
    except Image.DecompressionBombError:
        raise ValidationError(TOO_MANY_PIXELS, code="pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(WRONG_TYPE, code="type") from None
    finally:
        upload.seek(0)
    return image_format


def reencode(upload) -> SimpleUploadedFile:
    """The checked picture drawn again as a new file (JPEG stays JPEG, PNG and GIF become PNG)."""
    image_format = check(upload)
    try:
        with Image.open(upload) as source:
            source.seek(0)
            image = ImageOps.exif_transpose(source)
            image = image.convert("RGB" if image_format == "JPEG" else "RGBA")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(WRONG_TYPE, code="type") from None
    image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    # Only the pixels travel on: no EXIF (place, camera), comments or colour-profile chunks.
    image = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if image_format == "JPEG":
        image.save(out, "JPEG", quality=85, optimize=True)
        return SimpleUploadedFile("diary.jpg", out.getvalue(), "image/jpeg")
    image.save(out, "PNG", optimize=True)
    return SimpleUploadedFile("diary.png", out.getvalue(), "image/png")


def content_type(name: str) -> str:
    return "image/jpeg" if name.endswith(".jpg") else "image/png"
