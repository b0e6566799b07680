"""Procedure search and pages, the citizen's own dossiers."""

from django.urls import path

from tinhso.portal import citizen_views as views

urlpatterns = [
    path("thu-tuc/", views.procedures, name="procedures"),
    path("thu-tuc/<str:code>/", views.procedure, name="procedure"),
    path("ho-so-cua-toi/", views.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", views.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", views.my_dossier_supplement, name="my_supplement"),
    path("ho-so-cua-toi/<str:code>/rut-ho-so/", views.my_dossier_withdraw, name="my_withdraw"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", views.my_dossier_rate, name="my_rate"),
    path("ho-so-cua-toi/<str:code>/buu-chinh/", views.my_dossier_postal, name="my_postal"),
    path("ho-so-cua-toi/<str:code>/thanh-toan/", views.my_dossier_pay, name="my_pay"),
    path(
        "ho-so-cua-toi/<str:code>/giay-to/<int:document_id>/",
        views.my_dossier_document,
        name="my_document",
    ),
    path(
        "ho-so-cua-toi/<str:code>/bieu-mau/<int:form_id>/",
        views.my_dossier_form,
        name="my_form",
    ),
]
