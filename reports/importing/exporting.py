"""Export records in the import formats, so a center can take its data anywhere (round trip)."""

from __future__ import annotations

from collections.abc import Iterator

from cases.models import Client, Consultation
from outreach.models import Attendance, MunicipalDay, Session

from .kinds import COLUMNS


def _d(value) -> str:
    return value.isoformat() if value else ""


def _t(value) -> str:
    return value.strftime("%H:%M") if value else ""


def export_rows(kind: str) -> Iterator[list]:
    """Rows of one kind, header first, in the columns `import_records` reads."""
    yield list(COLUMNS[kind])
    if kind == "clients":
        rows = (
            Client.objects.current()
            .select_related("municipality", "office", "referral_route")
            .order_by("case_number")
        )
        for c in rows.iterator(chunk_size=2000):
            yield [
                c.case_number,
                c.name,
                c.kana,
                c.sex,
                _d(c.birth_date),
                c.municipality.name if c.municipality else "",
                c.office.name,
                c.referral_route.label if c.referral_route else "",
                c.withdrawal_period,
                _d(c.registered_on),
            ]
    elif kind == "consultations":
        rows = (
            Consultation.objects.current()
            .select_related("office", "client")
            .prefetch_related("staff")
            .order_by("date", "id")
        )
        for c in rows.iterator(chunk_size=2000):
            yield [
                c.record_number or "",
                _d(c.date),
                c.office.name,
                c.method,
                c.consulter,
                c.client.case_number if c.client else "",
                "、".join([*(s.username for s in c.staff.all()), *filter(None, c.staff_names.split("、"))]),
                "" if c.duration_minutes is None else c.duration_minutes,
                c.content,
            ]
    elif kind == "sessions":
        for s in (
            Session.objects.filter(archived_at__isnull=True)
            .select_related("program", "office")
            .order_by("date", "id")
        ):
            yield [
                s.program.name,
                _d(s.date),
                s.office.name,
                _t(s.start_time),
                _t(s.end_time),
                s.theme,
                s.status,
                s.cancel_reason,
            ]
    elif kind == "attendance":
        rows = Attendance.objects.select_related(
            "session__program", "session__office", "client", "family_member"
        )
        for a in rows.order_by("session__date", "id").iterator(chunk_size=2000):
            yield [
                a.session.program.name,
                _d(a.session.date),
                a.session.office.name,
                a.client.case_number,
                a.family_member.name if a.family_member else "本人",
                a.family_member.relationship if a.family_member else "",
            ]
    elif kind == "municipal_days":
        for d in (
            MunicipalDay.objects.filter(archived_at__isnull=True)
            .select_related("municipality", "office")
            .order_by("date", "id")
        ):
            yield [
                _d(d.date),
                d.municipality.name,
                d.host_type,
                d.office.name,
                d.slots,
                d.reserved,
                d.consulted,
            ]
    else:
        raise ValueError(kind)
