"""Changes to sessions, attendance and municipal days: typed, one transaction each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence, Set

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Client, Consultation, Consulter, FamilyMember, Method
from cases.services import IMPORT_REASON, consultation_record
from hikikomori import bulk, history, slots
from hikikomori.models import Office, User

from .models import (
    AffiliationCategory,
    Attendance,
    ClosurePeriod,
    EventParticipants,
    MunicipalDay,
    OutreachEvent,
    Program,
    Reservation,
    Session,
    SessionStatus,
)
from .rules import PlannedDate, Rule, plan_dates


def session_plan(*, program: Program, office: Office, fiscal_year: int, rule: Rule) -> list[PlannedDate]:
    existing = set(Session.objects.filter(program=program, office=office).values_list("date", flat=True))
    return plan_dates(rule, fiscal_year, closures=list(ClosurePeriod.objects.all()), existing=existing)


@transaction.atomic
def sessions_generate(
    *,
    by: User,
    program: Program,
    office: Office,
    fiscal_year: int,
    rule: Rule,
    venue: str = "",
    online_offices=(),
) -> list[Session]:
    """Create the sessions of a fiscal year from a rule; holidays, closures and existing dates are skipped."""
    created = []
    for planned in session_plan(program=program, office=office, fiscal_year=fiscal_year, rule=rule):
        if planned.skipped_because or planned.exists:
            continue
        # get_or_create on the unique (program, office, date): never a session twice.
        session, new = Session.objects.get_or_create(
            program=program,
            office=office,
            date=planned.date,
            defaults={"start_time": rule.start, "end_time": rule.end, "venue": venue},
        )
        if new:
            session.online_offices.set(online_offices)
            created.append(session)
    return created


@transaction.atomic
def session_cancel(*, by: User, session: Session, reason: str) -> Session:
    if not reason.strip():
        raise ValidationError({"cancel_reason": _("中止理由を入力してください。")})
    if session.attendances.exists():
        raise ValidationError(_("参加者が記録されている回は中止にできません。先に参加記録を外してください。"))
    session.status, session.cancel_reason = SessionStatus.CANCELLED, reason.strip()
    history.record_by(session, by)
    session.save(update_fields=["status", "cancel_reason"])
    return session


@transaction.atomic
def session_reopen(*, by: User, session: Session) -> Session:
    session.status, session.cancel_reason = SessionStatus.HELD, ""
    history.record_by(session, by)
    session.save(update_fields=["status", "cancel_reason"])
    return session


@transaction.atomic
def attendance_set(
    *, by: User, session: Session, client: Client, family_member: FamilyMember | None = None, present: bool
) -> bool:
    """Tick or untick one participant; returns whether they are now present."""
    if session.is_cancelled:
        raise ValidationError(_("中止した回には参加を記録できません。"))
    if session.date > timezone.localdate():
        raise ValidationError(_("まだ開催していない回には参加を記録できません。"))
    if session.program.for_family and family_member is None:
        raise ValidationError(_("家族のつどいの参加者は家族を選んでください。"))
    if family_member is not None and family_member.client_id != client.pk:
        raise ValidationError(_("この利用者の家族を選んでください。"))
    if not session.program.for_family:
        family_member = None
    existing = Attendance.objects.filter(session=session, client=client, family_member=family_member)
    if not present:
        existing.delete()  # a tick taken back is a correction; the history keeps it
        return False
    if not existing.exists():
        try:
            with transaction.atomic():
                Attendance.objects.create(
                    session=session, client=client, family_member=family_member, created_by=by
                )
        except IntegrityError:
            pass  # ticked twice at once: once is enough
    return True


@transaction.atomic
def attendance_add_family_member(
    *, by: User, session: Session, client: Client, name: str, relationship: str
) -> FamilyMember:
    """A family member not yet registered joins a session: registered and ticked together, or
    neither (a refused attendance leaves no new member behind)."""
    from cases.services import family_member_add

    member = FamilyMember.objects.filter(client=client, name=name).first() or family_member_add(
        by=by, client=client, name=name, relationship=relationship
    )
    attendance_set(by=by, session=session, client=client, family_member=member, present=True)
    return member


@transaction.atomic
def reservation_book(
    *,
    by: User,
    day: MunicipalDay,
    time: dt.time,
    client: Client | None = None,
    by_family: bool = False,
    name: str = "",
) -> Reservation:
    """Book a slot; never more reservations than slots, even when two people book at once.

    When the family comes, the family member is recorded only if the client has exactly one:
    which parent will come is often not known when booking.
    """
    day = MunicipalDay.objects.select_for_update().get(pk=day.pk)
    if day.reserved >= day.slots:
        raise ValidationError(_("予約枠（%(slots)s件）はすべて埋まっています。") % {"slots": day.slots})
    if f"{time:%H:%M}" not in day.slot_times:
        raise ValidationError(
            {
                "time": _("%(time)s はこの相談会の時間枠ではありません（%(times)s）。")
                % {"time": f"{time:%H:%M}", "times": "、".join(day.slot_times)}
            }
        )
    if day.reservations.filter(time=time, cancelled_at__isnull=True).exists():
        raise ValidationError(
            {
                "time": _("%(time)s の枠はすでに予約されています。別の時間を選んでください。")
                % {"time": time.strftime("%H:%M")}
            }
        )
    family_member = None
    if by_family and client is not None:
        members = list(client.family.filter(archived_at__isnull=True)[:2])
        family_member = members[0] if len(members) == 1 else None
    reservation = Reservation.objects.create(
        day=day, time=time, client=client, by_family=by_family, family_member=family_member, name=name
    )
    day.reserved += 1
    history.record_by(day, by)
    day.save(update_fields=["reserved"])
    return reservation


@transaction.atomic
def reservation_cancel(*, by: User, reservation: Reservation) -> None:
    day = MunicipalDay.objects.select_for_update().get(pk=reservation.day_id)
    # Re-read under the day's lock: a double submit must see what the first one did.
    reservation = Reservation.objects.get(pk=reservation.pk)
    if reservation.consultation_id:
        raise ValidationError(_("相談を記録した予約は取り消せません。"))
    if reservation.cancelled_at is None:
        reservation.cancelled_at = timezone.now()
        history.record_by(reservation, by)
        reservation.save(update_fields=["cancelled_at"])
        day.reserved = max(0, day.reserved - 1)
        history.record_by(day, by)
        day.save(update_fields=["reserved"])


@transaction.atomic
def reservation_record_consultation(
    *, by: User, reservation: Reservation, content: str = "", duration_minutes=None, staff=()
) -> Consultation:
    """The reserved consultation took place: one Consultation (来所 at the municipality) and the day's count."""
    day = MunicipalDay.objects.select_for_update().get(pk=reservation.day_id)
    # Re-read under the day's lock: a double submit must see what the first one did.
    reservation = Reservation.objects.select_related("client", "family_member").get(pk=reservation.pk)
    if reservation.consultation_id:
        raise ValidationError(_("この予約の相談はすでに記録されています。"))
    if reservation.cancelled_at:
        raise ValidationError(_("取り消された予約です。"))
    if reservation.by_family:
        consulter = Consulter.FAMILY
    else:
        consulter = Consulter.CLIENT if reservation.client else Consulter.OTHER
    consultation = consultation_record(
        by=by,
        office=day.office,
        date=day.date,
        method=Method.VISIT,
        consulter=consulter,
        client=reservation.client,
        family_member=reservation.family_member,
        staff=staff,
        municipality=reservation.client.municipality if reservation.client else day.municipality,
        start_time=reservation.time,
        duration_minutes=duration_minutes,
        content=content or _("市町村相談会（%(m)s）") % {"m": day.municipality},
    )
    reservation.consultation = consultation
    history.record_by(reservation, by)
    reservation.save(update_fields=["consultation"])
    day.consulted += 1
    history.record_by(day, by)
    day.save(update_fields=["consulted"])
    return consultation


@transaction.atomic
def day_record_case_conference(*, by: User, day: MunicipalDay, notes: str) -> MunicipalDay:
    """A day used for a case conference instead: once it has taken place, and not over a day
    whose reservations became consultations."""
    if day.date > timezone.localdate():
        raise ValidationError({"notes": _("ケース会議は相談会の当日以降に記録できます。")})
    day.case_conference = True
    day.notes = "\n".join(filter(None, [day.notes, notes]))
    history.record_by(day, by)
    day.save(update_fields=["case_conference", "notes"])
    return day


@transaction.atomic
def session_save(*, by: User, session: Session, online_offices=()) -> Session:
    """A session created or edited on its form (the form has applied its fields to `session`)."""
    session.full_clean()
    history.record_by(session, by)
    session.save()
    session.online_offices.set(online_offices)
    return session


def _booked_times(day: MunicipalDay) -> set[str]:
    if day.pk is None:
        return set()
    return {
        f"{t:%H:%M}"
        for t in day.reservations.filter(cancelled_at__isnull=True).values_list("time", flat=True)
    }


def fit_slot_times(day: MunicipalDay, booked: Set[str] = frozenset()) -> None:
    """A day given only its number of slots (an import, a day from before slots) gets that many
    times: the booked ones and those it has first, then its municipality's default and the usual ones."""
    wanted = max(day.slots, len(booked))
    times = sorted(booked)
    for time in [*day.slot_times, *slots.times_for(slots.MOST, day.municipality.consultation_day_times)]:
        if len(times) >= wanted:
            break
        if time not in times:
            times.append(time)
    day.slot_times = sorted(times)
    day.slots = len(times)


@transaction.atomic
def day_save(*, by: User, day: MunicipalDay) -> MunicipalDay:
    """A municipal day created or edited on its form: its time slots (the municipality's default
    when none are given) decide its 予約枠; a booked slot cannot be taken away."""
    if not day.slot_times:
        day.slot_times = list(day.municipality.consultation_day_times or slots.DEFAULT_TIMES)
    if day.pk is not None:  # a booking at the same moment waits (it locks the day too)
        MunicipalDay.objects.select_for_update().filter(pk=day.pk).exists()
    booked = _booked_times(day)
    if missing := sorted(booked - set(day.slot_times)):
        raise ValidationError(
            {
                "slot_times": _("%(times)s は予約済みのため外せません（先に予約を取り消してください）。")
                % {"times": "、".join(missing)}
            }
        )
    day.slots = len(day.slot_times)
    day.full_clean()
    history.record_by(day, by)
    day.save()
    return day


@transaction.atomic
def event_save(
    *, by: User, event: OutreachEvent, participants: dict[AffiliationCategory, int]
) -> OutreachEvent:
    """An outreach event and its participants per affiliation category (categories not given are
    removed; a category given twice counts its rows together)."""
    event.full_clean()
    history.record_by(event, by)
    event.save()
    event.participant_counts.exclude(category__in=list(participants)).delete()
    for category, count in participants.items():
        EventParticipants.objects.update_or_create(event=event, category=category, defaults={"count": count})
    return event


def sessions_import(
    *,
    by: User | None,
    creates: list[Session],
    updates: list[Session],
    fields: list[str],
    online_offices: Sequence[tuple[Session, list[Office]]] = (),
) -> None:
    """An import's sessions, validated by its plan, with change history like the screens; each
    session in `online_offices` gets exactly the online offices given."""
    bulk.create_many(Session, creates, by=by, reason=IMPORT_REASON)
    bulk.update_many(Session, updates, fields, by=by, reason=IMPORT_REASON)
    through = Session.online_offices.through
    through.objects.filter(session_id__in=[s.pk for s, _ in online_offices]).delete()
    through.objects.bulk_create(
        [through(session_id=s.pk, office_id=o.pk) for s, offices in online_offices for o in offices],
        batch_size=bulk.BATCH,
    )


def attendance_import(*, by: User | None, members: list[FamilyMember], attendances: list[Attendance]) -> None:
    """New family members first (the attendances name them), then the attendances."""
    bulk.create_many(FamilyMember, members, by=by, reason=IMPORT_REASON)
    bulk.create_many(Attendance, attendances, by=by, reason=IMPORT_REASON)


def municipal_days_import(
    *, by: User | None, creates: list[MunicipalDay], updates: list[MunicipalDay], fields: list[str]
) -> None:
    """An import's days; each gets as many time slots as its 予約枠 (figures are kept as given)."""
    for day in creates:
        fit_slot_times(day)
    for day in updates:
        fit_slot_times(day, _booked_times(day))
    bulk.create_many(MunicipalDay, creates, by=by, reason=IMPORT_REASON)
    bulk.update_many(MunicipalDay, updates, [*fields, "slot_times"], by=by, reason=IMPORT_REASON)


def reservations_import(
    *, by: User | None, creates: list[Reservation], updates: list[Reservation], fields: list[str]
) -> None:
    """An import's reservations. The day's 予約数 and 相談件数 stay as `municipal_days` gave them."""
    bulk.create_many(Reservation, creates, by=by, reason=IMPORT_REASON)
    bulk.update_many(Reservation, updates, fields, by=by, reason=IMPORT_REASON)


def events_import(
    *,
    by: User | None,
    creates: list[OutreachEvent],
    updates: list[OutreachEvent],
    fields: list[str],
    participants: list[tuple[OutreachEvent, dict[AffiliationCategory, int]]],
) -> None:
    """An import's events; each event in `participants` gets exactly the counts given."""
    bulk.create_many(OutreachEvent, creates, by=by, reason=IMPORT_REASON)
    bulk.update_many(OutreachEvent, updates, fields, by=by, reason=IMPORT_REASON)
    EventParticipants.objects.filter(event_id__in=[e.pk for e, _ in participants]).delete()
    EventParticipants.objects.bulk_create(
        [
            EventParticipants(event=e, category=c, count=n)
            for e, counted in participants
            for c, n in counted.items()
        ],
        batch_size=bulk.BATCH,
    )
