"""お知らせ・MYメール (manual §4-20), 個人設定 (§4-21), 通知設定 (§4-22), ヘルプ (§5-2)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kosmo.access import member_required
from notices import queries, services
from notices.forms import EmailPreferenceForm, ProfileForm, ReplyForm
from notices.models import Profile

PAGE_SIZE = 20


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@member_required
def news(request: HttpRequest) -> HttpResponse:
    """NTC-1 お知らせの一覧: unread ones marked."""
    page = _page(request, queries.notices_for(request.member, request.union))
    return render(request, "notices/news_list.html", {"page": page})


@member_required
def news_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = queries.get_notice_for_member(request.member, request.union, pk)
    if not notice.is_read:
        services.mark_notice_read(notice, request.member)
    return render(request, "notices/news_detail.html", {"notice": notice})


@member_required
def mail(request: HttpRequest) -> HttpResponse:
    """NTC-2 MYメールの一覧."""
    page = _page(request, queries.messages_for(request.member))
    return render(request, "notices/mail_list.html", {"page": page})


@member_required
def mail_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A MY mail; 「要返信」 ones carry the reply form 「送信する」."""
    message = queries.get_message_for_member(request.member, pk)
    form = ReplyForm() if message.requires_reply else None
    refusal = ""
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                _reply, created = services.reply(
                    message, body=form.cleaned_data["body"], token=form.cleaned_data["token"]
                )
            except services.ReplyRefused as refused:
                refusal = str(refused)
                form.add_error(None, refusal)
            else:
                if created:
                    messages.success(request, _("返信を送信しました。"))
                return redirect("notices:mail_detail", pk=message.pk)
        if not message.requires_reply:
            form = None
    elif message.is_unread:
        services.mark_message_read(message)
    replies = list(message.replies.order_by("created_at"))
    context = {"message": message, "form": form, "replies": replies, "refusal": refusal}
    failed = request.method == "POST"
    return render(request, "notices/mail_detail.html", context, status=400 if failed else 200)


@member_required
def personal_settings(request: HttpRequest) -> HttpResponse:
    """個人設定: the entry to プロフィール設定."""
    return render(request, "notices/personal_settings.html")


@member_required
def profile(request: HttpRequest) -> HttpResponse:
    """NTC-3 プロフィール設定: picture (cut and resized), nickname, self-introduction."""
    instance = Profile.objects.filter(person=request.member).first() or Profile(
        person=request.member
    )
    form = ProfileForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid() and form.save_or_keep():
        messages.success(request, _("プロフィールを保存しました。"))
        return redirect("notices:profile")
    return render(
        request,
        "notices/profile.html",
        {"form": form, "profile": instance},
        status=400 if form.errors else 200,
    )


@member_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """通知設定: the entry to Eメール通知設定."""
    return render(request, "notices/notification_settings.html")


@member_required
def email_settings(request: HttpRequest) -> HttpResponse:
    """NTC-4 Eメール通知設定: receive or refuse the news and MY mail e-mails."""
    current = queries.email_preference_of(request.user)
    form = EmailPreferenceForm(
        request.POST or None, initial={"news": current.news, "my_mail": current.my_mail}
    )
    if request.method == "POST" and form.is_valid():
        services.set_email_preferences(request.user, **form.cleaned_data)
        messages.success(request, _("Eメール通知設定を保存しました。"))
        return redirect("notices:email_settings")
    return render(request, "notices/email_settings.html", {"form": form})


def guide(request: HttpRequest) -> HttpResponse:
    """NTC-5 ご利用案内: open to everyone, so a member who cannot sign in can read it."""
    return render(
        request, "notices/guide.html", {"sections": queries.guide_sections(request.union)}
    )


def faq(request: HttpRequest) -> HttpResponse:
    """NTC-5 よくある質問: categories → questions → answers."""
    return render(
        request, "notices/faq.html", {"categories": queries.faq_categories(request.union)}
    )
