"""A request for help sent through the public form (Web相談), and the hits the public pages count
for their rate limits (kept in the database, so that every app host sees the same counts)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.intake import IntakeRoute
from cases.models import AgeGroup
from hikikomori.models import Municipality, Office

TROUBLE_MAX = 2000  # characters of 「いま困っていること」
# 受付番号: random, not a sequence (a number says nothing of how many others wrote), without
# letters that read alike (0/O, 1/I/L).
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_receipt_number() -> str:
    return "W-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))


class ContactWish(models.TextChoices):
    PHONE = "電話", _("電話で連絡してほしい")
    EMAIL = "メール", _("メールで連絡してほしい")
    VISIT = "来所", _("窓口で話したい")
    NONE = "連絡不要", _("今は連絡しなくてよい")


class RequestStatus(models.TextChoices):
    NEW = "未対応", _("未対応")
    RECORDED = "記録済み", _("相談として記録済み")
    NOT_NEEDED = "対応不要", _("対応不要")
    SPAM = "迷惑", _("迷惑な送信")


class WebRequest(models.Model):
    receipt_number = models.CharField(_("受付番号"), max_length=12, unique=True, default=new_receipt_number)
    received_at = models.DateTimeField(_("受付日時"), default=timezone.now)
    due_on = models.DateField(_("対応期限"))
    office = models.ForeignKey(Office, verbose_name=_("担当拠点"), on_delete=models.PROTECT, related_name="+")
    writer = models.CharField(_("書いた人"), max_length=10, choices=IntakeRoute.choices)
    age_band = models.CharField(_("ご本人の年代"), max_length=10, choices=AgeGroup.choices)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("お住まいの市町村"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    trouble = models.TextField(_("いま困っていること"), max_length=TROUBLE_MAX)
    contact = models.CharField(_("連絡の希望"), max_length=10, choices=ContactWish.choices)
    name = models.CharField(_("お名前"), max_length=50, blank=True)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    email = models.EmailField(_("メールアドレス"), max_length=100, blank=True)
    # A wish to book a slot of a municipal consultation day (booked by the coordinator who
    # handles the request, through the same service as a phone booking).
    wished_day = models.ForeignKey(
        "outreach.MunicipalDay",
        verbose_name=_("希望の市町村相談会"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    wished_time = models.TimeField(_("希望の時間"), null=True, blank=True)
    reservation = models.OneToOneField(
        "outreach.Reservation",
        verbose_name=_("予約"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="web_request",
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    closed_reason = models.CharField(_("理由"), max_length=200, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("対応した職員"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("対応日時"), null=True, blank=True)
    consultation = models.OneToOneField(
        "cases.Consultation",
        verbose_name=_("相談記録"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="web_request",
    )

    class Meta:
        verbose_name = verbose_name_plural = _("Web相談")
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["status", "office", "received_at"], name="web_request_inbox")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="記録済み") | models.Q(consultation__isnull=False),
                name="web_request_recorded_has_consultation",
            )
        ]

    def __str__(self) -> str:
        return self.receipt_number

    def is_overdue(self, today) -> bool:
        return self.status == RequestStatus.NEW and self.due_on < today


class PublicHit(models.Model):
    """One request sent to the public form (kept a day): the rate limits count these."""

    address = models.CharField(max_length=64, db_index=True)  # a keyed hash, never the address itself
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"
