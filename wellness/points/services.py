"""Write side of MYポイント: the ledger (award, expiry, staff adjustment and freeze).

Other apps award points through `award` only; `balance` is the one reading of a person's points.
Every change is a new `PointEntry`; rows are never updated or deleted.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from kosmo import membership
from kosmo.mail import send_templated_mail
from kosmo.models import Person, Union
from notices.services import send_message
from wellness.points.models import (
    GiftCode,
    Item,
    Order,
    PointAccount,
    PointEntry,
    PointPolicy,
    StaffAction,
)

LedgerEntry = PointEntry

EXPIRY_SOURCE = "expiry"


def policy_of(union: Union | int) -> PointPolicy:
    """The union's point rules (the defaults until staff change them)."""
    union_id = union if isinstance(union, int) else union.pk
    policy = PointPolicy.objects.filter(union_id=union_id).first()
    return policy or PointPolicy(union_id=union_id)


def add_months_end(day: dt.date, months: int) -> dt.date:
    """The last day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def valid_until_for(union_id: int, on: dt.date) -> dt.date:
    """The last day points earned on `on` may be used: the end of the month `expiry_months`
    after the month they were earned."""
    return add_months_end(on, policy_of(union_id).expiry_months)


def is_frozen(person: Person) -> bool:
    """Frozen points earn nothing and buy nothing: a staff freeze, or a former member (資格喪失,
    kosmo.membership.may_start_new)."""
    if not membership.may_start_new(person):
        return True
    return PointAccount.objects.filter(person=person, frozen=True).exists()


def balance(person: Person) -> int:
    """The person's points now: the sum of their ledger."""
    total = PointEntry.objects.filter(person=person).aggregate(total=Sum("points"))["total"]
    return total or 0


def award(person: Person, *, points: int, source: str, key: str, reason: str) -> PointEntry | None:
    """Credit `points` for the event (`source`, `key`) once per person, also when two requests
    report the event at the same moment. Returns None when nothing was credited: already
    awarded, the person's points are frozen, or `points` is not positive."""
    if points <= 0 or is_frozen(person):
        return None
    now = timezone.now()
    entry = PointEntry(
        person=person,
        kind=PointEntry.Kind.EARN,
        points=points,
        source=source,
        key=key,
        reason=reason[:200],
        created_at=now,
        valid_until=valid_until_for(person.household.union_id, timezone.localdate(now)),
    )
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
    except IntegrityError:
        return None
    return entry


def expiring_amount(person: Person, today: dt.date) -> int:
    """Points due to expire by `today` (first in, first out): the credits whose last valid day
    has passed, less everything already taken from the ledger (spent, expired, adjusted down);
    takings use the oldest credits first, and credits expire in the order they were earned."""
    totals = PointEntry.objects.filter(person=person).aggregate(
        expired_credits=Sum("points", filter=Q(points__gt=0, valid_until__lt=today)),
        debits=Sum("points", filter=Q(points__lt=0)),
    )
    expired_credits = totals["expired_credits"] or 0
    debits = -(totals["debits"] or 0)
    return max(0, expired_credits - debits)


def expire_points(person: Person, today: dt.date | None = None) -> PointEntry | None:
    """Write the expiry of the person's points due by `today`; running it again the same day
    (or any day after with nothing new due) writes nothing."""
    today = today or timezone.localdate()
    amount = expiring_amount(person, today)
    if amount <= 0:
        return None
    try:
        with transaction.atomic():
            return PointEntry.objects.create(
                person=person,
                kind=PointEntry.Kind.EXPIRE,
                points=-amount,
                source=EXPIRY_SOURCE,
                key=today.isoformat(),
                reason=_("有効期限切れ"),
            )
    except IntegrityError:
        return None


def persons_with_expiring_points(today: dt.date):
    """Ids of persons holding a credit whose last valid day has passed (candidates only)."""
    return (
        PointEntry.objects.filter(points__gt=0, valid_until__lt=today)
        .values_list("person_id", flat=True)
        .distinct()
    )


def expire_all(today: dt.date | None = None) -> int:
    """The nightly expiry for everyone; returns how many persons lost points."""
    today = today or timezone.localdate()
    count = 0
    for person in Person.objects.filter(pk__in=persons_with_expiring_points(today)).select_related(
        "household"
    ):
        if expire_points(person, today) is not None:
            count += 1
    return count


@transaction.atomic
def adjust(*, person: Person, points: int, reason: str, staff) -> PointEntry:
    """A staff adjustment with its reason, and its audit row."""
    now = timezone.now()
    entry = PointEntry.objects.create(
        person=person,
        kind=PointEntry.Kind.ADJUST,
        points=points,
        source="staff",
        key=f"{now.isoformat()}:{staff.pk if staff else 0}:{person.pk}",
        reason=reason[:200],
        created_at=now,
        valid_until=(
            valid_until_for(person.household.union_id, timezone.localdate(now))
            if points > 0
            else None
        ),
        staff=staff,
    )
    record_staff_action(
        staff=staff, person=person, action="ポイント調整", detail=f"{points:+d} {reason}"
    )
    return entry


@transaction.atomic
def set_frozen(*, person: Person, frozen: bool, reason: str, staff) -> PointAccount:
    """Freeze (or unfreeze) a person's points, with the audit row."""
    account, _created = PointAccount.objects.select_for_update().get_or_create(person=person)
    account.frozen = frozen
    account.frozen_reason = reason[:200] if frozen else ""
    account.save(update_fields=["frozen", "frozen_reason"])
    record_staff_action(
        staff=staff,
        person=person,
        action="ポイント凍結" if frozen else "ポイント凍結解除",
        detail=reason,
    )
    return account


def record_staff_action(*, staff, person: Person, action: str, detail: str = "") -> StaffAction:
    """The audit row of a staff change to a member's points or orders."""
    return StaffAction.objects.create(
        union_id=person.household.union_id,
        staff=staff,
        person=person,
        action=action,
        detail=detail[:300],
    )


# --- Exchange (manual §4-16) ---------------------------------------------------------------------

EXCHANGE_SOURCE = "exchange"
REFUND_SOURCE = "exchange_refund"
HOLD_CANCEL_SALT = "wellness.points.hold-cancel"


class ExchangeRefused(Exception):
    """An exchange or a cancellation that cannot be done; the message is for the member."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def window_refusal(item: Item, now: dt.datetime | None = None) -> str | None:
    """The member's message when `item` cannot be exchanged now (unpublished, outside its
    availability window, out of stock), else None."""
    now = now or timezone.now()
    if not item.published or now < item.available_from:
        return _("この商品は交換受付期間外です。")
    if item.available_until is not None and now >= item.available_until:
        return _("この商品は交換受付期間外です。")
    if item.stock <= 0:
        return _("この商品は在庫切れです。")
    return None


@dataclass(frozen=True)
class Origin:
    """Where an exchange comes from, for the fraud guard and the exchange history."""

    browser: str = ""
    ip_address: str | None = None
    new_browser: bool = False
    email_only: bool = False
    base_url: str = ""  # the portal's address, for the links in mails


def hold_reason(*, item: Item, policy: PointPolicy, origin: Origin) -> str:
    """Why this exchange is held, or "" when it is not: an exchange above the union's amount
    from a new browser, or by a member whose only second factor is e-mail codes."""
    if item.points <= policy.hold_threshold:
        return ""
    if origin.new_browser:
        return _("新しいブラウザからの交換")
    if origin.email_only:
        return _("メール認証のみの会員の交換")
    return ""


def place_order(
    *,
    person: Person,
    item: Item,
    token: str,
    origin: Origin,
    shipping: dict | None = None,
    now: dt.datetime | None = None,
) -> Order:
    """Exchange the person's points for `item`. The same `token` (the confirmation page's)
    orders once. Two orders of one member are decided one after the other (their point
    account is locked) and the stock is taken by a conditional UPDATE, so it is never oversold.
    Raises ExchangeRefused with the member's message."""
    now = now or timezone.now()
    union_id = person.household.union_id
    if item.union_id != union_id:
        raise ExchangeRefused(_("この商品は交換できません。"))
    with transaction.atomic():
        account = _locked_account(person)
        existing = Order.objects.filter(person=person, token=token).first()
        if existing is not None:
            return existing
        if account.frozen or not membership.may_start_new(person):
            raise ExchangeRefused(
                _("ポイントが凍結されているため、交換できません。組合にお問い合わせください。")
            )
        item = Item.objects.get(pk=item.pk)
        refusal = window_refusal(item, now)
        if refusal:
            raise ExchangeRefused(refusal)
        expire_points(person, timezone.localdate(now))
        if balance(person) < item.points:
            raise ExchangeRefused(_("ポイントが不足しています。"))
        taken = Item.objects.filter(pk=item.pk, stock__gt=0).update(stock=F("stock") - 1)
        if not taken:
            raise ExchangeRefused(_("この商品は在庫切れです。"))
        code = None
        if item.kind == Item.Kind.GIFT:
            code = (
                GiftCode.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(item=item, order__isnull=True)
                .order_by("pk")
                .first()
            )
            if code is None:
                # Leaving the atomic block with the error gives back the stock taken above.
                raise ExchangeRefused(_("この商品は在庫切れです。"))
        policy = policy_of(union_id)
        reason = hold_reason(item=item, policy=policy, origin=origin)
        shipping = shipping or {}
        order = Order.objects.create(
            person=person,
            union_id=union_id,
            item=item,
            token=token,
            points=item.points,
            status=Order.Status.HELD if reason else Order.Status.ORDERED,
            ordered_at=now,
            cancel_until=now + dt.timedelta(days=item.cancel_days) if item.cancel_days else None,
            held_until=now + dt.timedelta(hours=policy.hold_hours) if reason else None,
            hold_reason=reason,
            browser=origin.browser[:300],
            new_browser=origin.new_browser,
            ip_address=origin.ip_address,
            gift_code=code,
            recipient_name=shipping.get("recipient_name", ""),
            postal_code=shipping.get("postal_code", ""),
            address=shipping.get("address", ""),
            phone=shipping.get("phone", ""),
        )
        PointEntry.objects.create(
            person=person,
            kind=PointEntry.Kind.SPEND,
            points=-item.points,
            source=EXCHANGE_SOURCE,
            key=str(order.pk),
            reason=_("ポイント交換: %(item)s") % {"item": item.name},
            created_at=now,
        )
        if reason:
            notify_held(order, origin.base_url)
        else:
            deliver(order)
    return order


def _locked_account(person: Person) -> PointAccount:
    try:
        with transaction.atomic():
            PointAccount.objects.get_or_create(person=person)
    except IntegrityError:
        pass  # created by a concurrent request: it exists now
    return PointAccount.objects.select_for_update().get(person=person)


def deliver(order: Order) -> None:
    """The MY mail of an exchange that goes ahead: the gift's code, or the goods order."""
    template = (
        "wellness/points/mymail/gift_delivered.txt"
        if order.item.kind == Item.Kind.GIFT
        else "wellness/points/mymail/goods_ordered.txt"
    )
    body = render_to_string(template, {"order": order})
    subject = (
        _("【MYポイント】デジタルギフトのお届け: %(item)s")
        if order.item.kind == Item.Kind.GIFT
        else _("【MYポイント】商品交換のお申し込みを受け付けました: %(item)s")
    ) % {"item": order.item.name}
    send_message(order.person, subject, body, sender_label=_("MYポイント"))


def hold_cancel_token(order: Order) -> str:
    return signing.dumps(order.pk, salt=HOLD_CANCEL_SALT)


def order_from_hold_token(token: str, now: dt.datetime | None = None) -> Order | None:
    """The held order a mail's cancel link names, while the hold lasts (its link then stops
    working: the exchange has gone ahead); None when the link is forged or over."""
    try:
        pk = signing.loads(token, salt=HOLD_CANCEL_SALT)
    except signing.BadSignature:
        return None
    order = Order.objects.select_related("item", "person__household").filter(pk=pk).first()
    if order is None or order.held_until is None:
        return None
    if (now or timezone.now()) >= order.held_until:
        return None
    return order


def notify_held(order: Order, base_url: str) -> None:
    """The mail and the MY mail of a held exchange, with the link that cancels it."""
    path = reverse("wellness:points_hold_cancel", args=[hold_cancel_token(order)])
    context = {"order": order, "cancel_url": base_url.rstrip("/") + path}
    body = render_to_string("wellness/points/mymail/held.txt", context)
    send_message(
        order.person,
        _("【MYポイント】ポイント交換を保留しています: %(item)s") % {"item": order.item.name},
        body,
        sender_label=_("MYポイント"),
    )
    user = User.objects.filter(person=order.person).exclude(email="").first()
    if user is not None:
        send_templated_mail(
            to=[user.email],
            template="wellness/points/email/exchange_held",
            context=context,
            union=order.union,
        )


def cancel_refusal(order: Order, now: dt.datetime | None = None) -> str | None:
    """The member's message when `order` cannot be cancelled now, else None. A held exchange
    may always be cancelled; a delivered gift code cannot be taken back; goods until shipped
    and within the cancel window (its last moment included)."""
    now = now or timezone.now()
    if order.status == Order.Status.CANCELLED:
        return _("この申込はキャンセル済みです。")
    if order.status == Order.Status.HELD:
        return None
    if order.status == Order.Status.FULFILLED:
        return _("発送済みのため、キャンセルできません。")
    if order.item.kind == Item.Kind.GIFT:
        return _("デジタルギフトはお届け後にキャンセルできません。")
    if order.cancel_until is None or now > order.cancel_until:
        return _("キャンセル可能期間を過ぎているため、キャンセルできません。")
    return None


def cancel_order(*, order: Order, now: dt.datetime | None = None) -> Order:
    """Cancel the order and give its points back (once, also on a double submit)."""
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("item").get(pk=order.pk)
        refusal = cancel_refusal(order, now)
        if refusal:
            raise ExchangeRefused(refusal)
        order.status = Order.Status.CANCELLED
        order.cancelled_at = now
        order.gift_code = None  # an undelivered code goes back to the pool
        order.save(update_fields=["status", "cancelled_at", "gift_code"])
        Item.objects.filter(pk=order.item_id).update(stock=F("stock") + 1)
        PointEntry.objects.create(
            person_id=order.person_id,
            kind=PointEntry.Kind.REFUND,
            points=order.points,
            source=REFUND_SOURCE,
            key=str(order.pk),
            reason=_("交換キャンセル: %(item)s") % {"item": order.item.name},
            created_at=now,
            valid_until=valid_until_for(order.union_id, timezone.localdate(now)),
        )
    return order


def release_held(now: dt.datetime | None = None) -> int:
    """Let the held exchanges whose hold is over go ahead (the beat task); safe to re-run.
    Returns how many were released."""
    now = now or timezone.now()
    count = 0
    due = Order.objects.filter(status=Order.Status.HELD, held_until__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            order = (
                Order.objects.select_for_update(of=("self",))
                .select_related("item", "person__household")
                .filter(pk=pk, status=Order.Status.HELD)
                .first()
            )
            if order is None:
                continue
            order.status = Order.Status.ORDERED
            order.released_at = now
            order.save(update_fields=["status", "released_at"])
            deliver(order)
            count += 1
    return count


@transaction.atomic
def fulfil(*, order: Order, staff) -> Order:
    """Staff mark goods as shipped (or a gift as done), with the audit row."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != Order.Status.ORDERED:
        return order
    order.status = Order.Status.FULFILLED
    order.fulfilled_at = timezone.now()
    order.save(update_fields=["status", "fulfilled_at"])
    record_staff_action(
        staff=staff, person=order.person, action="発送済みにする", detail=str(order)
    )
    return order
