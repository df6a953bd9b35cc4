import datetime as dt

from django.db import migrations

PROGRAMS = [
    ("フリースペース", "clients", "第2・第4火曜日 14:00-16:00"),
    ("家族のつどい", "family", "第3木曜日 14:00-16:00"),
]
CATEGORIES = [
    "市町村",
    "保健所・保健福祉環境事務所",
    "医療機関",
    "福祉関係機関",
    "教育関係機関",
    "就労支援機関",
    "民間支援団体",
    "民生委員・児童委員",
    "当事者・家族",
    "その他",
]


def load(apps, schema_editor):
    Program = apps.get_model("outreach", "Program")
    ClosurePeriod = apps.get_model("outreach", "ClosurePeriod")
    AffiliationCategory = apps.get_model("outreach", "AffiliationCategory")
    for order, (name, participants, rule) in enumerate(PROGRAMS, start=1):
        Program.objects.get_or_create(
            name=name, defaults={"participants": participants, "default_rule": rule, "sort_order": order}
        )
    ClosurePeriod.objects.get_or_create(
        name="年末年始",
        defaults={"start": dt.date(2000, 12, 29), "end": dt.date(2001, 1, 3), "every_year": True},
    )
    for order, label in enumerate(CATEGORIES, start=1):
        AffiliationCategory.objects.get_or_create(label=label, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_programs_sessions_days_events")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
