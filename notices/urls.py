from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("news/", views.news, name="news"),
    path("news/<int:pk>/", views.news_detail, name="news_detail"),
    path("mail/", views.mail, name="mail"),
    path("mail/<int:pk>/", views.mail_detail, name="mail_detail"),
    path("settings/", views.personal_settings, name="personal_settings"),
    path("settings/profile/", views.profile, name="profile"),
    path("notifications/", views.notification_settings, name="notification_settings"),
    path("notifications/email/", views.email_settings, name="email_settings"),
    path("help/guide/", views.guide, name="guide"),
    path("help/faq/", views.faq, name="faq"),
]
