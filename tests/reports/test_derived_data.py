"""The yearly report's derived data always equals what the consultations say.

Random sequences of what users and imports do — record, edit (date, office, method, client,
residence, staff), archive, restore, attach an anonymous call, merge two clients, transfer a
client, correct a client's sex, birth date or residence on the screen or by import, import new
and changed rows — go through the services (the one write door). After each
sequence the stored rows equal a fresh recomputation, and every figure of the report read from
them equals the report counted from every consultation, for all offices and for one office, and
the 相談記録 list's totals read from them equal the rows'.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import services
from cases.models import VISIT_SUPPORT_METHODS, Client, Consultation, Consulter, Method, Sex
from hikikomori.models import Municipality
from reports import derived
from reports.models import MonthlyCount
from reports.queries import Scope
from reports.stored import consultation_totals as stored_totals
from reports.tables import build_report
from tests.records import make_client, make_consultation

YEARS = (2023, 2024, 2025)
FIRST_DAY = dt.date(2023, 4, 1)
SPAN_DAYS = (dt.date(2026, 3, 31) - FIRST_DAY).days

operation = st.one_of(
    st.tuples(st.just("record"), st.integers(0, 3), st.integers(0, SPAN_DAYS), st.integers(0, 5), st.integers(0, 9)),
    st.tuples(st.just("edit"), st.integers(0, 40), st.integers(0, SPAN_DAYS), st.integers(0, 5), st.integers(0, 9)),
    st.tuples(st.just("archive"), st.integers(0, 40)),
    st.tuples(st.just("restore"), st.integers(0, 40)),
    st.tuples(st.just("attach"), st.integers(0, 40), st.integers(0, 2)),
    st.tuples(st.just("merge"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("transfer"), st.integers(0, 2)),
    st.tuples(st.just("import"), st.integers(0, 40), st.integers(0, SPAN_DAYS), st.integers(0, 5)),
    st.tuples(st.sampled_from(["details", "details_import"]), st.integers(0, 2), st.integers(0, 60), st.integers(0, 4)),
)  # fmt: skip


def list_totals(fiscal_year, office) -> dict:
    rows = Consultation.objects.current()
    rows = rows.in_fiscal_year(fiscal_year) if fiscal_year else rows
    rows = rows.filter(office=office) if office else rows
    return rows.aggregate(
        count=Count("id"),
        anonymous=Count("id", filter=Q(client__isnull=True)),
        visit_support=Count("id", filter=Q(method__in=VISIT_SUPPORT_METHODS)),
        minutes=Sum("duration_minutes"),
    )


def figures(report) -> dict:
    return {table.sheet: table.rows for table in report.tables}


def apply(op, *, world) -> None:
    offices, staff, clients, towns = world["offices"], world["staff"], world["clients"], world["towns"]
    consultations = list(Consultation.objects.order_by("pk"))
    kind = op[0]
    if kind == "record":
        _, who, day, method, place = op
        office = offices[place % len(offices)]
        services.consultation_record(
            by=staff[office.pk],
            office=office,
            date=FIRST_DAY + dt.timedelta(days=day),
            method=list(Method)[method % len(Method)],
            consulter=Consulter.CLIENT if who < 3 else Consulter.FAMILY,
            client=clients[who] if who < 3 else None,
            municipality=towns[place] if place < len(towns) else None,
            duration_minutes=None if place % 3 == 0 else 10 * place,
        )
    elif kind in ("edit", "import") and consultations:
        _, pick, day, method = op[:4]
        c = consultations[pick % len(consultations)]
        office = offices[(pick + day) % len(offices)]
        changes = {
            "date": FIRST_DAY + dt.timedelta(days=day),
            "method": list(Method)[method % len(Method)],
            "office": office,
            "municipality": towns[day % len(towns)] if day % 3 else None,
        }
        if kind == "edit":
            services.consultation_update(
                by=staff[office.pk], consultation=c, version=c.version, staff=[staff[office.pk]], **changes
            )
        else:  # one changed row and one new row, as an import file brings them
            for name, value in changes.items():
                setattr(c, name, value)
            new = Consultation(
                office=office, date=changes["date"], method=Method.PHONE, consulter=Consulter.FAMILY,
                client=clients[pick % len(clients)] if pick % 2 else None,
            )  # fmt: skip
            services.consultations_import(
                by=None, creates=[(new, [staff[office.pk]])], updates=[(c, None)], fields=list(changes)
            )
    elif kind == "archive" and consultations:
        c = consultations[op[1] % len(consultations)]
        if c.archived_at is None:
            services.consultation_archive(by=staff[c.office_id], consultation=c, reason="誤登録")
    elif kind == "restore" and consultations:
        c = consultations[op[1] % len(consultations)]
        if c.archived_at is not None:
            services.consultation_restore(by=staff[c.office_id], consultation=c, reason="誤りでした")
    elif kind == "attach" and consultations:
        c = consultations[op[1] % len(consultations)]
        if c.client_id is None and c.archived_at is None:
            services.consultation_attach_client(by=staff[c.office_id], consultation=c, client=clients[op[2]])
    elif kind == "merge":
        survivor, duplicate = (
            Client.objects.get(pk=clients[op[1]].pk),
            Client.objects.get(pk=clients[op[2]].pk),
        )
        if (
            survivor.pk != duplicate.pk
            and survivor.merged_into_id is None
            and duplicate.merged_into_id is None
        ):
            services.client_merge(
                by=staff[survivor.office_id], survivor=survivor, duplicate=duplicate, reason="同一人物"
            )
    elif kind in ("details", "details_import"):  # sex, birth date and residence, as corrected
        _, pick, years, place = op
        client = Client.objects.get(pk=clients[pick].pk)
        if client.merged_into_id is None:
            changes = {
                "sex": [Sex.MALE, Sex.FEMALE, Sex.UNKNOWN][years % 3],
                "birth_date": dt.date(1950 + years, 1 + years % 12, 1 + years % 28) if years < 55 else None,
                "municipality": towns[place] if place < len(towns) else None,
            }
            if kind == "details":
                services.client_update(
                    by=world["supervisor"], client=client, version=client.version, **changes
                )
            else:
                for name, value in changes.items():
                    setattr(client, name, value)
                services.clients_import(
                    by=None, creates=[], updates=[client], fields=list(changes), transfers={}
                )
    elif kind == "transfer":
        client = Client.objects.get(pk=clients[op[1]].pk)
        target = next(o for o in offices if o.pk != client.office_id)
        services.client_transfer(by=world["supervisor"], client=client, office=target, reason="転居")


@pytest.fixture
def world(center, chikuho, coordinator, satellite_coordinator, supervisor):
    towns = list(Municipality.objects.exclude(region=None).order_by("pk")[:4])
    clients = [
        make_client(center if n % 2 else chikuho, f"C-{n:04d}", f"利用者{n}", "リヨウシャ", municipality=towns[n % 4],
                    birth_date=dt.date(1975 + n * 5, 6, 1))
        for n in range(3)
    ]  # fmt: skip
    return {
        "offices": [center, chikuho],
        "staff": {center.pk: coordinator, chikuho.pk: satellite_coordinator},
        "supervisor": supervisor,
        "clients": clients,
        "towns": towns,
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(operation, min_size=4, max_size=25), fiscal_year=st.sampled_from(YEARS))
def test_the_derived_data_always_equals_the_records_and_the_report_is_unchanged(
    world, center, operations, fiscal_year
):
    with transaction.atomic():
        for op in operations:
            try:
                with transaction.atomic():
                    apply(op, world=world)
            except Exception as exc:  # a refused change (a rule of the door) changes nothing
                if exc.__class__.__name__ not in ("ValidationError", "ConflictError"):
                    raise

        assert derived.recompute(check=True) == dict.fromkeys(derived.KINDS, 0)
        for office in (None, center):
            stored = build_report(Scope(fiscal_year=fiscal_year, office=office))
            live = build_report(Scope(fiscal_year=fiscal_year, office=office, live=True))
            assert figures(stored) == figures(live), office
            for year in (None, fiscal_year):  # the 相談記録 list's totals (全期間 and a year)
                assert list_totals(year, office) == stored_totals(
                    MonthlyCount.objects.all(), fiscal_year=year, office=office
                ), (year, office)
        transaction.set_rollback(True)


def test_the_recompute_command_finds_and_repairs_a_difference(center, capsys):
    make_consultation(center, "2024-05-01", client=make_client(center))  # kept by the signals
    call_command("recompute_report_data", "--check")
    assert "The derived data equals the records." in capsys.readouterr().out
    from reports.models import MonthlyCount

    MonthlyCount.objects.update(count=99)  # a stored count gone wrong
    with pytest.raises(Exception, match="differs"):
        call_command("recompute_report_data", "--check")
    call_command("recompute_report_data")
    assert "MonthlyCount: 2 rows differ" in capsys.readouterr().out
    call_command("recompute_report_data", "--check")
    assert MonthlyCount.objects.get().count == 1
