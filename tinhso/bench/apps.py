from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "tinhso.bench"
    label = "bench"
    verbose_name = "Đo hiệu năng"
