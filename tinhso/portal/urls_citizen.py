"""Procedure search and pages, the citizen's own dossiers."""

urlpatterns: list = []
