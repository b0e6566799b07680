"""Worklists and the dossier page."""

from django.urls import path

from tinhso.workspace import views

urlpatterns = [
    path("", views.worklist, name="worklist"),
]
