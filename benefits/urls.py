from django.urls import path

from benefits import views

app_name = "benefits"

urlpatterns = [
    path("", views.index, name="index"),
    path("latest/", views.latest, name="latest"),
    path("<int:year>/<int:month>/", views.month, name="month"),
    path("annual/", views.annual, name="annual"),
    path("past/", views.past, name="past"),
    path("notice.pdf", views.notice_pdf, name="notice_pdf"),
]
