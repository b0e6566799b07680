"""The desk (in-person reception) and the agency dashboard."""

urlpatterns: list = []
