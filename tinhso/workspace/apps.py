from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "tinhso.workspace"
    label = "workspace"
    verbose_name = "Không gian làm việc của cán bộ"
