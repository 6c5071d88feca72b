"""The read side of 健康日記: every query starts from the member asking (their union, their
blocks); a post outside what they may see is a 404."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from kosmo.models import Person
from notices.models import Profile
from wellness.diary.models import Block, DiaryPost, Like, Participant, PendingImage

PER_PAGE = 20


def participant(person: Person) -> Participant | None:
    return Participant.objects.filter(person=person).first()


def profile(person: Person) -> Profile | None:
    """The shared プロフィール設定 (個人設定), if the member has one."""
    return Profile.objects.filter(person=person).first()


def has_profile(person: Person) -> bool:
    return Profile.objects.filter(person=person).exclude(nickname="").exists()


def visible_posts(person: Person) -> QuerySet[DiaryPost]:
    """Posts of the member's union that are shown, without those of members they blocked."""
    blocked = Block.objects.filter(blocker=person).values("blocked")
    return DiaryPost.objects.filter(
        union_id=person.household.union_id, hidden_at__isnull=True
    ).exclude(author__in=blocked)


def feed_page(person: Person, page_number, *, own: bool = False) -> Page:
    """A page of the feed, newest first, each post with its author's profile, its number of
    likes and whether this member liked it: the same queries whatever the page holds."""
    posts = visible_posts(person)
    if own:
        posts = posts.filter(author=person)
    posts = (
        posts.select_related("author__profile")
        .annotate(
            like_count=Count("likes"),
            liked=Exists(Like.objects.filter(post=OuterRef("pk"), person=person)),
        )
        .order_by("-created_at", "-pk")
    )
    return Paginator(posts, PER_PAGE).get_page(page_number)


def visible_post(person: Person, pk: int) -> DiaryPost:
    return get_object_or_404(visible_posts(person).select_related("author__profile"), pk=pk)


def own_post(person: Person, pk: int) -> DiaryPost:
    return get_object_or_404(DiaryPost.objects.filter(author=person), pk=pk)


def pending_image(person: Person, token) -> PendingImage:
    return get_object_or_404(PendingImage.objects.filter(person=person), token=token)


def blocked_people(person: Person) -> QuerySet[Block]:
    return Block.objects.filter(blocker=person).select_related("blocked__profile")


def block_of(person: Person, blocked_id: int) -> Block:
    return get_object_or_404(blocked_people(person), blocked_id=blocked_id)
