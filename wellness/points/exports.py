"""The supplier's CSV of goods orders (staff download it from the admin's order list)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from django.utils import timezone

from kosmo.spreadsheets import csv_writer
from wellness.points.models import Order

HEADER = [
    "申込番号",
    "申込日時",
    "商品名",
    "種類",
    "交換ポイント",
    "状態",
    "お名前",
    "郵便番号",
    "住所",
    "電話番号",
]


def write_orders_csv(out: TextIO, orders: Iterable[Order]) -> None:
    """One row per order, cells safe to open in Excel (kosmo.spreadsheets)."""
    writer = csv_writer(out)
    writer.writerow(HEADER)
    for order in orders:
        writer.writerow(
            [
                order.pk,
                timezone.localtime(order.ordered_at).strftime("%Y/%m/%d %H:%M"),
                order.item.name,
                order.item.get_kind_display(),
                order.points,
                order.get_status_display(),
                order.recipient_name,
                order.postal_code,
                order.address,
                order.phone,
            ]
        )
