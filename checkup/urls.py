from django.urls import path

from checkup import views

app_name = "checkup"

urlpatterns = [
    path("", views.index, name="index"),
    path("items/<slug:key>/", views.item, name="item"),
    path("table.pdf", views.table_pdf, name="table_pdf"),
    path("rich/", views.rich, name="rich"),
    path("rich/menu/", views.menu, name="menu"),
    path("rich/referral/", views.referral, name="referral"),
    path("rich/columns/", views.columns, name="columns"),
    path("rich/columns/<int:pk>/", views.column, name="column"),
    path("rich/goals/", views.goals, name="goals"),
]
