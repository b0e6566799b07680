from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "tinhso.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ thủ tục hành chính"

    def ready(self) -> None:
        from tinhso.dossiers import handover  # noqa: F401  (registers the merger hand-over)
