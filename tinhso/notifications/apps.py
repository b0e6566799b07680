from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tinhso.notifications"
    label = "notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from tinhso.dossiers.notifications import subscribe
        from tinhso.notifications.services import handle_notice

        subscribe(handle_notice)
