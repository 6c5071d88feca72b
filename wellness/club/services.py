"""Write side of MY HEALTH CLUB: hearts, read events and the staff audit trail."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from kosmo.models import Person
from wellness.club.models import Article, Favourite, ReadEvent, StaffAction
from wellness.club.signals import article_read


def set_favourite(*, person: Person, article: Article, on: bool) -> bool:
    """Put the heart on (or take it off) `article` for `person`; the same request twice leaves
    the same state (a double submit is harmless). Returns whether it is a favourite now."""
    if on:
        Favourite.objects.get_or_create(person=person, article=article)
    else:
        Favourite.objects.filter(person=person, article=article).delete()
    return on


def record_read(*, person: Person, article: Article, on: dt.date | None = None) -> None:
    """Count the member's reading of `article` once for the day (Japan time); `article_read`
    tells other apps after the commit."""
    day = on or timezone.localdate()
    ReadEvent.objects.bulk_create(
        [ReadEvent(person=person, article=article, read_on=day)], ignore_conflicts=True
    )
    transaction.on_commit(
        lambda: article_read.send(sender=Article, person=person, article=article, on=day)
    )


def refresh_search_text(article: Article) -> None:
    """After the tags changed (they are saved after the article): the search column again."""
    Article.objects.filter(pk=article.pk).update(search_text=article.make_search_text())


@transaction.atomic
def record_staff_action(
    *, staff, obj, action: str, changed_fields: list[str] | tuple[str, ...] = ()
) -> StaffAction:
    """The audit row of a staff change to an article or a supporter."""
    return StaffAction.objects.create(
        union_id=obj.union_id,
        staff=staff,
        action=action,
        subject=obj._meta.model_name,
        subject_id=obj.pk,
        title=str(obj)[:120],
        changed_fields=", ".join(changed_fields)[:300],
    )
