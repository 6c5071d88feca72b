"""Read side: what a member may see of お知らせ, MYメール and ヘルプ."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from kosmo.models import Person, Union
from notices.models import (
    EmailPreference,
    FaqCategory,
    FaqQuestion,
    GuideSection,
    Message,
    Notice,
    NoticeRead,
    Reply,
)


def notices_for(person: Person, union: Union) -> QuerySet[Notice]:
    """Published notices of the member's union and the service-wide ones, newest first,
    each with `is_read` for this member."""
    return (
        Notice.objects.for_union(union)
        .published()
        .annotate(is_read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"), person=person)))
    )


def get_notice_for_member(person: Person, union: Union, pk: int) -> Notice:
    notice = notices_for(person, union).filter(pk=pk).first()
    if notice is None:
        raise Http404("no such notice")
    return notice


def messages_for(person: Person) -> QuerySet[Message]:
    """The member's own MY mail, newest first (a household's other members' are not theirs),
    each with `is_replied`: whether the member has answered it (「返信済み」)."""
    return Message.objects.filter(recipient=person).annotate(
        is_replied=Exists(Reply.objects.filter(message=OuterRef("pk")))
    )


def get_message_for_member(person: Person, pk: int) -> Message:
    message = messages_for(person).filter(pk=pk).first()
    if message is None:
        raise Http404("no such message")
    return message


def email_preference_of(user) -> EmailPreference:
    """The account's Eメール通知設定. An account that never saved one receives both e-mails:
    an unsaved row with the model's defaults (read from `user.email_preference` when loaded)."""
    try:
        return user.email_preference
    except EmailPreference.DoesNotExist:
        return EmailPreference(user_id=user.pk)


def guide_sections(union: Union | None) -> QuerySet[GuideSection]:
    return GuideSection.objects.for_union(union)


def faq_categories(union: Union | None) -> QuerySet[FaqCategory]:
    """Categories in order, each with its questions in order (two queries)."""
    return FaqCategory.objects.for_union(union).prefetch_related(
        Prefetch("questions", queryset=FaqQuestion.objects.order_by("order", "pk"))
    )
