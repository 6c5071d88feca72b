"""The write side of 健康日記: agreeing to the terms, posting (with the confirm step's pending
picture), likes, blocks, reports, and the staff's moderation — each staff action writes its
ModerationAction row in the same transaction and tells the member through MY mail."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kosmo.models import Person
from notices.services import send_message
from wellness.diary.models import (
    TERMS_VERSION,
    Block,
    DiaryPost,
    Like,
    ModerationAction,
    Participant,
    PendingImage,
    Report,
)

# 「不適切な投稿が繰り返された場合、当該利用者の投稿を制限いたします。」: the number of hidden or
# removed posts after which a member may no longer post.
RESTRICT_AFTER_VIOLATIONS = 3
SENDER = "健康日記事務局"

RESTRICTED = gettext_lazy("不適切な投稿が繰り返されたため、投稿を制限しています。")


def agree_to_terms(*, person: Person) -> Participant:
    """「利用規約に同意する」: the member's agreement to the current terms (idempotent)."""
    participant, created = Participant.objects.get_or_create(
        person=person,
        defaults={"union_id": person.household.union_id, "terms_version": TERMS_VERSION},
    )
    if not created and participant.terms_version != TERMS_VERSION:
        participant.terms_version = TERMS_VERSION
        participant.agreed_at = timezone.now()
        participant.save(update_fields=["terms_version", "agreed_at"])
    return participant


def hold_image(*, person: Person, image, token: uuid.UUID) -> PendingImage:
    """Keep the re-encoded picture between the confirm page and 「投稿する」 (replacing one held
    earlier under the same token)."""
    discard_image(person=person, token=token)
    pending = PendingImage(token=token, person=person)
    pending.image.save(image.name, image, save=False)
    pending.save()
    return pending


def discard_image(*, person: Person, token: uuid.UUID) -> None:
    for pending in PendingImage.objects.filter(token=token, person=person):
        pending.image.delete(save=False)
        pending.delete()


# A held picture whose post was never sent (the member left the confirm page) is removed
# from the store after this long: the confirm step takes minutes, not a day.
PENDING_IMAGE_LIFETIME = dt.timedelta(days=1)


def purge_abandoned_images(now: dt.datetime | None = None) -> int:
    """Remove held pictures older than PENDING_IMAGE_LIFETIME, file and row (a beat job);
    returns how many."""
    cutoff = (now or timezone.now()) - PENDING_IMAGE_LIFETIME
    count = 0
    for pending in PendingImage.objects.filter(created_at__lte=cutoff):
        pending.image.delete(save=False)
        pending.delete()
        count += 1
    return count


@transaction.atomic
def create_post(*, person: Person, body: str, token: uuid.UUID) -> tuple[DiaryPost, bool]:
    """「投稿する」: one post per confirm page (a second submit of the same token returns the
    first post), with the picture held for this token if any. Refused while restricted."""
    participant = Participant.objects.select_for_update().filter(person=person).first()
    if participant is None:
        raise ValidationError(_("健康日記の利用規約に同意してください。"), code="terms")
    if participant.is_restricted:
        raise ValidationError(RESTRICTED, code="restricted")
    existing = DiaryPost.objects.filter(token=token, author=person).first()
    if existing is not None:
        return existing, False
    post = DiaryPost(union_id=person.household.union_id, author=person, body=body, token=token)
    pending = PendingImage.objects.filter(token=token, person=person).first()
    if pending is not None:
        post.image.name = pending.image.name  # the stored file moves over as it is
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:  # the same token posted concurrently
        return DiaryPost.objects.get(token=token, author=person), False
    if pending is not None:
        pending.delete()
    return post, True


@transaction.atomic
def delete_own_post(*, person: Person, post: DiaryPost) -> None:
    """「削除する」 → 「削除」: the member's own post and its picture."""
    if post.author_id != person.pk:
        raise PermissionError("not the author")
    _delete_with_image(post)


def _delete_with_image(post: DiaryPost) -> None:
    name, storage = post.image.name, post.image.storage
    post.delete()
    if name:
        # robust: a store that is down leaves the picture behind (logged); the post is gone
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def set_like(*, person: Person, post: DiaryPost, liked: bool) -> None:
    """「👍」: the member's like set on or off (sending the same state twice changes nothing)."""
    if liked:
        Like.objects.get_or_create(post=post, person=person)
    else:
        Like.objects.filter(post=post, person=person).delete()


def block(*, blocker: Person, blocked: Person) -> None:
    """「ブロックする」: the blocked member's posts disappear from the blocker's pages."""
    if blocker.pk == blocked.pk:
        raise ValidationError(_("自分をブロックすることはできません。"), code="self")
    Block.objects.get_or_create(blocker=blocker, blocked=blocked)


def unblock(*, blocker: Person, blocked_id: int) -> None:
    """「解除する」."""
    Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()


def report(*, reporter: Person, post: DiaryPost, reason: str) -> Report:
    """「通報する」: the post joins the staff's queue (a second report of the same post by the
    same member updates the reason)."""
    if post.author_id == reporter.pk:
        raise ValidationError(_("自分の投稿は通報できません。"), code="own")
    row, _created = Report.objects.update_or_create(
        post=post,
        reporter=reporter,
        defaults={"reason": reason, "handled_at": None},
        create_defaults={"reason": reason, "union_id": post.union_id},
    )
    return row


# --- Staff (admin) -----------------------------------------------------------------------------


def _audit(*, staff, action: str, member: Person | None, post=None, reason: str = "") -> None:
    ModerationAction.objects.create(
        union_id=(member.household.union_id if member else post.union_id),
        staff=staff,
        action=action,
        member=member,
        post_id_value=post.pk if post else None,
        excerpt=post.body[:100] if post else "",
        reason=reason,
    )


def _handle_reports(post: DiaryPost) -> None:
    Report.objects.filter(post=post, handled_at__isnull=True).update(handled_at=timezone.now())


@transaction.atomic
def hide_post(*, staff, post: DiaryPost, reason: str = "") -> bool:
    """Staff hide a post: it leaves every feed, its reports are handled, the author is told
    through MY mail and the violation counts toward a restriction. False if already hidden."""
    post = DiaryPost.objects.select_for_update().select_related("author__household").get(pk=post.pk)
    if post.hidden_at is not None:
        return False
    post.hidden_at = timezone.now()
    post.hidden_reason = reason or _("利用規約に反する内容")
    post.save(update_fields=["hidden_at", "hidden_reason"])
    _handle_reports(post)
    _audit(staff=staff, action=ModerationAction.Action.HIDE, member=post.author, post=post,
           reason=post.hidden_reason)  # fmt: skip
    send_message(
        post.author,
        _("健康日記の投稿を非表示にしました"),
        _(
            "%(date)sの健康日記の投稿「%(excerpt)s」は、利用規約に反する内容と判断したため、"
            "非表示にしました。\n理由：%(reason)s\n\n"
            "不適切な投稿が繰り返された場合、投稿を制限いたします。"
        )
        % {
            "date": timezone.localtime(post.created_at).strftime("%Y/%m/%d"),
            "excerpt": post.body[:30],
            "reason": post.hidden_reason,
        },
        sender_label=SENDER,
    )
    _count_violation(staff=staff, person=post.author)
    return True


@transaction.atomic
def show_post(*, staff, post: DiaryPost) -> bool:
    """Staff show a hidden post again (the violation stays counted)."""
    if post.hidden_at is None:
        return False
    post.hidden_at = None
    post.hidden_reason = ""
    post.save(update_fields=["hidden_at", "hidden_reason"])
    _audit(staff=staff, action=ModerationAction.Action.SHOW, member=post.author, post=post)
    return True


@transaction.atomic
def delete_post(*, staff, post: DiaryPost, reason: str = "") -> None:
    """Staff delete a post and its picture; the author is told and, unless it was already
    hidden (and counted), the violation counts."""
    author = post.author
    reason = reason or _("利用規約に反する内容")
    _audit(staff=staff, action=ModerationAction.Action.DELETE, member=author, post=post,
           reason=reason)  # fmt: skip
    counted = post.hidden_at is not None
    excerpt = post.body[:30]
    _delete_with_image(post)
    send_message(
        author,
        _("健康日記の投稿を削除しました"),
        _(
            "健康日記の投稿「%(excerpt)s」は、利用規約に反する内容と判断したため、"
            "削除しました。\n理由：%(reason)s"
        )
        % {"excerpt": excerpt, "reason": reason},
        sender_label=SENDER,
    )
    if not counted:
        _count_violation(staff=staff, person=author)


def _count_violation(*, staff, person: Person) -> None:
    participant = Participant.objects.select_for_update().filter(person=person).first()
    if participant is None:
        return
    participant.violations += 1
    participant.save(update_fields=["violations"])
    if participant.violations >= RESTRICT_AFTER_VIOLATIONS and not participant.is_restricted:
        restrict(staff=staff, participant=participant)


@transaction.atomic
def restrict(*, staff, participant: Participant, reason: str = "") -> bool:
    """The member may no longer post; they are told why (on the post page and in MY mail)."""
    if participant.is_restricted:
        return False
    participant.restricted_at = timezone.now()
    participant.restriction_reason = reason or str(RESTRICTED)
    participant.save(update_fields=["restricted_at", "restriction_reason"])
    _audit(staff=staff, action=ModerationAction.Action.RESTRICT, member=participant.person,
           reason=participant.restriction_reason)  # fmt: skip
    send_message(
        participant.person,
        _("健康日記の投稿を制限しました"),
        _(
            "%(reason)s\n投稿の閲覧と「いいね」は引き続きご利用いただけます。"
            "制限についてのお問い合わせは、健康保険組合までご連絡ください。"
        )
        % {"reason": participant.restriction_reason},
        sender_label=SENDER,
    )
    return True


@transaction.atomic
def lift_restriction(*, staff, participant: Participant) -> bool:
    if not participant.is_restricted:
        return False
    participant.restricted_at = None
    participant.restriction_reason = ""
    participant.violations = 0
    participant.save(update_fields=["restricted_at", "restriction_reason", "violations"])
    _audit(staff=staff, action=ModerationAction.Action.LIFT, member=participant.person)
    return True


@transaction.atomic
def dismiss_reports(*, staff, post: DiaryPost) -> None:
    """The reports need no action: handled, the post stays."""
    _handle_reports(post)
    _audit(staff=staff, action=ModerationAction.Action.DISMISS, member=post.author, post=post)
