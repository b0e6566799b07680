from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "tinhso.identity"
    label = "identity"
    verbose_name = "Tài khoản và vai trò"

    def ready(self) -> None:
        from tinhso.identity import handover  # noqa: F401  (registers the merger hand-over)
