from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from tinhso.core.api import api

admin.site.site_header = "Quản trị Tỉnh số"
admin.site.site_title = "Tỉnh số"

urlpatterns = [
    path("api/v1/", api.urls),
    path("quan-tri/", admin.site.urls),
    path("", include("tinhso.portal.urls")),
]

if settings.BENCH:
    urlpatterns.insert(0, path("bench/", include("tinhso.bench.urls")))
