"""Online submission, step by step (mounted at /nop-ho-so/)."""

from django.urls import path

from tinhso.portal import submission_views as views

DRAFT = "ho-so-nhap/<uuid:reference>"

urlpatterns = [
    path("", views.draft_list, name="submission_drafts"),
    path(
        "xem-truoc/<str:procedure_code>/<int:version_number>/",
        views.eform_preview,
        name="eform_preview",
    ),
    path("da-nop/<str:dossier_code>/", views.done, name="submission_done"),
    path(f"{DRAFT}/noi-nop/", views.agency_step, name="submission_agency"),
    path(f"{DRAFT}/nguoi-nop/", views.applicant_step, name="submission_applicant"),
    path(f"{DRAFT}/to-khai/<int:page>/", views.form_step, name="submission_form"),
    path(f"{DRAFT}/giay-to/", views.documents_step, name="submission_documents"),
    path(f"{DRAFT}/giay-to/tai-len/", views.upload, name="submission_upload"),
    path(f"{DRAFT}/nhan-ket-qua/", views.return_step, name="submission_return"),
    path(f"{DRAFT}/kiem-tra/", views.review_step, name="submission_review"),
    path(f"{DRAFT}/huy/", views.discard, name="submission_discard"),
    path("<str:procedure_code>/", views.start, name="submission_start"),
]
