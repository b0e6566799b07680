from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "tinhso.organizations"
    label = "organizations"
    verbose_name = "Tổ chức, đơn vị hành chính"
