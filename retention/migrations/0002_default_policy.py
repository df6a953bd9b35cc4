from django.db import migrations


def create_default_policy(apps, schema_editor):
    apps.get_model("retention", "RetentionPolicy").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(create_default_policy, migrations.RunPython.noop)]
