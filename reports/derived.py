"""Derived data of the yearly report and the lists, kept equal to the records by the one write door.

The report of a whole fiscal year reads small tables instead of every consultation of the
history (see reports/models.py): per client, year, office and method (`ClientYear`, which also
carries the client's sex, birth date and residence), and per month and office (`MonthlyCount`,
which also totals the 相談記録 list, and `StaffMonthlyCount`); each client's 最終相談日
(`Client.last_consulted_on`) sorts the 利用者 list. They are never edited: whatever changes a
consultation or a client's details (a screen's save, an archive, a merge, an import, an
anonymisation, a command) refreshes the rows of the clients and months it touched, recomputed
from the records themselves:

- a single save or delete: the models' signals (also the staff's m2m signal, and a client's save);
- writes that bypass signals (bulk imports, a merge's UPDATE, an anonymisation, demo and
  benchmark loads) call `refresh_consultations` / `refresh_clients` /
  `refresh_client_details` or `recompute` themselves.

Refreshes lock the clients' and offices' rows first, so two coordinators saving at once cannot
interleave two recomputations of the same month. `recompute(check=True)` compares everything
with a fresh computation; `manage.py recompute_report_data` runs it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from hikikomori.fiscal import fiscal_year_of, months_between

CHUNK = 500


def _month_of(day: dt.date) -> tuple[int, int]:
    return fiscal_year_of(day), day.month


def _month_range(fiscal_year: int, month: int) -> tuple[dt.date, dt.date]:
    year = fiscal_year if month >= 4 else fiscal_year + 1
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def _lock(model, ids: Iterable[int]) -> None:
    ids = sorted(set(ids))
    if ids:
        list(model.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


# ---- per client -------------------------------------------------------------------------------


def client_year_rows(client_ids: Iterable[int]) -> list:
    """The `ClientYear` rows of these clients, computed from their consultations."""
    from cases.models import INTERVIEW_METHODS, Consultation, age_group

    from .models import ALL_METHODS, INTERVIEWS, ClientYear

    rows = (
        Consultation.objects.filter(client_id__in=list(client_ids), archived_at__isnull=True)
        .order_by("client_id", "date", "id")
        .values_list(
            "client_id", "date", "id", "office_id", "method", "municipality_id",
            "client__sex", "client__birth_date", "client__municipality_id",
        )
    )  # fmt: skip
    first_ever: dict[int, dt.date] = {}
    first_ever_office: dict[tuple[int, int], dt.date] = {}
    found: dict[tuple, ClientYear] = {}
    details: dict[int, tuple] = {}
    for client, date, pk, office, method, municipality, *client_details in rows:
        details[client] = client_details
        first_ever.setdefault(client, date)
        first_ever_office.setdefault((client, office), date)
        fiscal_year = fiscal_year_of(date)
        kinds = [method, ALL_METHODS] + ([INTERVIEWS] if method in INTERVIEW_METHODS else [])
        for key in [(client, fiscal_year, place, kind) for kind in kinds for place in (office, None)]:
            row = found.get(key)
            if row is None:
                found[key] = ClientYear(
                    client_id=client,
                    fiscal_year=fiscal_year,
                    office_id=key[2],
                    method=key[3],
                    first_date=date,
                    first_id=pk,
                    first_municipality_id=municipality,
                    last_date=date,
                    last_id=pk,
                    last_municipality_id=municipality,
                    count=1,
                )
            else:
                row.last_date, row.last_id, row.last_municipality_id = date, pk, municipality
                row.count += 1
    for row in found.values():
        row.consulted_year_before = (row.client_id, row.fiscal_year - 1, row.office_id, ALL_METHODS) in found
        row.sex, row.birth_date, row.home_municipality_id = details[row.client_id]
        row.first_age_group = age_group(row.birth_date, row.first_date)
        row.first_ever = first_ever[row.client_id]
        row.first_ever_office = first_ever_office.get((row.client_id, row.office_id), row.first_ever)
        row.span_months = months_between(row.first_ever_office, row.last_date)
    # Stored in year order, so that one year's rows lie together on disk.
    return sorted(found.values(), key=lambda r: (r.fiscal_year, r.office_id or 0, r.client_id, r.method))


def store_last_consulted(client_ids: list[int] | None = None) -> None:
    """Client.last_consulted_on of these clients (None: of every client) from their consultations,
    in one UPDATE past the model's save (which never writes it) and its history."""
    from django.db.models import Max, OuterRef, Subquery

    from cases.models import Client, Consultation

    latest = (
        Consultation.objects.filter(client=OuterRef("pk"), archived_at__isnull=True)
        .order_by()
        .values("client")
        .annotate(last=Max("date"))
        .values("last")
    )
    clients = Client.objects.all() if client_ids is None else Client.objects.filter(pk__in=client_ids)
    clients.update(last_consulted_on=Subquery(latest))


def _replace_client_rows(client_ids: list[int]) -> None:
    """These clients' `ClientYear` rows, computed again (their rows locked by the caller)."""
    from .models import ClientYear

    ClientYear.objects.filter(client_id__in=client_ids).delete()
    ClientYear.objects.bulk_create(client_year_rows(client_ids), batch_size=2000)


def refresh_clients(client_ids: Iterable[int | None]) -> None:
    from cases.models import Client

    ids = sorted({pk for pk in client_ids if pk})
    if not ids:
        return
    with transaction.atomic(savepoint=False):  # part of the write that asked: no savepoint of its own
        _lock(Client, ids)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            _replace_client_rows(chunk)
            store_last_consulted(chunk)


def refresh_client_details(client_ids: Iterable[int | None]) -> None:
    """After a change of clients' sex, birth date or municipality, which their rows carry (with
    the 年代 of each first consultation): the client's save (the signal) and the writes that
    bypass it call this."""
    refresh_clients(client_ids)


# ---- per month and office ---------------------------------------------------------------------


def month_rows(office_id: int, fiscal_year: int, month: int) -> tuple[list, list]:
    """The `MonthlyCount` and `StaffMonthlyCount` rows of one office's month, computed."""
    from django.db.models import Count, Q, Sum

    from cases.models import Consultation

    from .models import MonthlyCount, StaffMonthlyCount

    first, last = _month_range(fiscal_year, month)
    month_qs = Consultation.objects.filter(
        archived_at__isnull=True, office_id=office_id, date__range=(first, last)
    )
    counts: Counter = Counter()
    minutes: dict[tuple, int | None] = {}
    for method, consulter, anonymous, n, total in (
        month_qs.values_list("method", "consulter", Q(client__isnull=True))
        .annotate(n=Count("id"), minutes=Sum("duration_minutes"))
        .order_by()
    ):
        key = (method, consulter, anonymous)
        counts[key] += n
        if total is not None:
            minutes[key] = (minutes.get(key) or 0) + total
    monthly = [
        MonthlyCount(
            fiscal_year=fiscal_year,
            month=month,
            office_id=office_id,
            method=method,
            consulter=consulter,
            anonymous=anonymous,
            count=n,
            minutes=minutes.get((method, consulter, anonymous)),
        )
        for (method, consulter, anonymous), n in sorted(counts.items())
    ]
    staff = [
        StaffMonthlyCount(
            fiscal_year=fiscal_year, month=month, office_id=office_id, staff_id=user, method=method, count=n
        )
        for user, method, n in month_qs.values_list("staff", "method").annotate(n=Count("id")).order_by()
    ]
    return monthly, staff


def refresh_months(keys: Iterable[tuple[int, dt.date]]) -> None:
    """Recompute the counts of these (office, any day of the month) pairs."""
    from hikikomori.models import Office

    from .models import MonthlyCount, StaffMonthlyCount

    months = sorted({(office, *_month_of(day)) for office, day in keys if office and day})
    if not months:
        return
    with transaction.atomic(savepoint=False):
        _lock(Office, [office for office, _, _ in months])
        for office, fiscal_year, month in months:
            where = {"office_id": office, "fiscal_year": fiscal_year, "month": month}
            MonthlyCount.objects.filter(**where).delete()
            StaffMonthlyCount.objects.filter(**where).delete()
            monthly, staff = month_rows(office, fiscal_year, month)
            MonthlyCount.objects.bulk_create(monthly)
            StaffMonthlyCount.objects.bulk_create(staff)


def refresh_consultations(rows: Iterable[tuple[int | None, int, dt.date]]) -> None:
    """After writes that bypass the signals: (client, office, date) of every consultation written,
    before and after the change."""
    rows = list(rows)
    with transaction.atomic(savepoint=False):
        refresh_clients(client for client, _, _ in rows)
        refresh_months((office, date) for _, office, date in rows)


def add_consultation(consultation, staff_ids: list[int]) -> None:
    """A consultation just recorded (not archived), with its staff: its client's rows computed
    again, and its month's counts incremented in place: no recount of the month."""
    from django.db.models import Case, F, Q, Value, When

    from cases.models import Client
    from hikikomori.models import Office

    from .models import MonthlyCount, StaffMonthlyCount

    if consultation.archived_at is not None or not staff_ids:
        refresh_consultations([(consultation.client_id, consultation.office_id, consultation.date)])
        return
    with transaction.atomic(savepoint=False):
        if consultation.client_id:
            # This UPDATE locks the client's row, as _lock does for a recount.
            Client.objects.filter(pk=consultation.client_id).update(
                last_consulted_on=Case(
                    When(
                        Q(last_consulted_on__isnull=True) | Q(last_consulted_on__lt=consultation.date),
                        then=Value(consultation.date),
                    ),
                    default=F("last_consulted_on"),
                )
            )
            _replace_client_rows([consultation.client_id])
        # The office's lock orders this against a recount of the month (refresh_months).
        _lock(Office, [consultation.office_id])
        fiscal_year, month = _month_of(consultation.date)
        monthly, staff = MonthlyCount._meta.db_table, StaffMonthlyCount._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {monthly} (fiscal_year, month, office_id, method, consulter, anonymous, count,"
                " minutes) VALUES (%s, %s, %s, %s, %s, %s, 1, %s)"
                " ON CONFLICT (fiscal_year, month, office_id, method, consulter, anonymous) DO UPDATE"
                f" SET count = {monthly}.count + 1, minutes = CASE WHEN excluded.minutes IS NULL"
                f" THEN {monthly}.minutes ELSE COALESCE({monthly}.minutes, 0) + excluded.minutes END",
                [
                    fiscal_year, month, consultation.office_id, consultation.method,
                    consultation.consulter, consultation.client_id is None, consultation.duration_minutes,
                ],
            )  # fmt: skip
            values = ", ".join(["(%s, %s, %s, %s, %s, 1)"] * len(staff_ids))
            cursor.execute(
                f"INSERT INTO {staff} (fiscal_year, month, office_id, staff_id, method, count) VALUES {values}"
                " ON CONFLICT (fiscal_year, month, office_id, staff_id, method) DO UPDATE"
                f" SET count = {staff}.count + 1",
                [
                    value
                    for user in sorted(set(staff_ids))
                    for value in (fiscal_year, month, consultation.office_id, user, consultation.method)
                ],
            )


def consultation_keys(ids: Iterable[int]) -> list[tuple[int | None, int, dt.date]]:
    from cases.changes import consultation_keys as keys_of

    return keys_of(ids)


# ---- everything -------------------------------------------------------------------------------


def _all_rows() -> tuple[list, list, list]:
    from cases.models import Client, Consultation

    client_ids = list(Client.objects.order_by("pk").values_list("pk", flat=True))
    client_years = []
    for start in range(0, len(client_ids), 2000):
        client_years += client_year_rows(client_ids[start : start + 2000])
    months = sorted(
        {
            (office, *_month_of(day))
            for office, day in Consultation.objects.filter(archived_at__isnull=True)
            .values_list("office_id", "date")
            .distinct()
        }
    )
    monthly, staff = [], []
    for office, fiscal_year, month in months:
        m, s = month_rows(office, fiscal_year, month)
        monthly += m
        staff += s
    return client_years, monthly, staff


def _comparable(rows, fields: list[str]) -> Counter:
    return Counter(tuple(getattr(row, f) for f in fields) for row in rows)


FIELDS = {
    "ClientYear": [
        "client_id", "fiscal_year", "office_id", "method", "first_date", "first_id", "first_municipality_id",
        "last_date", "last_id", "last_municipality_id", "count", "first_ever", "first_ever_office", "span_months",
        "sex", "birth_date", "home_municipality_id", "consulted_year_before", "first_age_group",
    ],
    "MonthlyCount": ["fiscal_year", "month", "office_id", "method", "consulter", "anonymous", "count", "minutes"],
    "StaffMonthlyCount": ["fiscal_year", "month", "office_id", "staff_id", "method", "count"],
}  # fmt: skip


def recompute(*, check: bool = False) -> dict[str, int]:
    """Compare the stored rows with a fresh computation: the number of differing rows per table.
    Without `check`, replace the stored rows with the computed ones."""
    from . import models

    computed = dict(zip(FIELDS, _all_rows(), strict=True))
    differences = {}
    for name, fields in FIELDS.items():
        model = getattr(models, name)
        stored = _comparable(model.objects.all(), fields)
        fresh = _comparable(computed[name], fields)
        differences[name] = sum(((stored - fresh) + (fresh - stored)).values())
    differences[LAST_CONSULTED] = _last_consulted_differences()
    if not check:
        with transaction.atomic():
            for name in FIELDS:
                model = getattr(models, name)
                model.objects.all().delete()
                model.objects.bulk_create(computed[name], batch_size=2000)
            store_last_consulted()
    return differences


LAST_CONSULTED = "Client.last_consulted_on"
KINDS = [*FIELDS, LAST_CONSULTED]  # what `recompute` compares


def _last_consulted_differences() -> int:
    """Clients whose stored 最終相談日 is not the date of their last consultation."""
    from django.db.models import Max

    from cases.models import Client, Consultation

    last = dict(
        Consultation.objects.filter(archived_at__isnull=True, client__isnull=False)
        .values_list("client_id")
        .annotate(last=Max("date"))
        .order_by()
    )
    stored = Client.objects.values_list("pk", "last_consulted_on")
    return sum(date != last.get(pk) for pk, date in stored.iterator(chunk_size=5000))


# ---- the signals of single saves --------------------------------------------------------------


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._derived_before = None
        return
    instance._derived_before = (
        sender.objects.filter(pk=instance.pk).values_list("client_id", "office_id", "date").first()
    )


def _refresh(keys: list) -> None:
    """Now, or once at the end of the write they are part of (cases.changes.announced_together)."""
    from cases.changes import kept_for_later

    if not kept_for_later(keys):
        refresh_consultations(keys)


def _after_save(sender, instance, raw=False, **kwargs):
    from cases.changes import announced_later

    if raw or announced_later(instance):
        return
    keys = [(instance.client_id, instance.office_id, instance.date)]
    before = getattr(instance, "_derived_before", None)
    if before:
        keys.append(before)
    _refresh(keys)


def _after_delete(sender, instance, **kwargs):
    _refresh([(instance.client_id, instance.office_id, instance.date)])


def _staff_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Consultations' staff changed: the counts of their months (no client's rows change)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _refresh([(None, instance.office_id, instance.date)])
    elif pk_set:
        _refresh([(None, office, date) for _, office, date in consultation_keys(pk_set)])


# What the client-year rows copy of a client (field names and attribute names).
CLIENT_DETAILS = {"sex", "birth_date", "municipality", "municipality_id"}


def _client_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    """A new client, or a save that may have changed the details the rows carry (a status change,
    a close or a transfer saves only its own fields and leaves the rows alone)."""
    if not raw and (update_fields is None or CLIENT_DETAILS & set(update_fields)):
        refresh_client_details([instance.pk])


def _clients_announced(sender, client_ids, **kwargs):
    refresh_clients(client_ids)


def _consultations_announced(sender, keys, **kwargs):
    refresh_consultations(keys)


def _consultation_created(sender, consultation, staff_ids, **kwargs):
    add_consultation(consultation, staff_ids)


def _records_loaded(sender, **kwargs):
    recompute()


def connect() -> None:
    from cases import changes
    from cases.models import Client, Consultation

    changes.clients_changed.connect(_clients_announced, dispatch_uid="derived_clients_announced")
    changes.consultations_changed.connect(
        _consultations_announced, dispatch_uid="derived_consultations_announced"
    )
    changes.records_loaded.connect(_records_loaded, dispatch_uid="derived_records_loaded")
    changes.consultation_created.connect(_consultation_created, dispatch_uid="derived_consultation_created")

    post_save.connect(_client_saved, sender=Client, dispatch_uid="derived_client_saved")
    pre_save.connect(_before_save, sender=Consultation, dispatch_uid="derived_before_save")
    post_save.connect(_after_save, sender=Consultation, dispatch_uid="derived_after_save")
    post_delete.connect(_after_delete, sender=Consultation, dispatch_uid="derived_after_delete")
    m2m_changed.connect(_staff_changed, sender=Consultation.staff.through, dispatch_uid="derived_staff")
