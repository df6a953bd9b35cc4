"""How long personal data is kept (保存期間), and the cases listed as past it."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

YEARS = [MinValueValidator(1), MaxValueValidator(100)]


class RetentionPolicy(models.Model):
    """One row: the periods the center keeps personal data (edited in 管理, audited)."""

    years_after_closure = models.PositiveSmallIntegerField(
        _("終結後の保存年数"),
        default=5,
        validators=YEARS,
        help_text=_("終結日（またはその後の最終接触日）から数えます。"),
    )
    years_after_last_contact = models.PositiveSmallIntegerField(
        _("中断・長期未接触の保存年数"),
        default=5,
        validators=YEARS,
        help_text=_("中断または長期未接触の利用者の、最後の接触（相談・参加）の日から数えます。"),
    )
    years_unregistered = models.PositiveSmallIntegerField(
        _("未登録者の予約・匿名相談の内容の保存年数"),
        default=3,
        validators=YEARS,
        help_text=_(
            "利用者登録のない人の市町村相談会の予約者名と、匿名相談の内容・関係機関名。実施日・相談日から数えます。"
        ),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("保存期間")

    def __str__(self) -> str:
        return str(_("保存期間の設定"))

    @classmethod
    def current(cls) -> RetentionPolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class Candidate(models.Model):
    """A record listed as past its retention period, waiting for a supervisor's decision.

    Holds no personal data itself: the case is a reference, the reason names dates only."""

    class Kind(models.TextChoices):
        CASE = "case", _("利用者")
        RESERVATIONS = "reservations", _("未登録者の予約")
        ANONYMOUS_TEXT = "anonymous_text", _("匿名相談の内容")

    kind = models.CharField(_("種類"), max_length=20, choices=Kind.choices)
    client = models.ForeignKey(
        "cases.Client",
        verbose_name=_("利用者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("理由"), max_length=200)
    last_activity = models.DateField(_("最終接触日など"), null=True, blank=True)
    cutoff = models.DateField(_("対象の日付（この日以前）"), null=True, blank=True)
    count = models.PositiveIntegerField(_("件数"), default=1)
    listed_at = models.DateTimeField(_("一覧作成日時"))
    decided_at = models.DateTimeField(_("承認日時"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承認者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(_("承認の理由"), blank=True)
    new_case_number = models.CharField(_("匿名化後のケース番号"), max_length=30, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("保存期間を過ぎた記録")
        ordering = ["kind", "last_activity", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reason}"
