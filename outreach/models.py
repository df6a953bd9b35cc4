"""Group programs, municipal consultation days and outreach events (SPEC §4)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Client, Consultation, FamilyMember
from hikikomori.constraints import ChecksInPython
from hikikomori.fiscal import fiscal_year_range
from hikikomori.models import HealthArea, Municipality, Office


class Program(models.Model):
    """A group program: フリースペース (clients come) or 家族のつどい (family members come)."""

    class Participants(models.TextChoices):
        CLIENTS = "clients", _("本人")
        FAMILY = "family", _("家族")

    name = models.CharField(_("プログラム名"), max_length=50, unique=True)
    participants = models.CharField(_("参加者"), max_length=10, choices=Participants.choices)
    default_rule = models.CharField(_("標準の開催ルール"), max_length=100, blank=True)
    default_venue = models.CharField(_("標準の会場"), max_length=100, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = verbose_name_plural = _("プログラム")

    def __str__(self) -> str:
        return self.name

    @property
    def for_family(self) -> bool:
        return self.participants == self.Participants.FAMILY


class ClosurePeriod(ChecksInPython):
    """Days the center is closed (e.g. 年末年始 12/29–1/3), skipped when generating sessions."""

    name = models.CharField(_("名称"), max_length=50)
    start = models.DateField(_("開始日"))
    end = models.DateField(_("終了日"))
    every_year = models.BooleanField(
        _("毎年繰り返す"), default=False, help_text=_("月日だけを見て毎年適用します。")
    )

    class Meta:
        ordering = ["start"]
        verbose_name = verbose_name_plural = _("休業期間")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="closure_end_after_start",
                violation_error_message=_("終了日は開始日以降にしてください。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, day: dt.date) -> bool:
        if not self.every_year:
            return self.start <= day <= self.end
        key = (day.month, day.day)
        start, end = (self.start.month, self.start.day), (self.end.month, self.end.day)
        if start <= end:
            return start <= key <= end
        return key >= start or key <= end  # wraps over the new year


class SessionStatus(models.TextChoices):
    HELD = "開催", _("開催")
    CANCELLED = "中止", _("中止")


class SessionQuerySet(models.QuerySet):
    def in_fiscal_year(self, fiscal_year: int, as_of: dt.date | None = None):
        start, end = fiscal_year_range(fiscal_year)
        if as_of is not None:
            end = min(end, as_of)
        return self.filter(date__gte=start, date__lte=end)


class Session(ChecksInPython):
    program = models.ForeignKey(
        Program, verbose_name=_("プログラム"), on_delete=models.PROTECT, related_name="sessions"
    )
    office = models.ForeignKey(
        Office, verbose_name=_("拠点"), on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField(_("開催日"))
    start_time = models.TimeField(_("開始時刻"), null=True, blank=True)
    end_time = models.TimeField(_("終了時刻"), null=True, blank=True)
    venue = models.CharField(_("会場"), max_length=100, blank=True)
    theme = models.CharField(_("テーマ"), max_length=200, blank=True)
    status = models.CharField(
        _("状態"), max_length=5, choices=SessionStatus.choices, default=SessionStatus.HELD
    )
    cancel_reason = models.CharField(_("中止理由"), max_length=200, blank=True)
    online_offices = models.ManyToManyField(
        Office, verbose_name=_("オンライン参加拠点"), blank=True, related_name="online_sessions"
    )
    notes = models.TextField(_("備考"), blank=True)
    archived_at = models.DateTimeField(_("アーカイブ日時"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = verbose_name_plural = _("プログラム開催")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "office", "date"],
                name="session_once_a_day",
                violation_error_message=_("このプログラムはこの拠点・この日にすでに登録されています。"),
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="session_ends_after_start",
                violation_error_message=_("終了時刻は開始時刻より後にしてください。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} {self.date:%Y/%m/%d}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def display_status(self) -> str:
        """開催 / 中止, and 予定 for a session still to come."""
        if not self.is_cancelled and self.date > timezone.localdate():
            return str(_("予定"))
        return self.status


class Attendance(models.Model):
    """A person at a session: a client (フリースペース) or a family member with their client."""

    session = models.ForeignKey(
        Session, verbose_name=_("開催"), on_delete=models.PROTECT, related_name="attendances"
    )
    client = models.ForeignKey(
        Client, verbose_name=_("利用者"), on_delete=models.PROTECT, related_name="attendances"
    )
    family_member = models.ForeignKey(
        FamilyMember,
        verbose_name=_("家族"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("プログラム参加")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "client"],
                condition=Q(family_member__isnull=True),
                name="attendance_client_once",
                violation_error_message=_("この方はこの回の参加者にすでに記録されています。"),
            ),
            models.UniqueConstraint(
                fields=["session", "family_member"],
                condition=Q(family_member__isnull=False),
                name="attendance_family_member_once",
                violation_error_message=_("この家族はこの回の参加者にすでに記録されています。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.family_member or self.client}"


class HostType(models.TextChoices):
    CENTER = "センター主催", _("センター主催")
    MUNICIPAL_WITH_CENTER = "市町村主催（センター協力）", _("市町村主催（センター協力）")
    MUNICIPAL_OWN = "市町村独自", _("市町村独自")


HOST_SYMBOLS = {HostType.CENTER: "〇", HostType.MUNICIPAL_WITH_CENTER: "●", HostType.MUNICIPAL_OWN: "◎"}
# Which symbol wins when a municipality had days of several host types in one year.
HOST_PRECEDENCE = [HostType.CENTER, HostType.MUNICIPAL_WITH_CENTER, HostType.MUNICIPAL_OWN]


class SlotState(models.TextChoices):
    FREE = "空き", _("空き")
    RESERVED = "予約済み", _("予約済み")
    CONSULTED = "相談済み", _("相談済み")


def _state(reservation) -> str:
    return SlotState.CONSULTED if reservation.consultation_id else SlotState.RESERVED


class MunicipalDay(ChecksInPython):
    """市町村相談会: a day of consultations by reservation at a municipality."""

    date = models.DateField(_("実施日"))
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("市町村"), on_delete=models.PROTECT, related_name="+"
    )
    host_type = models.CharField(_("形態"), max_length=20, choices=HostType.choices)
    office = models.ForeignKey(
        Office, verbose_name=_("拠点"), on_delete=models.PROTECT, related_name="municipal_days"
    )
    slots = models.PositiveSmallIntegerField(_("予約枠"), default=3)  # the number of slot_times
    slot_times = models.JSONField(_("時間枠"), default=list, blank=True)
    reserved = models.PositiveSmallIntegerField(_("予約数"), default=0)
    consulted = models.PositiveSmallIntegerField(_("相談件数"), default=0)
    case_conference = models.BooleanField(_("ケース会議を実施"), default=False)
    notes = models.TextField(_("備考"), blank=True)
    archived_at = models.DateTimeField(_("アーカイブ日時"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = verbose_name_plural = _("市町村相談会")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "date", "office"],
                name="municipal_day_once",
                violation_error_message=_("この市町村・拠点・日の相談会はすでに登録されています。"),
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=models.F("slots")),
                name="municipal_day_no_overbooking",
                violation_error_message=_("予約数が予約枠を超えています。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.date:%Y/%m/%d}"

    @property
    def symbol(self) -> str:
        return HOST_SYMBOLS[self.host_type]

    @property
    def free_slots(self) -> int:
        return max(0, self.slots - self.reserved)

    def slot_states(self, reservations) -> list[dict]:
        """Each slot with its state (空き / 予約済み / 相談済み) and its reservation; then any reservation
        at a time that is not a slot (recorded before days had slots, or imported)."""
        active = [r for r in reservations if r.cancelled_at is None]
        by_time: dict[str, list] = {}
        for reservation in active:
            by_time.setdefault(f"{reservation.time:%H:%M}", []).append(reservation)
        rows = []
        for time in self.slot_times:
            taken = by_time.pop(time, [])
            rows += [{"time": time, "reservation": r, "state": _state(r)} for r in taken] or [
                {"time": time, "reservation": None, "state": SlotState.FREE}
            ]
        for time, taken in sorted(by_time.items()):
            rows += [{"time": time, "reservation": r, "state": _state(r)} for r in taken]
        return rows

    def free_times(self, reservations) -> list[str]:
        """The slots still free; never more than the day's 予約枠 less its 予約数 (a day imported with
        its figures only has fewer reservations recorded than booked)."""
        taken = {f"{r.time:%H:%M}" for r in reservations if r.cancelled_at is None}
        return [t for t in self.slot_times if t not in taken][: self.free_slots]


class Reservation(models.Model):
    day = models.ForeignKey(
        MunicipalDay, verbose_name=_("相談会"), on_delete=models.PROTECT, related_name="reservations"
    )
    time = models.TimeField(_("時間"))
    client = models.ForeignKey(
        Client, verbose_name=_("利用者"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    family_member = models.ForeignKey(
        FamilyMember,
        verbose_name=_("家族"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    by_family = models.BooleanField(_("家族が相談する"), default=False)
    name = models.CharField(_("予約者（匿名・未登録）"), max_length=100, blank=True)
    consultation = models.OneToOneField(
        Consultation,
        verbose_name=_("相談記録"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reservation",
    )
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["day", "time"]
        verbose_name = verbose_name_plural = _("予約")

    def __str__(self) -> str:
        who = self.family_member or self.client or self.name or _("匿名")
        return f"{self.time:%H:%M} {who}"


class AffiliationCategory(models.Model):
    """Affiliation categories for counting participants of trainings and meetings."""

    label = models.CharField(_("名称"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["sort_order", "label"]
        verbose_name = verbose_name_plural = _("参加者の所属区分")

    def __str__(self) -> str:
        return self.label


class OutreachEvent(models.Model):
    class Kind(models.TextChoices):
        TRAINING = "研修会", _("研修会")
        NETWORK = "ネットワーク会議", _("ネットワーク会議")
        TALK = "講話", _("講話")
        MEETING = "関係機関の会議への出席", _("関係機関の会議への出席")

    class Format(models.TextChoices):
        IN_PERSON = "集合", _("集合")
        ONLINE = "オンライン", _("オンライン")

    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("実施日"))
    title = models.CharField(_("名称"), max_length=200)
    format = models.CharField(_("形式"), max_length=10, choices=Format.choices, default=Format.IN_PERSON)
    office = models.ForeignKey(
        Office, verbose_name=_("拠点"), on_delete=models.PROTECT, related_name="events"
    )
    health_area = models.ForeignKey(
        HealthArea,
        verbose_name=_("保健所圏域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    organizer = models.CharField(_("主催"), max_length=100, blank=True)
    notes = models.TextField(_("備考"), blank=True)
    archived_at = models.DateTimeField(_("アーカイブ日時"), null=True, blank=True)

    history = HistoricalRecords()
    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        verbose_name = verbose_name_plural = _("普及啓発・研修")

    def __str__(self) -> str:
        return f"{self.date:%Y/%m/%d} {self.title}"


class EventParticipants(models.Model):
    event = models.ForeignKey(OutreachEvent, on_delete=models.CASCADE, related_name="participant_counts")
    category = models.ForeignKey(AffiliationCategory, verbose_name=_("所属区分"), on_delete=models.PROTECT)
    count = models.PositiveIntegerField(_("人数"))

    class Meta:
        verbose_name = verbose_name_plural = _("参加者数")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "category"],
                name="event_category_once",
                violation_error_message=_("同じ所属区分が重複しています。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.count}"
