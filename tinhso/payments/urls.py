"""Pages of tinhso.payments (mounted at the site root by tinhso/urls.py; paths are Vietnamese)."""

from django.urls import path

from tinhso.payments import views

app_name = "payments"
urlpatterns: list = [
    path("thanh-toan/ket-qua/", views.result, name="result"),
    path("thanh-toan/bien-lai/<str:ref>/", views.receipt, name="receipt"),
]
