"""Pages of tinhso.payments (mounted at the site root by tinhso/urls.py; paths are Vietnamese)."""

app_name = "payments"
urlpatterns: list = []
