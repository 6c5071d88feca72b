from django.urls import path

from dependents import views

app_name = "dependents"

urlpatterns = [
    path("", views.index, name="index"),
    path("pledge/", views.pledge, name="pledge"),
    path("guide/", views.guide, name="guide"),
    path("answer/", views.answer, name="answer"),
    path("answer/insured/", views.insured, name="insured"),
    path("answer/<int:pk>/basic/", views.basic, name="basic"),
    path("answer/<int:pk>/questions/", views.questions, name="questions"),
    path("answer/<int:pk>/answers/", views.answers, name="answers"),
    path("answer/<int:pk>/upload/", views.upload, name="upload"),
    path("answer/<int:pk>/submit/", views.submit, name="submit"),
    path("documents/", views.required_documents, name="documents"),
    path("documents/list.pdf", views.required_documents_pdf, name="documents_pdf"),
    path("documents/transfer-form/", views.transfer_form, name="transfer_form"),
    path("files/<int:pk>/", views.upload_file, name="upload_file"),
    path("files/<int:pk>/delete/", views.upload_delete, name="upload_delete"),
    path("results/", views.results, name="results"),
    path("contact/", views.contact, name="contact"),
    path("contact/sent/", views.contact_sent, name="contact_sent"),
]
