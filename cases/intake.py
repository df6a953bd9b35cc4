"""受付 (相談受付・申込票): the first contact about a person, registered or not, as its own record.

It says who came first (経路), the 主訴, how the person came to consult, a short screening of
urgency, who referred them, and what happened next. It links to the consultation it came from
and, once the person is registered, to the client; an anonymous first call stays anonymous.
The yearly report's 新規相談受付件数 counts these records."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hikikomori.models import Office

from .validators import content_length, not_in_the_future


class IntakeRoute(models.TextChoices):
    CLIENT = "本人", _("本人")
    FAMILY = "家族", _("家族")
    AGENCY = "関係機関", _("関係機関")
    OTHER = "その他", _("その他")

    @classmethod
    def of(cls, consulter: str) -> str:
        """The route of a first consultation, from who consulted (相談者: 本人, 家族, 関係機関, その他)."""
        return consulter if consulter in cls.values else cls.OTHER


class Urgency(models.TextChoices):
    """A short, fixed screening (not a diagnosis): the most serious that applies."""

    NONE = "特になし", _("特になし")
    HEALTH = "心身の不調", _("心身の不調の訴えがある")
    VIOLENCE = "暴力・虐待", _("家庭内の暴力・虐待のおそれ")
    SELF_HARM = "自傷・自殺", _("自傷・自殺のおそれ")


class NextStep(models.TextChoices):
    CONTINUE = "継続支援", _("継続支援")
    INFORMATION = "情報提供のみで終了", _("情報提供のみで終了")
    REFERRAL = "他機関へつなぐ", _("他機関へつなぐ")


class Intake(models.Model):
    received_on = models.DateField(_("受付日"), default=timezone.localdate, validators=[not_in_the_future])
    office = models.ForeignKey(Office, verbose_name=_("拠点"), on_delete=models.PROTECT, related_name="+")
    route = models.CharField(_("経路"), max_length=10, choices=IntakeRoute.choices)
    complaint = models.TextField(_("主訴"), blank=True, validators=[content_length])
    background = models.TextField(_("相談に至った経緯"), blank=True, validators=[content_length])
    urgency = models.CharField(_("緊急性"), max_length=10, choices=Urgency.choices, default=Urgency.NONE)
    referrer = models.ForeignKey(
        "cases.ReferralRoute",
        verbose_name=_("紹介元"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    next_step = models.CharField(
        _("次の対応"), max_length=20, choices=NextStep.choices, default=NextStep.CONTINUE
    )
    referred_to = models.ForeignKey(
        "cases.ReferralDestination",
        verbose_name=_("つなぎ先"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    consultation = models.OneToOneField(
        "cases.Consultation",
        verbose_name=_("相談記録"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake",
    )
    client = models.ForeignKey(
        "cases.Client",
        verbose_name=_("利用者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intakes",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # free text anonymisation blanks (retention)
    PERSONAL_TEXT = ["complaint", "background"]

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("受付")
        indexes = [models.Index(fields=["received_on", "office"])]

    def __str__(self) -> str:
        return f"{self.received_on:%Y/%m/%d} {self.route} {self.get_next_step_display()}"

    def clean(self):
        if self.referred_to_id and self.next_step != NextStep.REFERRAL:
            raise ValidationError(
                {"referred_to": _("つなぎ先は、次の対応が「他機関へつなぐ」のときだけ記録できます。")}
            )
