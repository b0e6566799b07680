from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "tinhso.outbox"
    label = "outbox"
    verbose_name = "Hộp thư đi"
