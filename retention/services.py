"""Retention (保存期間): which records are past their period, and anonymisation once a supervisor
has approved it. The only writer of anonymised data: live rows and their change history are
scrubbed together, in one transaction, and every figure of every report stays
as it was (what the statistics read — dates, methods, offices, municipalities, sex, and a birth
date reduced to the age groups and generation it was counted in — is kept).

The audit log is never touched: it is append-only for every database role, and its entries hold
no personal free text (they point at the records, which are scrubbed here)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import changes
from cases.intake import Intake
from cases.models import (
    ICE_AGE_BORN_FROM,
    ICE_AGE_BORN_TO,
    Client,
    ClientLog,
    ClientStatus,
    Consultation,
    FamilyMember,
    age_group,
    birth_range_for_age_group,
)
from casework.models import (
    Assessment,
    CaseMeeting,
    GoalProgress,
    GoalReview,
    MeetingDecision,
    Monitoring,
    PlanGoal,
    PlannedSupport,
    PlanReview,
    SharingConsent,
    SupportPlan,
)
from hikikomori.audit import audit
from hikikomori.fiscal import add_months, japanese_date
from hikikomori.models import AuditEvent, User
from outreach.models import Attendance, Reservation

from .models import Candidate, RetentionPolicy

ANONYMISED_NAME = "匿名化済み"
ANONYMISED_FAMILY_NAME = "（匿名化済み）"


# --- which cases are past their period ------------------------------------------------------


def _latest(rows: Iterable[tuple[Any, Any]], into: dict[int, Any]) -> None:
    for key, day in rows:
        if key is not None and day is not None and (key not in into or day > into[key]):
            into[key] = day


def last_activity(client_ids: Iterable[int] | None = None) -> dict[int, dt.date]:
    """Each client's latest consultation, attendance (theirs or their family's) or reservation: a
    handful of grouped queries, whatever the number of clients."""
    latest: dict[int, dt.date] = {}

    def grouped(qs, key: str, day: str):
        if client_ids is not None:
            qs = qs.filter(**{f"{key}__in": list(client_ids)})
        return qs.filter(**{f"{key}__isnull": False}).values_list(key).annotate(last=Max(day)).order_by()

    _latest(grouped(Consultation.objects.all(), "client", "date"), latest)
    _latest(grouped(Attendance.objects.all(), "client", "session__date"), latest)
    _latest(grouped(Attendance.objects.all(), "family_member__client", "session__date"), latest)
    _latest(grouped(Reservation.objects.all(), "client", "day__date"), latest)
    _latest(grouped(Reservation.objects.all(), "family_member__client", "day__date"), latest)
    return latest


@dataclass
class Expired:
    client_id: int
    last_activity: dt.date
    due_on: dt.date
    reason: str


def expired_cases(today: dt.date, policy: RetentionPolicy | None = None) -> list[Expired]:
    """Registered cases whose retention period ended on or before `today`: 終結 counted from the
    close date or any later contact, 中断 and every other case (長期未接触) from the last contact or
    registration. Merged-away records go with the record they were merged into."""
    policy = policy or RetentionPolicy.current()
    latest = last_activity()
    expired = []
    rows = Client.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True).values_list(
        "pk", "status", "registered_on", "closed_on"
    )
    for pk, status, registered_on, closed_on in rows.iterator(chunk_size=5000):
        last = max(d for d in (registered_on, closed_on, latest.get(pk)) if d is not None)
        if status == ClientStatus.CLOSED:
            years = policy.years_after_closure
            words = {"closed": japanese_date(closed_on or last), "last": japanese_date(last), "years": years}
            if last == closed_on:
                reason = _("終結（%(closed)s）から%(years)s年") % words
            else:
                reason = _("終結（%(closed)s）後、最後の記録（%(last)s）から%(years)s年") % words
        else:
            years = policy.years_after_last_contact
            kind = _("中断") if status == ClientStatus.SUSPENDED else _("長期未接触")
            reason = _("%(kind)s：最後の接触（%(last)s）から%(years)s年") % {
                "kind": kind,
                "last": japanese_date(last),
                "years": years,
            }
        due = add_months(last, 12 * years)
        if due <= today:
            expired.append(Expired(pk, last, due, reason))
    return expired


def unregistered_reservations(cutoff: dt.date):
    """Reservations under a name only (the person never registered) of days up to `cutoff`."""
    return (
        Reservation.objects.filter(client__isnull=True, family_member__isnull=True, day__date__lte=cutoff)
        .filter(Q(consultation__isnull=True) | Q(consultation__client__isnull=True))
        .exclude(name="")
    )


def anonymous_texts(cutoff: dt.date):
    """Anonymous consultations up to `cutoff` that still hold free text."""
    return Consultation.objects.filter(client__isnull=True, date__lte=cutoff).filter(
        ~Q(content="") | ~Q(agency="") | ~Q(archive_reason="") | ~Q(restore_reason="")
    )


@transaction.atomic
def list_expired(*, today: dt.date | None = None, by: User | None = None) -> list[Candidate]:
    """Make the list a supervisor approves from (the monthly command and the screen's button):
    undecided entries of an earlier list are replaced."""
    today = today or timezone.localdate()
    policy = RetentionPolicy.current()
    now = timezone.now()
    Candidate.objects.filter(decided_at__isnull=True).delete()
    listed = [
        Candidate(
            kind=Candidate.Kind.CASE,
            client_id=item.client_id,
            reason=item.reason,
            last_activity=item.last_activity,
            listed_at=now,
        )
        for item in expired_cases(today, policy)
    ]
    cutoff = add_months(today, -12 * policy.years_unregistered)
    for kind, qs, label in (
        (
            Candidate.Kind.RESERVATIONS,
            unregistered_reservations(cutoff),
            _("予約者名（相談会の実施日から%(years)s年）"),
        ),
        (
            Candidate.Kind.ANONYMOUS_TEXT,
            anonymous_texts(cutoff),
            _("匿名相談の内容（相談日から%(years)s年）"),
        ),
    ):
        count = qs.count()
        if count:
            listed.append(
                Candidate(
                    kind=kind,
                    reason=label % {"years": policy.years_unregistered},
                    cutoff=cutoff,
                    count=count,
                    listed_at=now,
                )
            )
    Candidate.objects.bulk_create(listed)
    audit(
        AuditEvent.Action.RETENTION_LIST,
        user=by,
        target="retention",
        rows=len(listed),
        via="screen" if by else "command",
    )
    return listed


# --- touched since listed -------------------------------------------------------------------


def last_touched(client_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """When each client's records last changed: their change history and status log."""
    ids = list(client_ids)
    touched: dict[int, dt.datetime] = {}
    sources = (
        (Client.history.filter(id__in=ids), "id", "history_date"),
        (Consultation.history.filter(client_id__in=ids), "client_id", "history_date"),
        (FamilyMember.history.filter(client_id__in=ids), "client_id", "history_date"),
        (Attendance.history.filter(client_id__in=ids), "client_id", "history_date"),
        (
            Attendance.history.filter(family_member__client_id__in=ids),
            "family_member__client_id",
            "history_date",
        ),
        (Reservation.history.filter(client_id__in=ids), "client_id", "history_date"),
        (ClientLog.objects.filter(client_id__in=ids), "client_id", "at"),
        (Assessment.history.filter(client_id__in=ids), "client_id", "history_date"),
        (SupportPlan.history.filter(client_id__in=ids), "client_id", "history_date"),
        (
            CaseMeeting.clients.through.objects.filter(client_id__in=ids),
            "client_id",
            "casemeeting__created_at",
        ),
    )
    for qs, key, stamp in sources:
        _latest(qs.values_list(key).annotate(last=Max(stamp)).order_by(), touched)
    return touched


def pending() -> list[Candidate]:
    """The list as the approval screen shows it: undecided entries, without the cases changed
    since the list was made (they are looked at again at the next listing)."""
    candidates = list(
        Candidate.objects.filter(decided_at__isnull=True)
        .select_related("client__office")
        .order_by("kind", "last_activity", "id")
    )
    touched = last_touched(c.client_id for c in candidates if c.client_id)
    return [c for c in candidates if not _changed_since_listed(c, touched)]


def _changed_since_listed(candidate: Candidate, touched: dict[int, dt.datetime]) -> bool:
    if candidate.kind != Candidate.Kind.CASE:
        return False
    client = candidate.client
    if client is None or client.anonymised_at is not None:
        return True
    last = touched.get(client.pk)
    return last is not None and last > candidate.listed_at


# --- approval and anonymisation -------------------------------------------------------------


@dataclass
class Approval:
    anonymised: list[Candidate] = field(default_factory=list)
    cleared: int = 0
    dropped: list[Candidate] = field(default_factory=list)


@transaction.atomic
def approve(
    *, by: User, candidates: Iterable[Candidate], reason: str, today: dt.date | None = None
) -> Approval:
    """Anonymise what a supervisor selected on 保存期間の満了. A case changed since the list was
    made, or no longer past its period, is left alone and reported back."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("承認の理由を入力してください。")})
    today = today or timezone.localdate()
    ids = [c.pk for c in candidates]
    locked = list(
        Candidate.objects.select_for_update().filter(pk__in=ids, decided_at__isnull=True).order_by("pk")
    )
    case_ids = [c.client_id for c in locked if c.kind == Candidate.Kind.CASE and c.client_id is not None]
    list(Client.objects.select_for_update().filter(pk__in=case_ids).order_by("pk").values_list("pk"))
    still_due = {item.client_id for item in expired_cases(today)} if case_ids else set()
    touched = last_touched(case_ids)
    result = Approval()
    now = timezone.now()
    for candidate in locked:
        client, cutoff = candidate.client, candidate.cutoff
        if candidate.kind == Candidate.Kind.CASE:
            if client is None or _changed_since_listed(candidate, touched) or client.pk not in still_due:
                result.dropped.append(candidate)
                continue
            candidate.new_case_number = client_anonymise(client=client, by=by, reason=reason)
            result.anonymised.append(candidate)
        elif cutoff is None:  # a group is always listed with its date; never clear without one
            continue
        elif candidate.kind == Candidate.Kind.RESERVATIONS:
            result.cleared += reservations_clear(cutoff=cutoff)
        else:
            result.cleared += anonymous_texts_clear(cutoff=cutoff)
        candidate.decided_at, candidate.decided_by, candidate.decision_reason = now, by, reason
        candidate.save(update_fields=["decided_at", "decided_by", "decision_reason", "new_case_number"])
    return result


def reduced_birth_date(birth_date: dt.date | None, counted_on: Iterable[dt.date]) -> dt.date | None:
    """A birth date that gives the same 年代 on every date the person was counted, and the same
    就職氷河期世代 answer, and says nothing more: the middle of the dates that all do (a date the
    kept figures alone determine). None when the person was never counted."""
    days = sorted(set(counted_on))
    if birth_date is None or not days:
        return None
    low, high = dt.date(1900, 1, 1), dt.date.max
    for day in days:
        earliest, latest = birth_range_for_age_group(age_group(birth_date, day), day)
        low = max(low, earliest) if earliest else low
        high = min(high, latest) if latest else high
    if ICE_AGE_BORN_FROM <= birth_date <= ICE_AGE_BORN_TO:
        low, high = max(low, ICE_AGE_BORN_FROM), min(high, ICE_AGE_BORN_TO)
    elif birth_date < ICE_AGE_BORN_FROM:
        high = min(high, ICE_AGE_BORN_FROM - dt.timedelta(days=1))
    else:
        low = max(low, ICE_AGE_BORN_TO + dt.timedelta(days=1))
    if low > high:  # cannot happen: the real birth date satisfies every bound
        return birth_date
    return low + (high - low) // 2


def _new_case_number() -> str:
    while True:
        number = f"匿名-{secrets.token_hex(4).upper()}"
        if not Client.objects.filter(case_number=number).exists():
            return number


def same_person_ids(client: Client) -> list[int]:
    """The client and every record merged into it (directly or through another merge)."""
    ids, frontier = [client.pk], [client.pk]
    while frontier:
        frontier = list(Client.objects.filter(merged_into__in=frontier).values_list("pk", flat=True))
        ids.extend(frontier)
    return ids


def _counted_dates(person_ids: list[int], family_ids: list[int]) -> dict[int, set[dt.date]]:
    """Per client record: every date a figure may have counted them on (consultations, their own
    attendance, their family's attendance)."""
    days: dict[int, set[dt.date]] = defaultdict(set)
    for pk, day in Consultation.objects.filter(client__in=person_ids).values_list("client", "date"):
        days[pk].add(day)
    for pk, day in Attendance.objects.filter(client__in=person_ids).values_list("client", "session__date"):
        days[pk].add(day)
    for pk, day in Attendance.objects.filter(family_member__in=family_ids).values_list(
        "family_member__client", "session__date"
    ):
        days[pk].add(day)
    return days


def client_anonymise(*, client: Client, by: User, reason: str) -> str:
    """Remove everything that identifies a person and their family, everywhere it is stored;
    returns the new ケース番号."""
    now = timezone.now()
    person_ids = same_person_ids(client)
    family_ids = list(FamilyMember.objects.filter(client__in=person_ids).values_list("pk", flat=True))
    consultation_ids = list(Consultation.objects.filter(client__in=person_ids).values_list("pk", flat=True))
    counted = _counted_dates(person_ids, family_ids)
    births = dict(Client.objects.filter(pk__in=person_ids).values_list("pk", "birth_date"))
    number = ""
    for pk in person_ids:
        case_number = _new_case_number()
        number = number or case_number
        fields = {
            "name": ANONYMISED_NAME,
            "kana": "",
            "case_number": case_number,
            "notes": "",
            "birth_date": reduced_birth_date(births[pk], counted.get(pk, ())),
        }
        Client.history.filter(id=pk).update(**fields, history_change_reason=None)
        keys = Client(name=ANONYMISED_NAME, kana="")
        keys.refresh_search_keys()
        Client.objects.filter(pk=pk).update(
            **fields,
            kana_key=keys.kana_key,
            search_key=keys.search_key,
            anonymised_at=now,
            updated_at=now,
            version=F("version") + 1,
        )
    changes.announce_clients(person_ids)  # the reduced birth dates, past the signals
    family = {"name": ANONYMISED_FAMILY_NAME, "contact": "", "birth_date": None}
    FamilyMember.objects.filter(pk__in=family_ids).update(**family)
    FamilyMember.history.filter(Q(id__in=family_ids) | Q(client_id__in=person_ids)).update(
        **family, history_change_reason=None
    )
    texts = {"content": "", "agency": "", "archive_reason": "", "restore_reason": "", "record_number": None}
    Consultation.objects.filter(pk__in=consultation_ids).update(
        **texts, updated_at=now, version=F("version") + 1
    )
    Consultation.history.filter(Q(id__in=consultation_ids) | Q(client_id__in=person_ids)).update(
        **texts, history_change_reason=None
    )
    reservations = Reservation.objects.filter(
        Q(client__in=person_ids) | Q(family_member__in=family_ids) | Q(consultation__in=consultation_ids)
    )
    reservation_ids = list(reservations.values_list("pk", flat=True))
    Reservation.objects.filter(pk__in=reservation_ids).update(name="")
    Reservation.history.filter(id__in=reservation_ids).update(name="", history_change_reason=None)
    ClientLog.objects.filter(client__in=person_ids).update(reason="", detail={})
    _scrub_casework(person_ids)
    # the approval's reason is kept with the client's log and the approved list entry
    ClientLog.objects.create(client=client, kind=ClientLog.Kind.ANONYMISED, by=by, reason=reason)
    audit(AuditEvent.Action.ANONYMISE, user=by, target="client", target_id=client.pk, case_number=number)
    return number


# Case work about the person, by the path from each record to its client.
CASEWORK: list[tuple[Any, str]] = [
    (Intake, "client"),
    (Assessment, "client"),
    (SupportPlan, "client"),
    (PlanGoal, "plan__client"),
    (PlannedSupport, "plan__client"),
    (PlanReview, "plan__client"),
    (GoalReview, "review__plan__client"),
    (Monitoring, "plan__client"),
    (GoalProgress, "monitoring__plan__client"),
    (SharingConsent, "client"),
    # a meeting's notes and decisions are about everyone it discussed: removed with any of them
    (CaseMeeting, "clients"),
    (MeetingDecision, "meeting__clients"),
]


def _scrub_casework(person_ids: list[int]) -> None:
    """Blank the free text of assessments, plans and reviews, live and in their history."""
    for model, path in CASEWORK:
        ids = list(
            model.objects.filter(**{f"{path}__in": person_ids}).values_list("pk", flat=True).distinct()
        )
        blank = dict.fromkeys(model.PERSONAL_TEXT, "")
        model.objects.filter(pk__in=ids).update(**blank)
        model.history.filter(id__in=ids).update(**blank, history_change_reason=None)


def reservations_clear(*, cutoff: dt.date) -> int:
    ids = list(unregistered_reservations(cutoff).values_list("pk", flat=True))
    Reservation.objects.filter(pk__in=ids).update(name="")
    Reservation.history.filter(id__in=ids).update(name="", history_change_reason=None)
    if ids:
        audit(AuditEvent.Action.ANONYMISE, target="reservations", rows=len(ids), cutoff=cutoff.isoformat())
    return len(ids)


def anonymous_texts_clear(*, cutoff: dt.date) -> int:
    ids = list(anonymous_texts(cutoff).values_list("pk", flat=True))
    texts = {"content": "", "agency": "", "archive_reason": "", "restore_reason": ""}
    Consultation.objects.filter(pk__in=ids).update(**texts, version=F("version") + 1)
    Consultation.history.filter(id__in=ids).update(**texts, history_change_reason=None)
    intakes = list(Intake.objects.filter(consultation__in=ids).values_list("pk", flat=True))
    Intake.objects.filter(pk__in=intakes).update(complaint="", background="")
    Intake.history.filter(id__in=intakes).update(complaint="", background="", history_change_reason=None)
    if ids:
        audit(AuditEvent.Action.ANONYMISE, target="consultations", rows=len(ids), cutoff=cutoff.isoformat())
    return len(ids)
