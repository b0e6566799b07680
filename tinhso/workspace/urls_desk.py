"""The desk (in-person reception) and the agency dashboard."""

from django.urls import path, re_path

from tinhso.workspace import dashboard_views, desk_views

urlpatterns = [
    path("tiep-nhan/", desk_views.desk, name="desk"),
    path("tiep-nhan/bat-dau/", desk_views.desk_start, name="desk_start"),
    re_path(
        rf"^tiep-nhan/(?P<key>{desk_views.KEY_PATTERN})/nguoi-nop/$",
        desk_views.desk_applicant,
        name="desk_applicant",
    ),
    re_path(
        rf"^tiep-nhan/(?P<key>{desk_views.KEY_PATTERN})/thanh-phan/$",
        desk_views.desk_documents,
        name="desk_documents",
    ),
    path("tiep-nhan/ho-so/<str:code>/", desk_views.desk_received, name="desk_received"),
    path(
        "tiep-nhan/ho-so/<str:code>/giay-tiep-nhan.pdf",
        desk_views.desk_receipt,
        name="desk_receipt",
    ),
    path("thong-ke/", dashboard_views.dashboard, name="dashboard"),
]
