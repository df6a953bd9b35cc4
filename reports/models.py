"""Finalized yearly reports, and the derived data the report is read from."""

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


# Derived data for the yearly report (reports/derived.py keeps it equal to the consultations;
# `manage.py recompute_report_data` rebuilds it and reports any difference).


# ClientYear.method also takes two summary values: every method together, and the interviews
# (来所・訪問・同行) together, so that a year's per-person figures read one row per person.
ALL_METHODS = "*"
INTERVIEWS = "面談"


class ClientYear(models.Model):
    """A registered client's consultations of one fiscal year by one method, at one office and at
    all offices together: first and last (date, id) with the residence recorded on them, and how
    many. `first_ever` is the client's first consultation anywhere; `first_ever_office` at this
    office (anywhere, on the rows of all offices)."""

    client = models.ForeignKey("cases.Client", on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.PositiveSmallIntegerField()
    # Empty: the client's consultations at every office together (the report of all offices).
    office = models.ForeignKey("hikikomori.Office", null=True, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=20)
    first_date = models.DateField()
    first_id = models.BigIntegerField()
    first_municipality = models.ForeignKey(
        "hikikomori.Municipality", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_date = models.DateField()
    last_id = models.BigIntegerField()
    last_municipality = models.ForeignKey(
        "hikikomori.Municipality", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    count = models.PositiveIntegerField()
    first_ever = models.DateField()
    first_ever_office = models.DateField()
    # 継続支援期間 of a whole year: calendar months from `first_ever_office` to `last_date`.
    span_months = models.PositiveSmallIntegerField(default=0)
    # Whether the client consulted (any method) at this office (or at any, on the rows of all
    # offices) in the fiscal year before: a new interviewee (新規面談者) did not.
    consulted_year_before = models.BooleanField(default=False)
    # The client's own details as they are now, so that the report's per-person tables read no
    # client row: a client's save recomputes the client's rows (a signal); the writes that bypass
    # it (an import's bulk update, an anonymisation) call `derived.refresh_client_details`.
    sex = models.CharField(max_length=10, default="")
    # 年代 at `first_date` (cases.models.age_group): the 新規面談者 table's, on the interviews' row.
    first_age_group = models.CharField(max_length=10, default="")
    birth_date = models.DateField(null=True)
    home_municipality = models.ForeignKey(
        "hikikomori.Municipality", null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "client", "office", "method"], name="client_year_one_row"
            )
        ]
        indexes = [
            models.Index(fields=["client", "fiscal_year"], name="client_year_by_client"),
            # One year's rows of one office (or of all offices) and method lie together, with
            # what the report reads of them: the report's counts are index-only range scans on
            # PostgreSQL (SQLite ignores the included columns).
            models.Index(
                fields=["fiscal_year", "office", "method", "client"],
                include=[
                    "id",
                    "first_date",
                    "first_municipality",
                    "last_municipality",
                    "span_months",
                    "sex",
                    "birth_date",
                    "home_municipality",
                    "consulted_year_before",
                    "first_age_group",
                ],
                name="client_year_report",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.client_id} FY{self.fiscal_year} {self.office_id} {self.method}: {self.count}"


class MonthlyCount(models.Model):
    """Consultations of one month at one office per method, consulter and anonymity."""

    fiscal_year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    office = models.ForeignKey("hikikomori.Office", on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=20)
    consulter = models.CharField(max_length=10)
    anonymous = models.BooleanField()
    count = models.PositiveIntegerField()
    # Their 所要時間 in all (the 相談記録 list's total); empty when none of them recorded one.
    minutes = models.PositiveIntegerField(null=True)

    class Meta:
        # One row per key (a new consultation adds to its row in place); it also serves the
        # month's lookups, as the plain index before it did.
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "month", "office", "method", "consulter", "anonymous"],
                name="monthly_count_key",
            )
        ]

    def __str__(self) -> str:
        return (
            f"FY{self.fiscal_year}/{self.month} {self.office_id} {self.method} {self.consulter}: {self.count}"
        )


class StaffMonthlyCount(models.Model):
    """Consultations of one month at one office per member of staff (none: 担当者未設定) and method;
    a consultation with two members of staff counts once for each."""

    fiscal_year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    office = models.ForeignKey("hikikomori.Office", on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=20)
    count = models.PositiveIntegerField()

    class Meta:
        # One row per key (rows without staff are only ever written by a recount).
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "month", "office", "staff", "method"], name="staff_count_key"
            )
        ]

    def __str__(self) -> str:
        return (
            f"FY{self.fiscal_year}/{self.month} {self.office_id} {self.staff_id} {self.method}: {self.count}"
        )
