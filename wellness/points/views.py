"""MYポイント (manual §4-16): the TOP with balance and history, the catalogue of digital gifts
and goods, the exchange steps (detail → shipping address → confirm → 「この内容で申し込む」 →
申込完了), 交換履歴 with cancellation, and the cancel link of a held exchange's mail."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.flows import reauthentication_required
from accounts.former_members import active_member_required
from accounts.lockout import BROWSER_COOKIE, BROWSER_COOKIE_SALT, describe_browser
from accounts.models import KnownBrowser, MfaMethod
from accounts.services import client_ip, user_agent
from kosmo.access import feature_required, member_required
from mfa.services import factors_of
from wellness.points import forms, queries, services
from wellness.points.models import Item, Order

FEATURE = "points"
SHIPPING_SESSION_KEY = "wellness_points_shipping"
REFUSED_STATUS = 409


def _is_new_browser(request: HttpRequest, days: int) -> bool:
    """Whether this browser first signed in to the account within `days` (or never did)."""
    key = request.get_signed_cookie(BROWSER_COOKIE, default=None, salt=BROWSER_COOKIE_SALT)
    if not key:
        return True
    browser = KnownBrowser.objects.filter(
        user=request.user, key_hash=hashlib.sha256(key.encode()).hexdigest()
    ).first()
    return browser is None or browser.first_seen_at > timezone.now() - dt.timedelta(days=days)


def _origin(request: HttpRequest) -> services.Origin:
    policy = services.policy_of(request.union)
    methods = factors_of(request.user).methods
    agent = user_agent(request)
    return services.Origin(
        browser=describe_browser(agent) or agent,
        ip_address=client_ip(request),
        new_browser=_is_new_browser(request, policy.new_browser_days),
        # No passkey and no authenticator app: a mailbox taken over is enough to sign in.
        email_only=MfaMethod.PASSKEY not in methods and MfaMethod.TOTP not in methods,
        base_url=request.build_absolute_uri("/"),
    )


@member_required
@feature_required(FEATURE)
def index(request: HttpRequest) -> HttpResponse:
    """MYポイントTOP: the balance, the ways to exchange, and the history."""
    member = request.member
    return render(
        request,
        "wellness/points/index.html",
        {
            "balance": services.balance(member),
            "entries": queries.history(member),
            "frozen": services.is_frozen(member),
        },
    )


@member_required
@feature_required(FEATURE)
def item_list(request: HttpRequest, kind: str) -> HttpResponse:
    return render(
        request,
        "wellness/points/items.html",
        {
            "kind": kind,
            "kind_label": Item.Kind(kind).label,
            "items": queries.catalogue(request.member, kind),
            "balance": services.balance(request.member),
        },
    )


@member_required
@feature_required(FEATURE)
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.get_item_for_member(request.member, pk)
    return render(
        request,
        "wellness/points/item.html",
        {
            "item": item,
            "balance": services.balance(request.member),
            "refusal": services.window_refusal(item),
        },
    )


@member_required
@feature_required(FEATURE)
@active_member_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def shipping(request: HttpRequest, pk: int) -> HttpResponse:
    """Goods: the shipping address, then 「確認画面へ」."""
    item = queries.get_item_for_member(request.member, pk)
    if item.kind != Item.Kind.GOODS:
        raise Http404("gifts have no address")
    saved = request.session.get(SHIPPING_SESSION_KEY, {}).get(str(item.pk))
    form = forms.ShippingForm(request.POST or None, initial=saved)
    if request.method == "POST" and form.is_valid():
        shipping_by_item = request.session.get(SHIPPING_SESSION_KEY, {})
        shipping_by_item[str(item.pk)] = form.cleaned_data
        request.session[SHIPPING_SESSION_KEY] = shipping_by_item
        return redirect("wellness:points_confirm", pk=item.pk)
    return render(request, "wellness/points/shipping.html", {"item": item, "form": form})


@member_required
@feature_required(FEATURE)
@active_member_required
@reauthentication_required
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """申し込み内容の確認 and 「この内容で申し込む」; a double submit orders once."""
    member = request.member
    item = queries.get_item_for_member(member, pk)
    shipping = None
    if item.kind == Item.Kind.GOODS:
        shipping = request.session.get(SHIPPING_SESSION_KEY, {}).get(str(item.pk))
        if not shipping:
            return redirect("wellness:points_shipping", pk=item.pk)
    error = None
    form = forms.ConfirmForm(request.POST or None, initial={"token": secrets.token_hex(16)})
    if request.method == "POST" and form.is_valid():
        try:
            order = services.place_order(
                person=member,
                item=item,
                token=form.cleaned_data["token"],
                origin=_origin(request),
                shipping=shipping,
            )
        except services.ExchangeRefused as refused:
            error = refused.message
        else:
            return redirect("wellness:points_order", pk=order.pk)
    return render(
        request,
        "wellness/points/confirm.html",
        {
            "item": item,
            "shipping": shipping,
            "form": form,
            "error": error,
            "balance": services.balance(member),
        },
        status=REFUSED_STATUS if error else 200,
    )


@member_required
@feature_required(FEATURE)
def order_list(request: HttpRequest) -> HttpResponse:
    """交換履歴."""
    return render(
        request, "wellness/points/orders.html", {"orders": queries.orders(request.member)}
    )


@member_required
@feature_required(FEATURE)
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """申込詳細 (and 申込完了 right after 「この内容で申し込む」)."""
    order = queries.get_order_for_member(request.member, pk)
    return render(
        request,
        "wellness/points/order.html",
        {"order": order, "cancel_refusal": services.cancel_refusal(order)},
    )


@member_required
@feature_required(FEATURE)
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """「申込をキャンセルする」 → 「キャンセルする」 → 申込キャンセル完了."""
    order = queries.get_order_for_member(request.member, pk)
    error = services.cancel_refusal(order)
    if request.method == "POST" and error is None:
        try:
            order = services.cancel_order(order=order)
        except services.ExchangeRefused as refused:
            error = refused.message
        else:
            return render(request, "wellness/points/cancelled.html", {"order": order})
    if request.method == "POST" and order.status == Order.Status.CANCELLED:
        # A second 「キャンセルする」: the first one did it.
        return render(request, "wellness/points/cancelled.html", {"order": order})
    return render(
        request,
        "wellness/points/cancel.html",
        {"order": order, "error": error},
        status=REFUSED_STATUS if error and request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def hold_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """The link of a held exchange's mail: no sign-in needed (the member may have lost their
    password to the attacker); the signed link is the proof, valid while the hold lasts."""
    order = services.order_from_hold_token(token)
    if order is None or request.union is None or order.union_id != request.union.pk:
        return render(request, "wellness/points/hold_link_invalid.html", status=404)
    error = None
    if request.method == "POST":
        if order.status == Order.Status.CANCELLED:
            return render(request, "wellness/points/cancelled.html", {"order": order})
        try:
            order = services.cancel_order(order=order)
        except services.ExchangeRefused as refused:
            error = refused.message
        else:
            return render(request, "wellness/points/cancelled.html", {"order": order})
    elif order.status != Order.Status.HELD:
        error = services.cancel_refusal(order) or None
    return render(
        request,
        "wellness/points/hold_cancel.html",
        {"order": order, "error": error},
        status=REFUSED_STATUS if error else 200,
    )
