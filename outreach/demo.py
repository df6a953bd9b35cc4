"""Two fiscal years of demo sessions, attendance and municipal consultation days."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from cases.demo import YEARLY_VOLUME
from cases.models import Client, FamilyMember
from hikikomori import slots
from hikikomori.demo import register_demo_step
from hikikomori.fiscal import fiscal_year_of
from hikikomori.models import Municipality, Office, User

from .models import Attendance, HostType, MunicipalDay, Program, Reservation, Session, SessionStatus
from .rules import parse_rule
from .services import (
    day_record_case_conference,
    day_save,
    reservation_book,
    reservation_cancel,
    reservation_record_consultation,
    sessions_generate,
)

THEMES = [
    "ひきこもりの基礎知識",
    "医師講話",
    "対応のヒント",
    "VR体験会",
    "社会資源の紹介（就労支援）",
    "当事者からのメッセージ",
]
ACTIVITIES = ["調理", "製作", "運動", "ボードゲーム", "音楽"]


@register_demo_step
def seed_outreach(*, stdout, seed: int = 2025) -> None:
    if Session.objects.exists() or MunicipalDay.objects.exists():
        stdout.write("Demo sessions and municipal days: already present, left as they are.")
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    center = Office.objects.filter(kind=Office.Kind.CENTER).first()
    if center is None:
        return
    by = User.objects.filter(memberships__office=center).first()
    satellites = list(Office.objects.filter(kind=Office.Kind.SATELLITE))
    clients = list(Client.objects.filter(case_number__startswith="D-", office=center))
    members = list(FamilyMember.objects.filter(client__office=center).select_related("client"))
    with transaction.atomic():
        for fy in range(
            fiscal_year_of(today) - len(YEARLY_VOLUME) + 1, fiscal_year_of(today) + 1
        ):  # as the cases demo
            _programs(rng, fy, center, satellites, by, clients, members, today)
            _days(rng, fy, today)
    stdout.write(
        f"Demo sessions: {Session.objects.count()}, attendances: {Attendance.objects.count()}, municipal days: {MunicipalDay.objects.count()}, reservations: {Reservation.objects.count()}"
    )


def _programs(rng, fy, center, satellites, by, clients, members, today):
    free_space = Program.objects.get(name="フリースペース")
    family = Program.objects.get(name="家族のつどい")
    regulars = rng.sample(clients, min(12, len(clients)))
    families = rng.sample(members, min(20, len(members)))
    for program, rule in ((free_space, "第2・第4火曜日 14:00-16:00"), (family, "第3木曜日 14:00-16:00")):
        sessions = sessions_generate(
            by=by,
            program=program,
            office=center,
            fiscal_year=fy,
            rule=parse_rule(rule),
            venue="センター相談室",
            online_offices=satellites if program == family else (),
        )
        for index, session in enumerate(sessions):
            if session.date > today:
                continue
            if rng.random() < 0.05:
                session.status, session.cancel_reason = SessionStatus.CANCELLED, "悪天候"
                session.save()
                continue
            if program == family:
                session.theme = THEMES[index % len(THEMES)]
                session.save(update_fields=["theme"])
                for member in rng.sample(families, rng.randint(3, min(8, len(families)))):
                    Attendance.objects.create(
                        session=session, client=member.client, family_member=member, created_by=by
                    )
            else:
                session.theme = rng.choice(ACTIVITIES)
                session.save(update_fields=["theme"])
                for client in rng.sample(regulars, rng.randint(min(5, len(regulars)), min(9, len(regulars)))):
                    Attendance.objects.create(session=session, client=client, created_by=by)


def _days(rng, fy, today):
    """A dozen days a year, booked and held through the same services as the screens: each past day's
    reservations became consultations (a few were cancelled); a day without any was used for a case
    conference. The current year also has days coming up, partly booked."""
    municipalities = list(Municipality.objects.exclude(jurisdiction=None).select_related("jurisdiction"))
    dates = [dt.date(fy, rng.choice([5, 6, 7, 9, 10, 11]), rng.randint(1, 28)) for _ in range(12)]
    if fy == fiscal_year_of(today):
        dates[:3] = [today + dt.timedelta(days=days) for days in (9, 16, 40)]
    for municipality, date in zip(
        rng.sample(municipalities, min(12, len(municipalities))), dates, strict=False
    ):
        if date > today + dt.timedelta(days=60):
            continue
        office = municipality.jurisdiction
        staff = User.objects.filter(memberships__office=office, is_active=True).order_by("pk").first()
        if staff is None:
            continue
        host = rng.choices(list(HostType), weights=[6, 3, 1])[0]
        day = day_save(
            by=staff, day=MunicipalDay(date=date, municipality=municipality, host_type=host, office=office)
        )
        clients = list(
            Client.objects.filter(
                office=office, case_number__startswith="D-", merged_into=None, anonymised_at=None
            )[:40]
        )
        for time in sorted(rng.sample(day.slot_times, rng.randint(0, len(day.slot_times)))):
            client = rng.choice(clients) if clients and rng.random() < 0.7 else None
            reservation = reservation_book(
                by=staff, day=day, time=slots.as_time(time), client=client,
                by_family=bool(client) and rng.random() < 0.4, name="" if client else "匿名の方",
            )  # fmt: skip
            if date > today:
                continue
            if rng.random() < 0.1:
                reservation_cancel(by=staff, reservation=reservation)
            else:
                reservation_record_consultation(
                    by=staff,
                    reservation=reservation,
                    duration_minutes=rng.choice([40, 50, 60]),
                    staff=[staff],
                )
        day.refresh_from_db()
        if date <= today and not day.consulted:
            day_record_case_conference(
                by=staff, day=day, notes="予約がなかったため市町村職員とケース会議を実施"
            )
