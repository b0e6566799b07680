"""Pages of tinhso.postal (mounted at the site root by tinhso/urls.py; paths are Vietnamese)."""

from django.urls import path

from tinhso.postal import views

app_name = "postal"
urlpatterns: list = [
    path("lam-viec/buu-chinh/<str:code>/", views.shipments, name="shipments"),
]
