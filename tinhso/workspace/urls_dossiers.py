"""Worklists and the dossier page."""

from django.urls import path

from tinhso.workspace import dossier_views, views

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("ho-so/<str:code>/", dossier_views.dossier, name="dossier"),
    path(
        "ho-so/<str:code>/giay-to/<int:document_id>/",
        dossier_views.dossier_document,
        name="dossier_document",
    ),
    path(
        "ho-so/<str:code>/bieu-mau/<int:form_id>.pdf",
        dossier_views.issued_form_pdf,
        name="dossier_form_pdf",
    ),
    path(
        "ho-so/<str:code>/phieu-kiem-soat/",
        dossier_views.print_control_sheet,
        name="dossier_control_sheet",
    ),
    path("ho-so/<str:code>/<slug:slug>/", dossier_views.dossier_action, name="dossier_action"),
]
