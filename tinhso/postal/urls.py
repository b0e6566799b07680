"""Pages of tinhso.postal (mounted at the site root by tinhso/urls.py; paths are Vietnamese)."""

app_name = "postal"
urlpatterns: list = []
