from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    name = "tinhso.attachments"
    label = "attachments"
    verbose_name = "Kho giấy tờ điện tử"
