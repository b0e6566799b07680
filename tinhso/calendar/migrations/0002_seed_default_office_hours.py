"""Seed the usual office hours of state agencies (07:30–11:30, 13:30–17:00) so that deadlines can be
computed on a fresh installation; a province changes them with ``tinhso calendar set-hours``."""

import datetime as dt

from django.db import migrations

DEFAULT_PERIODS = ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 0)))


def seed(apps, schema_editor):
    WorkingPeriod = apps.get_model("calendar", "WorkingPeriod")
    if WorkingPeriod.objects.exists():  # a province already chose its hours
        return
    WorkingPeriod.objects.bulk_create(
        [WorkingPeriod(start_time=start, end_time=end) for start, end in DEFAULT_PERIODS]
    )


def unseed(apps, schema_editor):
    WorkingPeriod = apps.get_model("calendar", "WorkingPeriod")
    current = tuple(
        WorkingPeriod.objects.order_by("start_time").values_list("start_time", "end_time")
    )
    if current == DEFAULT_PERIODS:  # leave hours a province chose alone
        WorkingPeriod.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("calendar", "0001_day_overrides_and_working_periods"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
