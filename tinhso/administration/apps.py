from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "tinhso.administration"
    label = "administration"
    verbose_name = "Quản lý hệ thống của tỉnh"
