from django.urls import path

from medical import etax_views, views

app_name = "medical"

urlpatterns = [
    path("", views.index, name="index"),
    path("latest/", views.latest, name="latest"),
    path("<int:year>/<int:month>/", views.month, name="month"),
    path("annual/", views.annual, name="annual"),
    path("past/", views.past, name="past"),
    path("statement.pdf", views.statement_pdf, name="statement_pdf"),
    path("prescriptions/", views.prescriptions, name="prescriptions"),
    path(
        "prescriptions/<int:year>/<int:month>/",
        views.prescriptions,
        name="prescriptions_month",
    ),
    path("prescriptions/annual/", views.prescriptions_annual, name="prescriptions_annual"),
    path("prescriptions/past/", views.prescriptions_past, name="prescriptions_past"),
    path("etax/", etax_views.etax, name="etax"),
    path("etax/<int:year>/xml/", etax_views.etax_xml, name="etax_xml"),
    path("etax/<int:year>/csv/", etax_views.etax_csv, name="etax_csv"),
    path("etax/<int:year>/xlsx/", etax_views.etax_xlsx, name="etax_xlsx"),
]
