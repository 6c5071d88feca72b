"""健康日記 (manual §4-10): 利用規約 and プロフィール設定 on first use, the TOP feed and
「自分の投稿」, 「投稿する」 with its confirm step, 「👍」, 「削除する」, 「ブロック」 and the
ブロックリスト with 「解除する」, 「通報する」; pictures served only to the union's members."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kosmo.access import feature_required, member_required
from kosmo.storage import STORE_DOWN_UPLOAD, StoreUnavailable, open_stored, store_errors
from notices.models import Profile
from wellness.diary import images, queries, services
from wellness.diary.forms import DiaryProfileForm, PostForm, ReportForm, TermsForm
from wellness.diary.models import POST_MAX_LENGTH, Report

FEATURE = "diary"


def onboarding_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The terms and profile steps: members of a union that contracted 健康日記."""
    return member_required(feature_required(FEATURE)(view))


def diary_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page of the diary itself: first the terms (only while not agreed), then the profile."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.diary = queries.participant(request.member)
        # Any diary page shows the step still to take (its form posts to the step's own URL).
        if request.diary is None:
            return terms(request) if request.method == "GET" else redirect("wellness:diary_terms")
        if not queries.has_profile(request.member):
            if request.method == "GET":
                return profile(request)
            return redirect("wellness:diary_profile")
        return view(request, *args, **kwargs)

    return onboarding_page(wrapped)


@onboarding_page
@require_http_methods(["GET", "POST"])
def terms(request: HttpRequest) -> HttpResponse:
    """(1)-1 2. 健康日記利用規約: 「利用規約に同意する」 → 「プロフィールを設定する」."""
    if queries.participant(request.member) is not None:
        return redirect("wellness:diary")
    form = TermsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.agree_to_terms(person=request.member)
        return redirect("wellness:diary_profile")
    return render(
        request, "wellness/diary/terms.html", {"form": form}, status=400 if form.errors else 200
    )


@onboarding_page
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """(1)-1 3. プロフィール設定 (the same one as 個人設定): 「設定して健康日記をはじめる」."""
    if queries.participant(request.member) is None:
        return redirect("wellness:diary_terms")
    instance = queries.profile(request.member) or Profile(person=request.member)
    form = DiaryProfileForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid() and form.save_or_keep():
        return redirect("wellness:diary")
    return render(
        request,
        "wellness/diary/profile.html",
        {"form": form, "profile": instance},
        status=400 if form.errors else 200,
    )


@diary_page
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """健康日記TOP: everyone's posts, newest first."""
    return _feed(request, own=False)


@diary_page
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """(2)-2 「自分の投稿」."""
    return _feed(request, own=True)


def _feed(request: HttpRequest, *, own: bool) -> HttpResponse:
    page = queries.feed_page(request.member, request.GET.get("page"), own=own)
    return render(
        request,
        "wellness/diary/index.html",
        {"page": page, "own": own, "participant": request.diary},
    )


@diary_page
@require_http_methods(["GET", "POST"])
def post(request: HttpRequest) -> HttpResponse:
    """(1)-2 投稿する: the text and a picture → 「投稿内容を確認する」 → 「投稿する」."""
    participant = request.diary
    context = {"participant": participant, "max_length": POST_MAX_LENGTH}
    template = "wellness/diary/post.html"
    if participant.is_restricted:
        return render(request, "wellness/diary/post.html", context, status=403)
    if request.method == "GET":
        return render(request, "wellness/diary/post.html", {**context, "form": PostForm()})
    step = request.POST.get("step")
    try:
        token = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        token = uuid.uuid4()
    if step == "back":
        try:
            with store_errors():
                services.discard_image(person=request.member, token=token)
        except StoreUnavailable:
            pass  # the held picture stays until the abandoned pictures are purged
        form = PostForm(initial={"body": request.POST.get("body", "")})
        return render(request, "wellness/diary/post.html", {**context, "form": form})
    if step == "post":
        form = PostForm({"body": request.POST.get("body", "")})
        if not form.is_valid():
            return render(request, template, {**context, "form": form}, status=400)
        try:
            _post, created = services.create_post(
                person=request.member, body=form.cleaned_data["body"], token=token
            )
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, template, {**context, "form": form}, status=400)
        if created:
            messages.success(request, _("投稿しました。"))
        return redirect("wellness:diary")
    form = PostForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, template, {**context, "form": form}, status=400)
    pending = None
    if form.cleaned_data["image"] is not None:
        try:
            with store_errors():
                pending = services.hold_image(
                    person=request.member, image=form.cleaned_data["image"], token=token
                )
        except StoreUnavailable:
            form.add_error("image", STORE_DOWN_UPLOAD)
            return render(request, template, {**context, "form": form}, status=400)
    return render(
        request,
        "wellness/diary/confirm.html",
        {"body": form.cleaned_data["body"], "token": token, "pending": pending},
    )


def _image_response(field_file) -> FileResponse:
    response = FileResponse(
        open_stored(field_file.storage, field_file.name),  # 404 if gone, 503 if unreachable
        content_type=images.content_type(field_file.name),
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@diary_page
@require_GET
def image(request: HttpRequest, pk: int) -> HttpResponse:
    """A post's picture: only for members of the post's union who may see the post."""
    shown = queries.visible_post(request.member, pk)
    if not shown.image:
        raise Http404
    return _image_response(shown.image)


@diary_page
@require_GET
def pending_image(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """The picture on the confirm page: only for the member who chose it."""
    return _image_response(queries.pending_image(request.member, token).image)


def _back(request: HttpRequest, post_pk: int | None = None) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("wellness:diary")
    if post_pk is not None:
        target = f"{target}#post-{post_pk}"
    return redirect(target)


@diary_page
@require_POST
def like(request: HttpRequest, pk: int) -> HttpResponse:
    """(2)-1 「👍」: the button says which state to set, so a double submit changes nothing."""
    liked = queries.visible_post(request.member, pk)
    services.set_like(person=request.member, post=liked, liked=request.POST.get("liked") == "1")
    return _back(request, liked.pk)


@diary_page
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """(2)-3 「削除する」 → the confirmation → 「削除」: the member's own posts only."""
    own = queries.own_post(request.member, pk)
    if request.method == "POST":
        services.delete_own_post(person=request.member, post=own)
        messages.success(request, _("投稿を削除しました。"))
        return redirect("wellness:diary_mine")
    return render(request, "wellness/diary/delete.html", {"post": own})


@diary_page
@require_http_methods(["GET", "POST"])
def block(request: HttpRequest, pk: int) -> HttpResponse:
    """(2)-4 「ブロック」 → 「ブロックする」 → 「OK」: the author of a post the member sees."""
    shown = queries.visible_post(request.member, pk)
    if shown.author_id == request.member.pk:
        raise Http404
    if request.method == "POST":
        services.block(blocker=request.member, blocked=shown.author)
        return render(request, "wellness/diary/blocked.html", {"post": shown})
    return render(request, "wellness/diary/block.html", {"post": shown})


@diary_page
@require_GET
def blocks(request: HttpRequest) -> HttpResponse:
    """(2)-5 ブロックリスト."""
    return render(
        request, "wellness/diary/blocks.html", {"blocks": queries.blocked_people(request.member)}
    )


@diary_page
@require_http_methods(["GET", "POST"])
def unblock(request: HttpRequest, person_pk: int) -> HttpResponse:
    """(2)-5 「解除する」 → the confirmation → 「解除する」."""
    row = queries.block_of(request.member, person_pk)
    if request.method == "POST":
        services.unblock(blocker=request.member, blocked_id=row.blocked_id)
        messages.success(request, _("ブロックを解除しました。"))
        return redirect("wellness:diary_blocks")
    # Not `block`: inside {% block %} that name is the template block (for block.super).
    return render(request, "wellness/diary/unblock.html", {"row": row})


@diary_page
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """(2)-6 通報する: 通報内容 → 「通報する」 → the confirmation 「通報する」 → done, with
    「ブロックする」 to block the author next."""
    shown = queries.visible_post(request.member, pk)
    if shown.author_id == request.member.pk:
        raise Http404
    form = ReportForm(request.POST if request.method == "POST" else None)
    context = {"post": shown, "form": form}
    if request.method == "GET" or not form.is_valid():
        return render(
            request, "wellness/diary/report.html", context, status=400 if form.errors else 200
        )
    reason = form.cleaned_data["reason"]
    if request.POST.get("step") != "report":
        context["reason_label"] = Report.Reason(reason).label
        return render(request, "wellness/diary/report_confirm.html", context)
    services.report(reporter=request.member, post=shown, reason=reason)
    return render(request, "wellness/diary/reported.html", {"post": shown})
