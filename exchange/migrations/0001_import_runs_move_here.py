"""ImportRun and PendingImport move from the reports app: their tables stay as they are."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("reports", "0002_finalized_reports"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=20, verbose_name="種類")),
                        ("file_name", models.CharField(max_length=255, verbose_name="ファイル名")),
                        ("sha256", models.CharField(max_length=64, unique=True, verbose_name="ハッシュ値（SHA-256）")),
                        ("size", models.PositiveBigIntegerField(verbose_name="サイズ（バイト）")),
                        ("rows", models.PositiveIntegerField(verbose_name="行数")),
                        ("counts", models.JSONField(default=dict, verbose_name="件数")),
                        ("at", models.DateTimeField(auto_now_add=True, verbose_name="日時")),
                        (
                            "by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="実施者",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "一括登録の記録",
                        "verbose_name_plural": "一括登録の記録",
                        "ordering": ["-at"],
                        "db_table": "reports_importrun",
                    },
                ),
                migrations.CreateModel(
                    name="PendingImport",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=20)),
                        ("file_name", models.CharField(max_length=255)),
                        ("content", models.BinaryField()),
                        ("at", models.DateTimeField(auto_now_add=True)),
                        (
                            "by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "reports_pendingimport"},
                ),
            ],
            database_operations=[],
        )
    ]
