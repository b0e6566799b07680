"""``/bench/`` (only with ``TINHSO_BENCH=true``): the ceiling views of ``tinhso bench run``."""

from django.urls import path

from tinhso.bench import views

app_name = "bench"
urlpatterns = [
    path("trivial", views.trivial, name="trivial"),
    path("one-row/<int:pk>", views.one_row, name="one-row"),
]
