"""Included by wellness/urls.py under the `wellness:` namespace (names start with points)."""

from django.urls import path

from wellness.points import views

urlpatterns = [
    path("", views.index, name="points"),
    path("gifts/", views.item_list, {"kind": "gift"}, name="points_gifts"),
    path("goods/", views.item_list, {"kind": "goods"}, name="points_goods"),
    path("items/<int:pk>/", views.item_detail, name="points_item"),
    path("items/<int:pk>/shipping/", views.shipping, name="points_shipping"),
    path("items/<int:pk>/confirm/", views.confirm, name="points_confirm"),
    path("orders/", views.order_list, name="points_orders"),
    path("orders/<int:pk>/", views.order_detail, name="points_order"),
    path("orders/<int:pk>/cancel/", views.cancel, name="points_cancel"),
    path("hold/<str:token>/", views.hold_cancel, name="points_hold_cancel"),
]
