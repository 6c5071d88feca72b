from django.urls import path

from eligibility import views

app_name = "eligibility"

urlpatterns = [
    path("notice/", views.notice, name="notice"),
    path("notice/<int:pk>/retry/", views.notice_retry, name="notice_retry"),
    path("certificate/", views.certificate, name="certificate"),
    path("certificate/<int:pk>/", views.certificate_show, name="certificate_show"),
    path("certificate/<int:pk>/address/", views.address_change, name="address_change"),
    path("certificate/<int:pk>/organ-donation/", views.organ_donation, name="organ_donation"),
]
