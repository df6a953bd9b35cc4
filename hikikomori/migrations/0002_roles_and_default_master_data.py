from django.db import migrations

from hikikomori.masterdata import load_master_data, read_master_data

ROLES = ("coordinator", "supervisor", "admin")


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def load_defaults(apps, schema_editor):
    load_master_data(apps.get_model, read_master_data())


class Migration(migrations.Migration):
    dependencies = [
        ("hikikomori", "0001_organisation_core"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(load_defaults, migrations.RunPython.noop),
    ]
