"""Records of imports and finalized yearly reports."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FinalizedReport(models.Model):
    """A yearly report a supervisor finalized (確定): the workbook as it was, and its figures."""

    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    as_of = models.DateField(_("集計基準日"), null=True, blank=True)
    office = models.ForeignKey(
        "hikikomori.Office",
        verbose_name=_("拠点"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    label = models.CharField(_("年度の表示"), max_length=50)
    workbook = models.BinaryField(_("ワークブック"))
    figures = models.JSONField(_("数値"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("確定者"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("確定日時"), auto_now_add=True)
    version = models.PositiveSmallIntegerField(_("版"), default=1)
    reason = models.TextField(_("確定し直した理由"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = _("確定した年次報告")

    def __str__(self) -> str:
        return f"{self.label} {self.office or ''} 第{self.version}版 {self.at:%Y/%m/%d}"

    @property
    def file_name(self) -> str:
        """年次報告_令和6年度_確定_2025-05-10.xlsx; later versions say which one they are."""
        office = f"_{self.office.short_name or self.office.name}" if self.office_id else ""
        version = f"_第{self.version}版" if self.version > 1 else ""
        return f"年次報告_{self.label}{office}_確定_{timezone.localtime(self.at):%Y-%m-%d}{version}.xlsx"
