"""Programs, attendance, municipal consultation days, their reservations and events of an import file."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import (
    Client,
    Consultation,
    FamilyMember,
    Method,
    Relationship,
    normalize_case_number,
)
from hikikomori import slots
from hikikomori.models import HealthArea, Municipality, Office, User
from outreach.models import (
    AffiliationCategory,
    Attendance,
    MunicipalDay,
    OutreachEvent,
    Program,
    Reservation,
    Session,
    SessionStatus,
)
from outreach.services import (
    attendance_import,
    events_import,
    municipal_days_import,
    reservations_import,
    sessions_import,
)

from .base import Plan, check_headers, choice_key, rows_of
from .columns import (
    COLUMNS,
    HOST_LOOKUP,
    YES,
    _by_name,
    _display,
    _given,
    _update,
)
from .people import (
    FamilyLookup,
)
from .reading import Table

SESSION_COLUMNS = {
    "venue": "会場",
    "notes": "備考",
    "start_time": "開始時刻",
    "end_time": "終了時刻",
    "theme": "テーマ",
    "status": "状態",
    "cancel_reason": "中止理由",
}


def plan_sessions(table: Table, by: User | None) -> Plan:
    plan = Plan()
    positions = check_headers(table, COLUMNS["sessions"], plan.errors)
    if plan.errors:
        return plan
    programs, offices = _by_name(Program), _by_name(Office)
    existing = {
        (s.program_id, s.office_id, s.date): s for s in Session.objects.prefetch_related("online_offices")
    }
    statuses = {s.value: s.value for s in SessionStatus}
    seen: dict[tuple, int] = {}
    creates: list[Session] = []
    updates: list[Session] = []
    online: dict[int, list[Office]] = {}  # id(session) → its online offices, where the file gives them
    counts = plan.count("プログラム開催")
    for row in rows_of(table, positions, plan.errors):
        program = row.choice("プログラム", programs, required=True, hint="プログラムの一覧にありません")
        office = row.choice("拠点", offices, required=True, hint="拠点の一覧にありません")
        date = row.date("開催日", required=True)
        values = {
            "start_time": row.time("開始時刻"),
            "end_time": row.time("終了時刻"),
            "theme": row.text("テーマ", max_length=200),
            "status": row.choice("状態", statuses, default=SessionStatus.HELD),
            "cancel_reason": row.text("中止理由", max_length=200),
            "venue": row.text("会場", max_length=200),
            "notes": row.text("備考", max_length=2000),
        }
        online_offices = []
        for name in filter(None, (n.strip() for n in re.split(r"[、,，]", row.text("オンライン参加拠点")))):
            found = offices.normalized.get(choice_key(name))
            if found is None:
                row.error("オンライン参加拠点", name, "拠点の一覧にありません")
            else:
                online_offices.append(found)
        if values["start_time"] and values["end_time"] and values["end_time"] <= values["start_time"]:
            row.error("終了時刻", values["end_time"].strftime("%H:%M"), "開始時刻より後にしてください")
        if values["status"] == SessionStatus.CANCELLED and not values["cancel_reason"]:
            row.error("中止理由", "", "中止の回には中止理由が必要です")
        if not row.ok:
            continue
        key = (program.pk, office.pk, date)
        if key in seen:
            row.error("開催日", date.isoformat(), f"{seen[key]}行目と同じ開催です")
            continue
        seen[key] = row.number
        session = existing.get(key)
        if session is None:
            session = Session(program=program, office=office, date=date, **values)
            creates.append(session)
            online[id(session)] = online_offices
            counts.created += 1
            continue
        extra = []
        if row.filled("オンライン参加拠点"):
            before = sorted(o.name for o in session.online_offices.all())
            if before != sorted(o.name for o in online_offices):
                extra.append(
                    ("オンライン参加拠点", "、".join(before), "、".join(o.name for o in online_offices))
                )
                online[id(session)] = online_offices
        if _update(
            session,
            _given(row, values, SESSION_COLUMNS),
            counts,
            plan,
            key=f"{program} {_display(date)} {office}",
            columns=SESSION_COLUMNS,
            extra=extra,
        ):
            updates.append(session)

    def apply():
        sessions_import(
            by=by,
            creates=creates,
            updates=updates,
            fields=list(SESSION_COLUMNS),
            online_offices=[(s, online[id(s)]) for s in creates + updates if id(s) in online],
        )

    plan.apply = apply
    return plan


def plan_attendance(table: Table, by: User | None) -> Plan:
    plan = Plan()
    positions = check_headers(table, COLUMNS["attendance"], plan.errors)
    if plan.errors:
        return plan
    programs, offices = _by_name(Program), _by_name(Office)
    sessions = {(s.program_id, s.office_id, s.date): s for s in Session.objects.all()}
    numbers = {
        normalize_case_number(v[positions["ケース番号"]])
        for _, v in table.rows
        if positions["ケース番号"] < len(v)
    }
    clients = {c.case_number: c for c in Client.objects.current().filter(case_number__in=numbers)}
    members = {
        (m.client_id, m.name, m.relationship): m
        for m in FamilyMember.objects.filter(client__in=clients.values(), archived_at__isnull=True)
    }
    by_name: dict[tuple, list[str]] = {}
    for client_id, name, relation in members:
        by_name.setdefault((client_id, name), []).append(relation)
    present = set(
        Attendance.objects.filter(session__in=sessions.values()).values_list(
            "session_id", "client_id", "family_member_id"
        )
    )
    relationships = {r.value: r.value for r in Relationship}
    new_members: dict[tuple, FamilyMember] = {}
    creates: list[tuple[Session, Client, tuple | None]] = []
    seen = set()
    family_counts, attendance_counts = plan.count("家族"), plan.count("プログラム参加")
    for row in rows_of(table, positions, plan.errors):
        program = row.choice("プログラム", programs, required=True, hint="プログラムの一覧にありません")
        office = row.choice("拠点", offices, required=True, hint="拠点の一覧にありません")
        date = row.date("開催日", required=True)
        number = row.case_number("ケース番号", required=True)
        client = clients.get(number)
        if number and client is None:
            row.error("ケース番号", number, "登録されていない利用者です")
        participant = row.text("参加者", max_length=100)
        relationship = row.choice("続柄", relationships)
        session = sessions.get((program.pk, office.pk, date)) if program and office and date else None
        if program and office and date and session is None:
            row.error(
                "開催日",
                date.isoformat(),
                "この開催が登録されていません（先にプログラム開催を取り込んでください）",
            )
        if session is not None and session.status == SessionStatus.CANCELLED:
            row.error("開催日", date.isoformat(), "中止になった回です")
        is_self = participant in ("", "本人")
        if program and program.for_family and is_self:
            row.error("参加者", participant, "家族のつどいの参加者は家族の氏名を入力してください")
        if program and not program.for_family and not is_self:
            row.error("参加者", participant, "このプログラムの参加者は本人です（空欄または「本人」）")
        if not row.ok or session is None or client is None:
            continue
        member_key = None
        if not is_self:
            if relationship is None:
                known = by_name.get((client.pk, participant), [])
                if len(known) > 1:
                    row.error("続柄", "", "同じ氏名の家族が複数います。続柄を入力してください")
                    continue
                relationship = known[0] if known else None
            member_key = (client.pk, participant, relationship)
            if member_key not in members and member_key not in new_members:
                if relationship is None:
                    row.error("続柄", "", "新しく登録する家族には続柄が必要です")
                    continue
                new_members[member_key] = FamilyMember(
                    client=client, name=participant, relationship=relationship
                )
                family_counts.created += 1
            elif member_key in members:
                family_counts.unchanged += 1
        key = (session.pk, client.pk, member_key)
        if key in seen:
            continue
        seen.add(key)
        member = members.get(member_key) if member_key else None
        already = (session.pk, client.pk, member.pk) if member is not None else (session.pk, client.pk, None)
        if already in present and (member is not None or member_key is None):
            attendance_counts.unchanged += 1
            continue
        creates.append((session, client, member_key))
        attendance_counts.created += 1

    def apply():
        members.update(new_members)
        attendance_import(
            by=by,
            members=list(new_members.values()),
            attendances=[
                Attendance(session=s, client=c, family_member=members[k] if k else None, created_by=by)
                for s, c, k in creates
            ],
        )

    plan.apply = apply
    return plan


DAY_COLUMNS = {
    "host_type": "形態",
    "slots": "予約枠",
    "reserved": "予約数",
    "consulted": "相談件数",
    "slot_times": "時間枠",
    "case_conference": "ケース検討会",
    "notes": "備考",
}


def plan_municipal_days(table: Table, by: User | None) -> Plan:
    plan = Plan()
    positions = check_headers(table, COLUMNS["municipal_days"], plan.errors)
    if plan.errors:
        return plan
    municipalities, offices = _by_name(Municipality), _by_name(Office)
    existing = {(d.municipality_id, d.date, d.office_id): d for d in MunicipalDay.objects.all()}
    seen: dict[tuple, int] = {}
    creates, updates = [], []
    counts = plan.count("市町村相談会")
    for row in rows_of(table, positions, plan.errors):
        date = row.date("実施日", required=True)  # a day still to come is on the schedule
        municipality = row.choice("市町村", municipalities, required=True, hint="市町村の一覧にありません")
        office = row.choice("拠点", offices, required=True, hint="拠点の一覧にありません")
        values = {
            "host_type": row.choice(
                "形態",
                HOST_LOOKUP,
                required=True,
                hint="センター主催（〇）、市町村主催（センター協力）（●）、市町村独自（◎）のいずれかにしてください",
            ),
            "slots": row.integer("予約枠", default=3),
            "reserved": row.integer("予約数", default=0),
            "consulted": row.integer("相談件数", default=0),
            "case_conference": row.choice("ケース検討会", YES, default=False),
            "notes": row.text("備考", max_length=2000),
        }
        if (
            values["reserved"] is not None
            and values["slots"] is not None
            and values["reserved"] > values["slots"]
        ):
            row.error("予約数", values["reserved"], f"予約枠（{values['slots']}）を超えています")
        if values["slots"] is not None and values["slots"] > slots.MOST:
            row.error("予約枠", values["slots"], f"1日{slots.MOST}件までです")
        if date and date > timezone.localdate() and values["consulted"]:
            row.error("相談件数", values["consulted"], "まだ開かれていない相談会の相談件数は記録できません")
        values["slot_times"] = []
        if row.filled("時間枠"):
            try:
                values["slot_times"] = slots.parse_times(row.text("時間枠", max_length=200))
            except ValidationError as exc:
                row.error("時間枠", row.raw("時間枠"), " ".join(exc.messages))
            else:
                if row.filled("予約枠") and values["slots"] != len(values["slot_times"]):
                    row.error(
                        "時間枠", row.raw("時間枠"), f"予約枠（{values['slots']}）と時間枠の数が違います"
                    )
                values["slots"] = len(values["slot_times"])
        if not row.ok:
            continue
        key = (municipality.pk, date, office.pk)
        if key in seen:
            row.error("実施日", date.isoformat(), f"{seen[key]}行目と同じ相談会です")
            continue
        seen[key] = row.number
        day = existing.get(key)
        if day is None:
            creates.append(MunicipalDay(municipality=municipality, date=date, office=office, **values))
            counts.created += 1
        elif _update(
            day,
            _given(row, values, DAY_COLUMNS),
            counts,
            plan,
            key=f"{municipality} {_display(date)}",
            columns=DAY_COLUMNS,
        ):
            updates.append(day)

    def apply():
        municipal_days_import(by=by, creates=creates, updates=updates, fields=list(DAY_COLUMNS))

    plan.apply = apply
    return plan


RESERVATION_COLUMNS = {
    "by_family": "家族が相談する",
    "family_member": "相談した家族",
    "cancelled_at": "取消日",
    "consultation": "相談記録",
}


def plan_reservations(table: Table, by: User | None) -> Plan:
    """市町村相談会の予約: each reservation of a day (imported by `municipal_days` first), its
    cancellation and the consultation it became (found among the imported consultations: 来所 at the
    day's office on that date and time, for that client)."""
    plan = Plan()
    positions = check_headers(table, COLUMNS["reservations"], plan.errors)
    if plan.errors:
        return plan
    municipalities, offices = _by_name(Municipality), _by_name(Office)
    days = {
        (d.municipality_id, d.date, d.office_id): d
        for d in MunicipalDay.objects.filter(archived_at__isnull=True)
    }
    numbers = {
        normalize_case_number(v[positions["ケース番号"]])
        for _, v in table.rows
        if "ケース番号" in positions and positions["ケース番号"] < len(v)
    }
    clients = {c.case_number: c for c in Client.objects.current().filter(case_number__in=numbers)}
    family = FamilyLookup(
        FamilyMember.objects.filter(client__in=list(clients.values()), archived_at__isnull=True)
    )
    existing = {(r.day_id, r.time, r.client_id, r.name): r for r in Reservation.objects.select_for_update()}
    linked = set(Reservation.objects.exclude(consultation=None).values_list("consultation_id", flat=True))
    outcomes: dict[tuple, list[int]] = {}
    for c in (
        Consultation.objects.current()
        .filter(method=Method.VISIT, start_time__isnull=False, date__in={d.date for d in days.values()})
        .exclude(pk__in=linked)
        .order_by("id")
        .values("pk", "date", "office_id", "client_id", "start_time")
    ):
        outcomes.setdefault((c["date"], c["office_id"], c["client_id"], c["start_time"]), []).append(c["pk"])
    seen: dict[tuple, int] = {}
    creates: list[Reservation] = []
    updates: list[Reservation] = []
    counts = plan.count("市町村相談会の予約")
    for row in rows_of(table, positions, plan.errors):
        date = row.date("実施日", required=True)
        municipality = row.choice("市町村", municipalities, required=True, hint="市町村の一覧にありません")
        office = row.choice("拠点", offices, required=True, hint="拠点の一覧にありません")
        time = row.time("時間")
        if time is None and row.ok:
            row.error("時間", "", "必須です")
        number = row.case_number("ケース番号")
        client = clients.get(number) if number else None
        if number and client is None:
            row.error("ケース番号", number, "登録されていない利用者です（先に利用者を取り込んでください）")
        name = row.text("予約者", max_length=100)
        cancelled = row.date("取消日", not_future=True)
        values = {
            "by_family": row.choice("家族が相談する", YES, default=False),
            "family_member": None,
            "cancelled_at": _local_midnight(cancelled) if cancelled else None,
            "consultation": None,
        }
        values["family_member"] = family.find(row, "相談した家族", client)
        day = days.get((municipality.pk, date, office.pk)) if municipality and office and date else None
        if municipality and office and date and day is None:
            row.error(
                "実施日",
                _display(date),
                "この市町村相談会が登録されていません（先に市町村相談会を取り込んでください）",
            )
        if not row.ok or day is None or time is None:
            continue
        key = (day.pk, time, client.pk if client else None, name)
        if key in seen:
            row.error("時間", _display(time), f"{seen[key]}行目と同じ予約です")
            continue
        seen[key] = row.number
        current = existing.get(key)
        if (
            current is not None
            and current.cancelled_at
            and cancelled == timezone.localtime(current.cancelled_at).date()
        ):
            values["cancelled_at"] = current.cancelled_at  # the file knows the day; the time stays
        if row.filled("相談記録") and row.choice("相談記録", YES, default=False):
            if current is not None and current.consultation_id:
                values["consultation"] = current.consultation
            else:
                found = outcomes.get((day.date, day.office_id, client.pk if client else None, time), [])
                if not found:
                    row.error(
                        "相談記録",
                        row.raw("相談記録"),
                        "この予約の相談記録（来所・同じ日時）が見つかりません（先に相談記録を取り込んでください）",
                    )
                    continue
                values["consultation"] = Consultation(pk=found.pop(0))
        if current is None:
            creates.append(Reservation(day=day, time=time, client=client, name=name, **values))
            counts.created += 1
        elif _update(
            current,
            _given(row, values, RESERVATION_COLUMNS),
            counts,
            plan,
            key=f"{day.municipality} {_display(day.date)} {_display(time)}",
            columns=RESERVATION_COLUMNS,
        ):
            updates.append(current)

    def apply():
        reservations_import(by=by, creates=creates, updates=updates, fields=list(RESERVATION_COLUMNS))

    plan.apply = apply
    return plan


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0)))


EVENT_COLUMNS = {"format": "形式", "health_area": "保健所圏域", "organizer": "主催", "notes": "備考"}


def plan_events(table: Table, by: User | None) -> Plan:
    """普及啓発・研修: events keyed by 種別, 実施日, 名称 and 拠点, with 参加者数 written as
    「所属区分:人数、所属区分:人数」."""
    plan = Plan()
    positions = check_headers(table, COLUMNS["events"], plan.errors)
    if plan.errors:
        return plan
    offices, areas, categories = (
        _by_name(Office),
        _by_name(HealthArea),
        _by_name(AffiliationCategory, "label"),
    )
    kinds = {k.value: k.value for k in OutreachEvent.Kind}
    formats = {f.value: f.value for f in OutreachEvent.Format}
    existing = {
        (e.kind, e.date, e.title, e.office_id): e
        for e in OutreachEvent.objects.filter(archived_at__isnull=True).prefetch_related(
            "participant_counts__category"
        )
    }
    seen: dict[tuple, int] = {}
    creates: list[OutreachEvent] = []
    updates: list[OutreachEvent] = []
    participants: list[tuple[OutreachEvent, dict]] = []
    counts = plan.count("普及啓発・研修")
    for row in rows_of(table, positions, plan.errors):
        kind = row.choice("種別", kinds, required=True)
        date = row.date("実施日", required=True, not_future=True)
        title = row.text("名称", required=True, max_length=200)
        office = row.choice("拠点", offices, required=True, hint="拠点の一覧にありません")
        values = {
            "format": row.choice("形式", formats, default=OutreachEvent.Format.IN_PERSON),
            "health_area": row.choice("保健所圏域", areas, hint="保健所圏域の一覧にありません"),
            "organizer": row.text("主催", max_length=100),
            "notes": row.text("備考", max_length=2000),
        }
        counted: dict = {}
        for part in filter(None, (p.strip() for p in re.split(r"[、,，]", row.text("参加者数")))):
            label, _, number = part.rpartition(":")
            category = categories.normalized.get(choice_key(label))
            if category is None or not number.isdigit():
                row.error("参加者数", part, "「所属区分:人数」の形で、所属区分は一覧にあるものにしてください")
                continue
            counted[category] = counted.get(category, 0) + int(number)
        if not row.ok:
            continue
        key = (kind, date, title, office.pk)
        if key in seen:
            row.error("名称", title, f"{seen[key]}行目と同じ行事です")
            continue
        seen[key] = row.number
        event = existing.get(key)
        if event is None:
            event = OutreachEvent(kind=kind, date=date, title=title, office=office, **values)
            creates.append(event)
            participants.append((event, counted))
            counts.created += 1
            continue
        extra = []
        if row.filled("参加者数"):
            before = {p.category: p.count for p in event.participant_counts.all()}
            if before != counted:
                extra.append(("参加者数", _participants_text(before), _participants_text(counted)))
                participants.append((event, counted))
        if _update(
            event,
            _given(row, values, EVENT_COLUMNS),
            counts,
            plan,
            key=f"{_display(date)} {title}",
            columns=EVENT_COLUMNS,
            extra=extra,
        ):
            updates.append(event)

    def apply():
        events_import(
            by=by, creates=creates, updates=updates, fields=list(EVENT_COLUMNS), participants=participants
        )

    plan.apply = apply
    return plan


def _participants_text(counted: dict) -> str:
    return "、".join(f"{category}:{count}" for category, count in counted.items())
