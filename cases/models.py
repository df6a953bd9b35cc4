"""Clients, their families and consultations (SPEC §4)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Replace, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hikikomori.constraints import ChecksInPython
from hikikomori.fiscal import age_on, fiscal_year_range
from hikikomori.models import Municipality, Office, User

from .text import normalize_name
from .validators import (
    content_length,
    minutes_within_a_day,
    not_in_the_future,
    notes_length,
    plausible_birth_date,
)

# Born 1970-04-02..1986-04-01: the "employment ice age" generation (就職氷河期世代).
ICE_AGE_BORN_FROM = dt.date(1970, 4, 2)
ICE_AGE_BORN_TO = dt.date(1986, 4, 1)
DORMANT_AFTER_DAYS = 183  # 長期未接触: no consultation for six months while 支援中


_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−－ｰー", "-"))


def normalize_case_number(text) -> str:
    """ケース番号 the way it is stored and compared: full-width letters, digits and dashes folded,
    so Ｋ－０００１ (typed with the IME on, or from a Japanese Excel file) is K-0001."""
    return unicodedata.normalize("NFKC", str(text or "")).translate(_DASHES).strip()


_SEPARATORS = re.compile(r"[-\s_/.]")
# a stored ケース番号 (already folded by normalize_case_number) compared the same way
_COMPACT = Replace(Replace(Upper("case_number"), Value("-"), Value("")), Value(" "), Value(""))


def _compact_case_number(number: str) -> str:
    """A typed ケース番号 without its separators, upper-cased (d0302 → D0302); "" unless it is letters
    and digits a number can hold."""
    compact = _SEPARATORS.sub("", number).upper()
    return compact if compact.isascii() and compact.isalnum() and any(c.isdigit() for c in compact) else ""


class AgeGroup(models.TextChoices):
    TEENS = "10代", _("10代")
    TWENTIES = "20代", _("20代")
    THIRTIES = "30代", _("30代")
    FORTIES = "40代", _("40代")
    FIFTIES = "50代", _("50代")
    SIXTIES_PLUS = "60代以上", _("60代以上")
    UNKNOWN = "不明", _("不明")


def age_group(birth_date: dt.date | None, on: dt.date) -> str:
    if birth_date is None:
        return AgeGroup.UNKNOWN
    age = age_on(birth_date, on)
    if age < 20:
        return AgeGroup.TEENS
    if age >= 60:
        return AgeGroup.SIXTIES_PLUS
    return f"{age // 10 * 10}代"


def birth_range_for_age_group(group: str, on: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """Birth dates (inclusive bounds, None = open) of people in an age group on a date."""

    def born_before_age(age: int) -> dt.date:
        # Latest birth date of someone who is at least `age` on `on`.
        try:
            return on.replace(year=on.year - age)
        except ValueError:  # 29 February
            return on.replace(year=on.year - age, day=28)

    bounds = {
        AgeGroup.TEENS: (0, 20),
        AgeGroup.TWENTIES: (20, 30),
        AgeGroup.THIRTIES: (30, 40),
        AgeGroup.FORTIES: (40, 50),
        AgeGroup.FIFTIES: (50, 60),
        AgeGroup.SIXTIES_PLUS: (60, None),
    }
    low_age, high_age = bounds[group]
    latest = born_before_age(low_age)
    earliest = born_before_age(high_age) + dt.timedelta(days=1) if high_age else None
    return earliest, latest


class ChoiceList(models.Model):
    """An admin-edited list of choices; retired entries stay for old records."""

    label = models.CharField(_("名称"), max_length=100, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "label"]

    def __str__(self) -> str:
        return self.label


class ReferralRoute(ChoiceList):
    class Meta(ChoiceList.Meta):
        verbose_name = verbose_name_plural = _("相談経路")


class ReferralDestination(ChoiceList):
    class Meta(ChoiceList.Meta):
        verbose_name = verbose_name_plural = _("つなぎ先")


class ClosureReason(ChoiceList):
    class Meta(ChoiceList.Meta):
        verbose_name = verbose_name_plural = _("終結理由")


class Sex(models.TextChoices):
    MALE = "男性", _("男性")
    FEMALE = "女性", _("女性")
    OTHER = "その他", _("その他")
    UNKNOWN = "不明", _("不明")


class WithdrawalPeriod(models.TextChoices):
    LT_6M = "6か月未満", _("6か月未満")
    LT_1Y = "6か月～1年未満", _("6か月～1年未満")
    LT_3Y = "1年～3年未満", _("1年～3年未満")
    LT_5Y = "3年～5年未満", _("3年～5年未満")
    LT_10Y = "5年～10年未満", _("5年～10年未満")
    LT_20Y = "10年～20年未満", _("10年～20年未満")
    GE_20Y = "20年以上", _("20年以上")
    UNKNOWN = "不明", _("不明")


class ExitRoute(models.TextChoices):
    """Where a person went when the case closed (支援の出口)."""

    REFERRAL = "つなぎ先", _("つなぎ先")
    WORK = "就労", _("就労")
    SCHOOL = "就学", _("就学")
    PLACE = "居場所", _("居場所")
    OTHER = "その他", _("その他")


class ClientStatus(models.TextChoices):
    ACTIVE = "支援中", _("支援中")
    CLOSED = "終結", _("終結")
    SUSPENDED = "中断", _("中断")


def refuse_anonymised(client, field: str | None = None) -> None:
    """A record anonymised at the end of its retention period takes no new personal data."""
    if client is not None and client.anonymised_at is not None:
        message = _("保存期間の満了により匿名化した利用者の記録は、変更も追加もできません。")
        raise ValidationError({field: message} if field else message, code="anonymised")


class ClientQuerySet(models.QuerySet):
    def current(self):
        """Not archived and not merged into another record."""
        return self.filter(archived_at__isnull=True, merged_into__isnull=True)

    def search(self, text: str):
        key = normalize_name(text)
        if not key:
            return self
        number = normalize_case_number(text)
        # Text without letters (kana, digits) has no case: a plain LIKE, not UPPER() of every row.
        lookup = "case_number__contains" if number.upper() == number.lower() else "case_number__icontains"
        by_number = Q(**{lookup: number})
        compact = _compact_case_number(number)
        if compact:
            # d0302 finds D-0302: the number compared without its separators, in any case
            by_number |= Q(case_number_compact__contains=compact)
        # A merged-away record's ケース番号 still finds the record it was merged into.
        merged = Client.objects.alias(case_number_compact=_COMPACT).filter(
            Q(merged_into__isnull=False) & by_number
        )
        return self.alias(case_number_compact=_COMPACT).filter(
            Q(search_key__contains=key) | by_number | Q(pk__in=merged.values("merged_into"))
        )

    def with_last_contact(self):
        # A correlated subquery on the (client, date) index: evaluated only for the rows
        # returned, so a paginated list does not aggregate every consultation.
        latest = Consultation.objects.filter(client=models.OuterRef("pk"), archived_at__isnull=True).order_by(
            "-date"
        )
        return self.annotate(last_contact=models.Subquery(latest.values("date")[:1]))

    def dormant(self, today: dt.date):
        """支援中 with no consultation for six months (registered long enough ago)."""
        cutoff = today - dt.timedelta(days=DORMANT_AFTER_DAYS)
        recent = Consultation.objects.filter(
            client=models.OuterRef("pk"), date__gt=cutoff, archived_at__isnull=True
        )
        return self.filter(status=ClientStatus.ACTIVE, registered_on__lte=cutoff).exclude(
            models.Exists(recent)
        )

    def in_age_group(self, group: str, on: dt.date):
        if group == AgeGroup.UNKNOWN:
            return self.filter(birth_date__isnull=True)
        earliest, latest = birth_range_for_age_group(group, on)
        qs = self.filter(birth_date__lte=latest)
        return qs.filter(birth_date__gte=earliest) if earliest else qs


class Client(ChecksInPython):
    """A person in a state of hikikomori (本人・当事者)."""

    case_number = models.CharField(_("ケース番号"), max_length=30, unique=True)
    name = models.CharField(_("氏名"), max_length=100)
    kana = models.CharField(_("フリガナ"), max_length=100, blank=True)
    search_key = models.CharField(max_length=220, editable=False, db_index=True, default="")
    kana_key = models.CharField(max_length=110, editable=False, default="")
    sex = models.CharField(_("性別"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("生年月日"), null=True, blank=True, validators=[plausible_birth_date])
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("居住市町村"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    office = models.ForeignKey(
        Office, verbose_name=_("担当拠点"), on_delete=models.PROTECT, related_name="clients"
    )
    referral_route = models.ForeignKey(
        ReferralRoute, verbose_name=_("相談経路"), on_delete=models.PROTECT, null=True, blank=True
    )
    withdrawal_period = models.CharField(
        _("ひきこもり期間"), max_length=20, choices=WithdrawalPeriod.choices, default=WithdrawalPeriod.UNKNOWN
    )
    status = models.CharField(
        _("状態"), max_length=10, choices=ClientStatus.choices, default=ClientStatus.ACTIVE
    )
    closed_on = models.DateField(_("終結日"), null=True, blank=True)
    closure_reason = models.ForeignKey(
        ClosureReason, verbose_name=_("終結理由"), on_delete=models.PROTECT, null=True, blank=True
    )
    exit_route = models.CharField(_("終結後の行き先"), max_length=10, choices=ExitRoute.choices, blank=True)
    exit_destination = models.ForeignKey(
        ReferralDestination,
        verbose_name=_("終結後のつなぎ先"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    registered_on = models.DateField(_("登録日"), default=timezone.localdate, validators=[not_in_the_future])
    # 主担当 and 副担当: who carries the case (hikikomori.scoping.workers_for decides who may).
    primary_worker = models.ForeignKey(
        User,
        verbose_name=_("主担当"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_clients",
    )
    secondary_worker = models.ForeignKey(
        User, verbose_name=_("副担当"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(_("備考"), blank=True, validators=[notes_length])
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("統合先"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
    )
    archived_at = models.DateTimeField(_("アーカイブ日時"), null=True, blank=True)
    # Set when the retention period ended and a supervisor approved anonymisation (retention app).
    anonymised_at = models.DateTimeField(_("匿名化日時"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # 最終相談日 for sorting the 利用者 list: derived data, kept equal to the consultations by the
    # write door (reports.derived.refresh_clients, compared by `recompute_report_data`), never
    # written by a save of the client itself.
    last_consulted_on = models.DateField(_("最終相談日"), null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_key", "kana_key", "updated_at", "last_consulted_on"])
    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("利用者")
        ordering = ["case_number"]
        indexes = [
            models.Index(fields=["office", "status"]),
            models.Index(fields=["kana_key", "birth_date"]),
            # The 利用者 list of current records, by ケース番号 (the default) or by 最終相談日, with
            # its count: index-only scans on PostgreSQL, even deep into the list.
            models.Index(
                fields=["case_number"],
                include=["id"],
                condition=Q(archived_at__isnull=True, merged_into__isnull=True),
                name="client_current_by_number",
            ),
            models.Index(
                fields=["last_consulted_on", "id"],
                condition=Q(archived_at__isnull=True, merged_into__isnull=True),
                name="client_last_consulted",
            ),
            # Who carries the clients 支援中 (担当者別の担当件数): an index-only scan of those.
            models.Index(
                fields=["registered_on"],
                include=["id", "office", "primary_worker", "secondary_worker"],
                condition=Q(status="支援中", archived_at__isnull=True, merged_into__isnull=True),
                name="client_active_workers",
            ),
            # The year's closed clients (終結の状況): a range of closing dates, read from the index.
            models.Index(
                fields=["closed_on"],
                include=["office", "exit_route", "exit_destination"],
                condition=Q(status="終結", archived_at__isnull=True, merged_into__isnull=True),
                name="client_closed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="終結") | Q(closed_on__isnull=False),
                name="client_closed_has_date",
                violation_error_message=_("終結した利用者には終結日が必要です。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_number} {self.name}"

    def save(self, **kwargs):
        self.refresh_search_keys()
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            # A record read before a consultation was saved must not write back its old 最終相談日
            # (nor, as Django's own save, the fields it did not load).
            skipped = {"last_consulted_on", *self.get_deferred_fields()}
            kwargs["update_fields"] = [
                f.attname
                for f in self._meta.concrete_fields
                if not f.primary_key and f.attname not in skipped
            ]
        super().save(**kwargs)

    def clean(self):
        refuse_anonymised(self)
        if self.exit_route and self.status != ClientStatus.CLOSED:
            raise ValidationError({"exit_route": _("終結後の行き先は、終結した利用者にだけ記録できます。")})
        if self.exit_destination_id and self.exit_route != ExitRoute.REFERRAL:
            raise ValidationError(
                {"exit_destination": _("終結後のつなぎ先は、行き先が「つなぎ先」のときだけ記録できます。")}
            )
        self.clean_workers()

    def clean_workers(self) -> None:
        """主担当 and 副担当 are staff who may see the client: of its office, or supervisors."""
        from hikikomori.scoping import workers_for

        if not (self.primary_worker_id or self.secondary_worker_id):
            return
        errors = {}
        changed = self.changed_workers()
        for field, message in (
            (
                "primary_worker",
                _("主担当は、担当拠点の職員（またはセンター担当者・管理職）から選んでください。"),
            ),
            (
                "secondary_worker",
                _("副担当は、担当拠点の職員（またはセンター担当者・管理職）から選んでください。"),
            ),
        ):
            worker_id = getattr(self, f"{field}_id")
            if (
                worker_id
                and field in changed
                and not workers_for(self.office_id).filter(pk=worker_id).exists()
            ):
                errors[field] = message
        if self.secondary_worker_id and self.secondary_worker_id == self.primary_worker_id:
            errors["secondary_worker"] = _("副担当には主担当と別の職員を選んでください。")
        if errors:
            raise ValidationError(errors)

    def changed_workers(self) -> set[str]:
        """The worker fields set anew since the record was read (a worker deactivated later stays
        recorded until the case is handed over)."""
        fields = {"primary_worker", "secondary_worker"}
        loaded = getattr(self, "_loaded_workers", None)
        if self._state.adding or loaded is None or loaded["office_id"] != self.office_id:
            return fields
        return {f for f in fields if loaded[f"{f}_id"] != getattr(self, f"{f}_id")}

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        record = super().from_db(db, field_names, values, **kwargs)
        record._loaded_workers = {
            name: record.__dict__.get(name)
            for name in ("primary_worker_id", "secondary_worker_id", "office_id")
        }
        return record

    @property
    def is_active(self) -> bool:
        """支援中: the status that takes consultations and can be closed, not reopened."""
        return self.status == ClientStatus.ACTIVE

    def refresh_search_keys(self) -> None:
        """Normalised name and フリガナ kept beside them, so that search is a column lookup.

        Called by save(); bulk writes (imports, demo data) call it themselves.
        """
        self.kana_key = normalize_name(self.kana)
        self.search_key = f"{self.kana_key}|{normalize_name(self.name)}"

    @property
    def is_ice_age_generation(self) -> bool:
        return self.birth_date is not None and ICE_AGE_BORN_FROM <= self.birth_date <= ICE_AGE_BORN_TO

    def age(self, on: dt.date | None = None) -> int | None:
        return age_on(self.birth_date, on or timezone.localdate()) if self.birth_date else None

    def age_group(self, on: dt.date | None = None) -> str:
        return age_group(self.birth_date, on or timezone.localdate())


class Relationship(models.TextChoices):
    FATHER = "父", _("父")
    MOTHER = "母", _("母")
    SIBLING = "兄弟姉妹", _("兄弟姉妹")
    SPOUSE = "配偶者", _("配偶者")
    GRANDPARENT = "祖父母", _("祖父母")
    CHILD = "子", _("子")
    OTHER = "その他", _("その他")


class FamilyMember(models.Model):
    client = models.ForeignKey(
        Client, verbose_name=_("利用者"), on_delete=models.PROTECT, related_name="family"
    )
    name = models.CharField(_("氏名"), max_length=100)
    relationship = models.CharField(_("続柄"), max_length=10, choices=Relationship.choices)
    birth_date = models.DateField(_("生年月日"), null=True, blank=True, validators=[plausible_birth_date])
    contact = models.CharField(_("連絡先"), max_length=200, blank=True)
    archived_at = models.DateTimeField(_("アーカイブ日時"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("家族")
        ordering = ["client", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_relationship_display()}）"

    def clean(self):
        if self.client_id:
            refuse_anonymised(self.client)


class Method(models.TextChoices):
    """相談方法: fixed, since the statistics are defined by them."""

    PHONE = "電話", _("電話")
    VISIT = "来所", _("来所")
    ONLINE = "オンライン", _("オンライン")
    HOME_VISIT = "訪問", _("訪問")
    ACCOMPANY = "同行", _("同行")
    OTHER = "メール・その他", _("メール・その他")


VISIT_SUPPORT_METHODS = (Method.HOME_VISIT, Method.ACCOMPANY)  # 訪問支援
INTERVIEW_METHODS = (Method.VISIT, Method.HOME_VISIT, Method.ACCOMPANY)  # for 新規面談者


class Consulter(models.TextChoices):
    CLIENT = "本人", _("本人")
    FAMILY = "家族", _("家族")
    AGENCY = "関係機関", _("関係機関")
    OTHER = "その他", _("その他")


class ConsultationQuerySet(models.QuerySet):
    def current(self):
        return self.filter(archived_at__isnull=True)

    def in_fiscal_year(self, fiscal_year: int, as_of: dt.date | None = None):
        start, end = fiscal_year_range(fiscal_year)
        if as_of is not None:
            end = min(end, as_of)
        return self.filter(date__gte=start, date__lte=end)

    def due_follow_ups(self, user, today: dt.date):
        return self.current().filter(
            staff=user,
            follow_up_on__isnull=False,
            follow_up_on__lte=today + dt.timedelta(days=7),
            follow_up_done=False,
        )


class Consultation(ChecksInPython):
    """One contact (相談)."""

    date = models.DateField(_("相談日"))
    start_time = models.TimeField(_("開始時刻"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(
        _("所要時間（分）"), null=True, blank=True, validators=[minutes_within_a_day]
    )
    office = models.ForeignKey(
        Office, verbose_name=_("拠点"), on_delete=models.PROTECT, related_name="consultations"
    )
    method = models.CharField(_("相談方法"), max_length=10, choices=Method.choices)
    consulter = models.CharField(_("相談者"), max_length=10, choices=Consulter.choices)
    family_member = models.ForeignKey(
        FamilyMember,
        verbose_name=_("相談した家族"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    agency = models.CharField(_("関係機関名"), max_length=100, blank=True)
    client = models.ForeignKey(
        Client,
        verbose_name=_("利用者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("居住市町村"),
        help_text=_("相談時点の居住市町村（統計の居住地域に使います）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("担当者"), related_name="consultations", blank=True
    )
    staff_names = models.CharField(
        _("担当者（記録上の氏名）"),
        max_length=200,
        blank=True,
        help_text=_("取り込んだ記録の担当者のうち、職員アカウントに当たらない氏名（退職者など）。"),
    )
    content = models.TextField(_("内容"), blank=True, validators=[content_length])
    referral_destination = models.ForeignKey(
        ReferralDestination, verbose_name=_("つなぎ先"), on_delete=models.PROTECT, null=True, blank=True
    )
    follow_up_on = models.DateField(_("次回予定"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("次回予定対応済み"), default=False)
    record_number = models.CharField(_("記録番号"), max_length=50, unique=True, null=True, blank=True)
    archived_at = models.DateTimeField(_("アーカイブ日時"), null=True, blank=True)
    archive_reason = models.CharField(_("アーカイブの理由"), max_length=500, blank=True)
    # db_default: rows written without the column (an app host of the previous release during an
    # upgrade, bulk loads) still insert
    restore_reason = models.CharField(
        _("アーカイブから戻した理由"), max_length=500, blank=True, db_default=""
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[staff])
    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = _("相談記録")
        ordering = ["-date", "-start_time", "-id"]
        indexes = [
            models.Index(fields=["office", "date"]),
            # A client's consultations in date order: timelines, dormancy, the report's spans
            # (index-only scans on PostgreSQL).
            models.Index(
                fields=["client", "date"],
                condition=Q(archived_at__isnull=True),
                name="consultation_client_date",
            ),
            # Orders and ranges the 相談記録 list, and covers its totals and the yearly report
            # on PostgreSQL (index-only scans; SQLite ignores the included columns).
            models.Index(
                fields=["date", "id"],
                include=["id", "office", "method", "consulter", "client", "municipality", "duration_minutes"],
                condition=Q(archived_at__isnull=True),
                name="consultation_stats_cover",
            ),
            # The year's anonymous consultations (a tenth of them), which the yearly report
            # counts one by one by residence: a scan of those alone.
            models.Index(
                fields=["date"],
                include=["id", "method", "municipality", "office"],
                condition=Q(archived_at__isnull=True, client__isnull=True),
                name="consultation_anonymous",
            ),
            # The year's consultations with a つなぎ先 (a few in a hundred), which the yearly
            # report counts per destination: an index-only scan of those alone.
            models.Index(
                fields=["date"],
                include=["office", "referral_destination"],
                condition=Q(archived_at__isnull=True, referral_destination__isnull=False),
                name="consultation_referred",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__gte=0),
                name="consultation_duration_not_negative",
                violation_error_message=_("所要時間は0分以上で入力してください。"),
            ),
            models.CheckConstraint(
                condition=Q(method__in=[m.value for m in Method]),
                name="consultation_method_valid",
                violation_error_message=_("相談方法が正しくありません。"),
            ),
            models.CheckConstraint(
                condition=Q(consulter__in=[c.value for c in Consulter]),
                name="consultation_consulter_valid",
                violation_error_message=_("相談者が正しくありません。"),
            ),
            models.CheckConstraint(
                condition=Q(family_member__isnull=True) | Q(consulter="家族"),
                name="consultation_family_member_only_for_family",
                violation_error_message=_("相談した家族は、相談者が「家族」のときだけ記録できます。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y/%m/%d} {self.method} {self.client or _('匿名')}"

    def clean(self):
        if self.client_id:
            refuse_anonymised(self.client, "client")

    @property
    def is_anonymous(self) -> bool:
        return self.client_id is None


class ClientLog(models.Model):
    """Status changes, transfers, merges and links: who, when, what (traceable)."""

    class Kind(models.TextChoices):
        CLOSED = "closed", _("終結")
        SUSPENDED = "suspended", _("中断")
        REOPENED = "reopened", _("再開")
        TRANSFERRED = "transferred", _("担当拠点の変更")
        MERGED = "merged", _("統合")
        LINKED = "linked", _("匿名相談の紐づけ")
        ARCHIVED = "archived", _("アーカイブ")
        ANONYMISED = "anonymised", _("保存期間満了による匿名化")
        HANDED_OVER = "handed_over", _("担当の引継ぎ")

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="logs")
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("日時"), default=timezone.now)
    # Empty only for changes made by a command (an import from the command line).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("実施者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("理由"), blank=True)
    detail = models.JSONField(_("詳細"), default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("利用者の変更履歴")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y/%m/%d} {self.get_kind_display()}"


# 受付 lives in its own module; imported here so that Django registers the model.
from .intake import Intake  # noqa: E402, F401
