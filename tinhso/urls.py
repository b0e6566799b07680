from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from tinhso.core.api import api

admin.site.site_header = "Quản trị Tỉnh số"
admin.site.site_title = "Tỉnh số"

urlpatterns = [
    path("api/v1/", api.urls),
    path("quan-tri/", admin.site.urls),
    path("ngon-ngu/", set_language, name="set_language"),
    path("lam-viec/", include("tinhso.workspace.urls")),
    path("quan-ly/", include("tinhso.administration.urls")),
    path("", include("tinhso.notifications.urls")),
    path("", include("tinhso.payments.urls")),
    path("", include("tinhso.postal.urls")),
    path("", include("tinhso.portal.urls")),
]

if settings.BENCH:
    urlpatterns.insert(0, path("bench/", include("tinhso.bench.urls")))
