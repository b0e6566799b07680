"""Pages of tinhso.notifications (mounted at the site root by tinhso/urls.py)."""

from django.urls import path

from tinhso.notifications import views

app_name = "notifications"
urlpatterns = [
    path("quan-ly/thong-bao/", views.templates, name="templates"),
    path(
        "quan-ly/thong-bao/<slug:event>/<slug:channel>/",
        views.template_edit,
        name="template_edit",
    ),
    path(
        "quan-ly/thong-bao/<slug:event>/<slug:channel>/xem-truoc/",
        views.template_preview,
        name="template_preview",
    ),
    path(
        "quan-ly/thong-bao/<slug:event>/<slug:channel>/mac-dinh/",
        views.template_reset,
        name="template_reset",
    ),
    path("tai-khoan/thong-bao/", views.preferences, name="preferences"),
]
