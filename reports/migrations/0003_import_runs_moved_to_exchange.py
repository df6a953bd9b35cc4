"""ImportRun and PendingImport now belong to the exchange app (state only; the tables stay)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_finalized_reports"),
        ("exchange", "0001_import_runs_move_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ImportRun"),
                migrations.DeleteModel(name="PendingImport"),
            ],
            database_operations=[],
        )
    ]
