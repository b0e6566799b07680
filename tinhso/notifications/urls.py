"""Pages of tinhso.notifications (mounted at the site root by tinhso/urls.py)."""

app_name = "notifications"
urlpatterns: list = []
