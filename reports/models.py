"""Records of imports and finalized yearly reports."""

from django.conf import settings
from django.db import models
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

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = _("確定した年次報告")

    def __str__(self) -> str:
        return f"{self.label} {self.office or ''} {self.at:%Y/%m/%d}"
