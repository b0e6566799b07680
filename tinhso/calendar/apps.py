from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "tinhso.calendar"
    label = "calendar"
    verbose_name = "Lịch làm việc"
