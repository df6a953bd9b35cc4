"""Records of imports: each run that wrote, and uploads waiting for their confirmation.

The tables keep the names they had when imports lived in the reports app.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One successful import: who, when, which file (by hash), what it did."""

    kind = models.CharField(_("種類"), max_length=20)
    file_name = models.CharField(_("ファイル名"), max_length=255)
    sha256 = models.CharField(_("ハッシュ値（SHA-256）"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("サイズ（バイト）"))
    rows = models.PositiveIntegerField(_("行数"))
    counts = models.JSONField(_("件数"), default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("実施者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("日時"), auto_now_add=True)

    class Meta:
        db_table = "reports_importrun"
        ordering = ["-at"]
        verbose_name = verbose_name_plural = _("一括登録の記録")

    def __str__(self) -> str:
        return f"{self.at:%Y/%m/%d %H:%M} {self.kind} {self.file_name}"

    @property
    def kind_label(self) -> str:
        """種類 in Japanese (利用者, 相談記録, …), as the import page names it."""
        from .importing.kinds import LABELS

        return LABELS.get(self.kind, self.kind)


class PendingImportQuerySet(models.QuerySet):
    def expired(self):
        return self.filter(at__lt=timezone.now() - PENDING_IMPORT_LIFETIME)

    def current(self):
        return self.filter(at__gte=timezone.now() - PENDING_IMPORT_LIFETIME)


PENDING_IMPORT_LIFETIME = dt.timedelta(hours=1)


class PendingImport(models.Model):
    """An uploaded file waiting for the user's confirmation after its preview; it expires after
    an hour and is deleted (the file holds personal data)."""

    kind = models.CharField(max_length=20)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        db_table = "reports_pendingimport"

    def __str__(self) -> str:
        return self.file_name
