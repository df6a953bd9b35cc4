"""Export records in the import formats, so that a center can take its data anywhere: every kind,
every business field, read back by `import_records` into the same records (round trip)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

from django.utils import timezone

from cases.models import Client, Consultation, FamilyMember
from hikikomori.exports import csv_text, safe_cell
from outreach.models import Attendance, MunicipalDay, OutreachEvent, Reservation, Session

from .casework_kinds import EXPORTERS
from .kinds import COLUMNS, family_label

CHUNK = 2000
# The order in which a full export is imported back: each kind names records of the ones before.
ORDER = [
    "clients",
    "families",
    "consultations",
    "sessions",
    "attendance",
    "municipal_days",
    "reservations",
    "events",
    "assessments",
    "plans",
    "monitoring",
    "sharing_consents",
    "meetings",
]


def _d(value) -> str:
    return value.isoformat() if value else ""


def _t(value) -> str:
    return value.strftime("%H:%M") if value else ""


def _yes(value: bool) -> str:
    return "はい" if value else ""


def _name(obj, attribute: str = "name") -> str:
    return getattr(obj, attribute) if obj is not None else ""


def export_rows(kind: str) -> Iterator[list]:
    """Rows of one kind, header first, in the columns `import_records` reads (streamed in chunks)."""
    if kind not in COLUMNS:
        raise ValueError(kind)
    yield list(COLUMNS[kind])
    yield from (EXPORTERS.get(kind) or globals()[f"_{kind}"])()


def _clients():
    rows = (
        Client.objects.current()
        .select_related(
            "municipality", "office", "referral_route", "closure_reason", "exit_destination",
            "primary_worker", "secondary_worker",
        )
        .order_by("case_number")
    )  # fmt: skip
    for c in rows.iterator(chunk_size=CHUNK):
        yield [
            c.case_number, c.name, c.kana, c.sex, _d(c.birth_date), _name(c.municipality), c.office.name,
            _name(c.referral_route, "label"), c.withdrawal_period, _d(c.registered_on),
            c.status, _d(c.closed_on), _name(c.closure_reason, "label"), c.exit_route,
            _name(c.exit_destination, "label"), c.notes,
            _name(c.primary_worker, "username"), _name(c.secondary_worker, "username"),
        ]  # fmt: skip


def _families():
    rows = (
        FamilyMember.objects.filter(
            archived_at__isnull=True, client__archived_at__isnull=True, client__merged_into=None
        )
        .select_related("client")
        .order_by("client__case_number", "id")
    )
    for m in rows.iterator(chunk_size=CHUNK):
        yield [m.client.case_number, m.name, m.relationship, _d(m.birth_date), m.contact]


def _consultations():
    """Plain values, not model instances (a tenth of the time at a million rows); the staff of
    each chunk of rows in one query."""
    through = Consultation.staff.through.objects
    rows = (
        Consultation.objects.current()
        .order_by("date", "id")
        .values_list(
            "pk", "record_number", "date", "office__name", "method", "consulter", "client__case_number",
            "staff_names", "duration_minutes", "content", "start_time", "municipality__name",
            "family_member__name", "family_member__relationship", "agency", "referral_destination__label",
            "follow_up_on", "follow_up_done",
        )
    )  # fmt: skip
    chunk: list[tuple] = []

    def flush():
        staff: dict[int, list[str]] = {}
        for consultation, username in (
            through.filter(consultation_id__in=[row[0] for row in chunk])
            .order_by("consultation_id", "user__last_name", "user__first_name", "user__username")
            .values_list("consultation_id", "user__username")
        ):
            staff.setdefault(consultation, []).append(username)
        for (pk, number, date, office, method, consulter, case_number, names, minutes, content, start,
             municipality, family, relationship, agency, destination, follow_up_on, done) in chunk:  # fmt: skip
            people = [*staff.get(pk, ()), *filter(None, names.split("、"))]
            yield [
                number or f"#{pk}", _d(date), office, method, consulter, case_number or "", "、".join(people),
                "" if minutes is None else minutes, content, _t(start), municipality or "",
                f"{family}（{relationship}）" if family is not None else "", agency, destination or "",
                _d(follow_up_on), _yes(done),
            ]  # fmt: skip
        chunk.clear()

    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from flush()
    yield from flush()


def _sessions():
    rows = (
        Session.objects.filter(archived_at__isnull=True)
        .select_related("program", "office")
        .prefetch_related("online_offices")
        .order_by("date", "id")
    )
    for s in rows.iterator(chunk_size=CHUNK):
        yield [
            s.program.name, _d(s.date), s.office.name, _t(s.start_time), _t(s.end_time), s.theme, s.status,
            s.cancel_reason, s.venue, s.notes, "、".join(o.name for o in s.online_offices.all()),
        ]  # fmt: skip


def _attendance():
    rows = Attendance.objects.filter(session__archived_at__isnull=True).select_related(
        "session__program", "session__office", "client", "family_member"
    )
    for a in rows.order_by("session__date", "id").iterator(chunk_size=CHUNK):
        yield [
            a.session.program.name, _d(a.session.date), a.session.office.name, a.client.case_number,
            a.family_member.name if a.family_member else "本人", a.family_member.relationship if a.family_member else "",
        ]  # fmt: skip


def _municipal_days():
    rows = MunicipalDay.objects.filter(archived_at__isnull=True).select_related("municipality", "office")
    for d in rows.order_by("date", "id").iterator(chunk_size=CHUNK):
        yield [
            _d(d.date), d.municipality.name, d.host_type, d.office.name, d.slots, d.reserved, d.consulted,
            " ".join(d.slot_times),
            _yes(d.case_conference), d.notes,
        ]  # fmt: skip


def _reservations():
    rows = Reservation.objects.filter(day__archived_at__isnull=True).select_related(
        "day__municipality", "day__office", "client", "family_member"
    )
    for r in rows.order_by("day__date", "time", "id").iterator(chunk_size=CHUNK):
        cancelled = timezone.localtime(r.cancelled_at).date() if r.cancelled_at else None
        yield [
            _d(r.day.date), r.day.municipality.name, r.day.office.name, _t(r.time), _name(r.client, "case_number"),
            r.name, _yes(r.by_family), family_label(r.family_member), _d(cancelled), _yes(r.consultation_id is not None),
        ]  # fmt: skip


def _events():
    rows = (
        OutreachEvent.objects.filter(archived_at__isnull=True)
        .select_related("office", "health_area")
        .prefetch_related("participant_counts__category")
    )
    for e in rows.order_by("date", "id").iterator(chunk_size=CHUNK):
        counts = sorted(e.participant_counts.all(), key=lambda p: (p.category.sort_order, p.category.label))
        yield [
            e.kind, _d(e.date), e.title, e.office.name, e.format, _name(e.health_area), e.organizer, e.notes,
            "、".join(f"{p.category.label}:{p.count}" for p in counts),
        ]  # fmt: skip


assert set(ORDER) == set(COLUMNS), "every kind is exported and imported in ORDER"


class _Pipe(io.RawIOBase):
    """A write-only, unseekable stream whose bytes are taken out as they come (zipfile then
    writes data descriptors instead of seeking back)."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def stream_zip(kinds=ORDER, *, flush_every: int = 2000) -> Iterator[bytes]:
    """Every kind as a CSV file (UTF-8 with BOM, as `export_records` writes it) in one .zip,
    produced piece by piece: memory holds one chunk of rows, never the whole export."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, kind in enumerate(kinds, start=1):
            with archive.open(f"{number:02d}_{kind}.csv", "w") as member:
                member.write("\ufeff".encode())
                text = io.StringIO()
                writer = csv.writer(text, lineterminator="\r\n")
                for index, row in enumerate(export_rows(kind), start=1):
                    writer.writerow([csv_text(safe_cell(value)) for value in row])
                    if index % flush_every == 0:
                        member.write(text.getvalue().encode("utf-8"))
                        text.seek(0)
                        text.truncate()
                        yield pipe.take()
                member.write(text.getvalue().encode("utf-8"))
            yield pipe.take()
    yield pipe.take()
