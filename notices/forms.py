"""Input of the reply form, プロフィール設定 and Eメール通知設定, with the screens' messages."""

from __future__ import annotations

import io
import uuid
from contextlib import suppress

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from kosmo.storage import STORE_DOWN_UPLOAD, StoreUnavailable, store_errors
from notices import services
from notices.models import Profile

PROFILE_IMAGE_MAX_BYTES = 5 * 1024 * 1024
PROFILE_IMAGE_MAX_PIXELS = 40_000_000
PROFILE_IMAGE_SIZE = 256  # stored square, in pixels
ALLOWED_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif"}
ALLOWED_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif"}

WRONG_TYPE = _("画像はPNG・JPEG・GIF形式のファイルを選択してください。")
TOO_BIG = _("画像のファイルサイズは5MB以下にしてください。")
TOO_MANY_PIXELS = _("画像の縦横のサイズが大きすぎます。")
CHOOSE_AGAIN = _("画像は保存されていません。入力内容を直して、もう一度画像を選択してください。")


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("返信内容"),
        max_length=services.REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("返信内容を入力してください。"),
            "max_length": _("返信内容は%(limit_value)d文字以内で入力してください。"),
        },
    )
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("返信内容を入力してください。"))
        return body


def process_profile_image(upload, *, zoom: int, x: int, y: int) -> SimpleUploadedFile:
    """The uploaded picture cut to the chosen square (zoom 100–300 %, position 0–100 % across
    and down), turned upright, resized to PROFILE_IMAGE_SIZE and saved again without EXIF or
    other metadata. GIFs keep their first frame, as PNG."""
    upload.seek(0)
    with Image.open(upload) as source:
        image_format = source.format
        source.seek(0)
        image = ImageOps.exif_transpose(source)
        image = image.convert("RGB" if image_format == "JPEG" else "RGBA")
    width, height = image.size
    side = max(1, round(min(width, height) * 100 / zoom))
    left = round((width - side) * x / 100)
    top = round((height - side) * y / 100)
    image = image.crop((left, top, left + side, top + side))
    image = image.resize((PROFILE_IMAGE_SIZE, PROFILE_IMAGE_SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if image_format == "JPEG":
        image.save(out, "JPEG", quality=88, optimize=True)
        return SimpleUploadedFile("profile.jpg", out.getvalue(), "image/jpeg")
    image.save(out, "PNG", optimize=True)
    return SimpleUploadedFile("profile.png", out.getvalue(), "image/png")


class ProfileForm(forms.ModelForm):
    image = forms.FileField(
        label=_("プロフィール画像"),
        required=False,
        help_text=_("PNG・JPEG・GIF形式、5MBまで。"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif"}),
    )
    zoom = forms.IntegerField(
        label=_("拡大"),
        min_value=100,
        max_value=300,
        initial=100,
        required=False,
        widget=forms.NumberInput(attrs={"type": "range", "step": 5}),
    )
    position_x = forms.IntegerField(
        label=_("左右の位置"),
        min_value=0,
        max_value=100,
        initial=50,
        required=False,
        widget=forms.NumberInput(attrs={"type": "range"}),
    )
    position_y = forms.IntegerField(
        label=_("上下の位置"),
        min_value=0,
        max_value=100,
        initial=50,
        required=False,
        widget=forms.NumberInput(attrs={"type": "range"}),
    )

    class Meta:
        model = Profile
        fields = ["nickname", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 5})}
        error_messages = {
            "nickname": {
                "max_length": _("ニックネームは%(limit_value)d文字以内で入力してください。")
            },
            "introduction": {
                "max_length": _("自己紹介は%(limit_value)d文字以内で入力してください。")
            },
        }

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        name = upload.name.lower()
        if not any(name.endswith(ext) for ext in ALLOWED_EXTENSIONS):
            raise forms.ValidationError(WRONG_TYPE)
        if upload.size > PROFILE_IMAGE_MAX_BYTES:
            raise forms.ValidationError(TOO_BIG)
        try:
            upload.seek(0)
            with Image.open(upload) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise forms.ValidationError(WRONG_TYPE)
                if probe.width * probe.height > PROFILE_IMAGE_MAX_PIXELS:
                    raise forms.ValidationError(TOO_MANY_PIXELS)
                probe.verify()
        except forms.ValidationError:
            raise
        except Image.DecompressionBombError:
            raise forms.ValidationError(TOO_MANY_PIXELS) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise forms.ValidationError(WRONG_TYPE) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        for name, default in (("zoom", 100), ("position_x", 50), ("position_y", 50)):
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = default
        upload = cleaned.get("image")
        if upload and self.errors:
            # A browser never sends a chosen file again: say so beside the picture.
            self.add_error("image", CHOOSE_AGAIN)
        elif upload:
            try:
                cleaned["processed_image"] = process_profile_image(
                    upload, zoom=cleaned["zoom"], x=cleaned["position_x"], y=cleaned["position_y"]
                )
            except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
                self.add_error("image", WRONG_TYPE)
        return cleaned

    def save(self, commit: bool = True) -> Profile:
        profile = super().save(commit=False)
        processed = self.cleaned_data.get("processed_image")
        old = profile.image.name if processed is not None and profile.image else ""
        if processed is not None:
            profile.image.save(processed.name, processed, save=False)
        if commit:
            profile.save()
            # The replaced picture goes once the new one is stored; a store that fails here
            # leaves it behind (logged), not the member's new picture unsaved.
            if old:
                with suppress(StoreUnavailable), store_errors():
                    profile.image.storage.delete(old)
        return profile

    def save_or_keep(self) -> Profile | None:
        """save(); or, when the store cannot take the picture, nothing saved and the form
        kept with STORE_DOWN_UPLOAD beside the picture (the nickname and introduction stay
        as entered) and None returned."""
        try:
            with store_errors():
                return self.save()
        except StoreUnavailable:
            self.add_error("image", STORE_DOWN_UPLOAD)
            return None


class EmailPreferenceForm(forms.Form):
    news = forms.BooleanField(label=_("組合からのお知らせをEメールで受け取る"), required=False)
    my_mail = forms.BooleanField(label=_("MYメールの受信通知をEメールで受け取る"), required=False)
