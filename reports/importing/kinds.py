"""The five import kinds of SPEC §6. Each validates the whole file into a Plan first; the
plan's `apply` then writes in bulk (the caller holds the transaction)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from django.utils import timezone

from cases.models import (
    Client,
    Consultation,
    Consulter,
    FamilyMember,
    Method,
    ReferralRoute,
    Relationship,
    Sex,
    WithdrawalPeriod,
    normalize_case_number,
)
from hikikomori.models import Municipality, Office, User
from outreach.models import HOST_SYMBOLS, Attendance, HostType, MunicipalDay, Program, Session, SessionStatus

from .base import Choices, Counts, Plan, check_headers, rows_of
from .reading import Table

BATCH = 2000

COLUMNS: dict[str, dict[str, bool]] = {
    "clients": {
        "ケース番号": True, "氏名": True, "フリガナ": False, "性別": False, "生年月日": False, "居住市町村": False,
        "担当拠点": True, "相談経路": False, "ひきこもり期間": False, "登録日": False,
    },
    "consultations": {
        "記録番号": False, "相談日": True, "拠点": True, "相談方法": True, "相談者": True, "ケース番号": False,
        "担当者": False, "所要時間（分）": False, "内容": False,
    },
    "sessions": {
        "プログラム": True, "開催日": True, "拠点": True, "開始時刻": False, "終了時刻": False, "テーマ": False,
        "状態": False, "中止理由": False,
    },
    "attendance": {"プログラム": True, "開催日": True, "拠点": True, "ケース番号": True, "参加者": False, "続柄": False},
    "municipal_days": {
        "実施日": True, "市町村": True, "形態": True, "拠点": True, "予約枠": False, "予約数": False, "相談件数": False,
    },
}
LABELS = {
    "clients": "利用者",
    "consultations": "相談記録",
    "sessions": "プログラム開催",
    "attendance": "プログラム参加",
    "municipal_days": "市町村相談会",
}

METHOD_LOOKUP = Choices(
    {m.value: m.value for m in Method} | {"訪問・同行": Method.HOME_VISIT, "その他": Method.OTHER, "メール": Method.OTHER}
)
SEX_LOOKUP = Choices({s.value: s.value for s in Sex} | {"男": Sex.MALE, "女": Sex.FEMALE})
HOST_LOOKUP = Choices(
    {h.value: h.value for h in HostType} | {symbol: h.value for h, symbol in HOST_SYMBOLS.items()} | {"○": HostType.CENTER}
)
# A relationship written where the consulter belongs (母, 父, …) means the family consulted.
CONSULTERS = Choices({c.value: c.value for c in Consulter} | {r.value: Consulter.FAMILY for r in Relationship if r != Relationship.OTHER})


def _update(obj, values: dict, counts: Counts, *, also_changed: bool = False) -> bool:
    """Apply `values` to an existing record when anything differs; count it as updated or unchanged."""
    if not (also_changed or _changed(obj, values)):
        counts.unchanged += 1
        return False
    for name, value in values.items():
        setattr(obj, name, value)
    counts.updated += 1
    return True


def municipality_of(text: str, lookup: Choices):
    """福岡県田川市 → 田川市, 福岡市東区 → 福岡市: the prefecture prefix and wards are ignored."""
    text = re.sub(r"^.{2,3}[都道府県](?=.)", "", text)
    candidates = [key for key in lookup.normalized if text.startswith(key)]
    return lookup.normalized[max(candidates, key=len)] if candidates else None


def _by_name(model, field="name") -> Choices:
    return Choices({getattr(obj, field): obj for obj in model.objects.all()})


def _changed(obj, values: dict) -> bool:
    """Whether any value differs; relations compare by id, so nothing is fetched."""
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation and name == field.name:
            if getattr(obj, field.attname) != (value.pk if value is not None else None):
                return True
        elif getattr(obj, field.attname) != value:
            return True
    return False


def plan_clients(table: Table, by: User | None) -> Plan:
    plan = Plan()
    positions = check_headers(table, COLUMNS["clients"], plan.errors)
    if plan.errors:
        return plan
    offices, municipalities, routes = _by_name(Office), _by_name(Municipality), _by_name(ReferralRoute, "label")
    numbers = [normalize_case_number(v[positions["ケース番号"]]) for _, v in table.rows if positions["ケース番号"] < len(v)]
    existing = {c.case_number: c for c in Client.objects.filter(case_number__in=numbers)}
    seen: dict[str, int] = {}
    creates, updates = [], []
    counts = plan.count("利用者")
    for row in rows_of(table, positions, plan.errors):
        number = row.case_number("ケース番号", required=True, max_length=30)
        values = {
            "name": row.text("氏名", required=True, max_length=100),
            "kana": row.text("フリガナ", max_length=100),
            "sex": row.choice("性別", SEX_LOOKUP, default=Sex.UNKNOWN),
            "birth_date": row.date("生年月日", not_future=True),
            "municipality": row.choice("居住市町村", municipalities, hint="市町村の一覧にありません", resolve=municipality_of),
            "office": row.choice("担当拠点", offices, required=True, hint="拠点の一覧にありません"),
            "referral_route": row.choice("相談経路", routes, hint="相談経路の一覧にありません（管理画面で追加できます）"),
            "withdrawal_period": row.choice("ひきこもり期間", {w.value: w.value for w in WithdrawalPeriod}, default=WithdrawalPeriod.UNKNOWN),
        }
        registered = row.date("登録日", not_future=True)
        if number in seen:
            row.error("ケース番号", number, f"{seen[number]}行目と重複しています")
        seen.setdefault(number, row.number)
        if not row.ok:
            continue
        client = existing.get(number)
        if client is None:
            client = Client(case_number=number, registered_on=registered or timezone.localdate(), **values)
            client.refresh_search_keys()
            creates.append(client)
            counts.created += 1
        else:
            if registered:
                values["registered_on"] = registered
            if _update(client, values, counts):
                client.refresh_search_keys()
                updates.append(client)

    def apply():
        Client.objects.bulk_create(creates, batch_size=BATCH)
        fields = ["name", "kana", "sex", "birth_date", "municipality", "office", "referral_route",
                  "withdrawal_period", "registered_on", "search_key", "kana_key"]
        Client.objects.bulk_update(updates, fields, batch_size=BATCH)

    plan.apply = apply
    return plan


def _staff_lookup() -> dict[str, User]:
    lookup = {}
    for user in User.objects.all():
        for key in {user.username, user.display_name, user.display_name.replace(" ", ""), f"{user.last_name}{user.first_name}"}:
            if key:
                lookup.setdefault(key, user)
    return lookup


def plan_consultations(table: Table, by: User | None, progress: Callable[[int], None] | None = None) -> Plan:
    plan = Plan()
    positions = check_headers(table, COLUMNS["consultations"], plan.errors)
    if plan.errors:
        return plan
    offices, staff_lookup = _by_name(Office), _staff_lookup()
    case_numbers, record_numbers = set(), set()
    for _, values in table.rows:
        if "ケース番号" in positions and positions["ケース番号"] < len(values):
            case_numbers.add(normalize_case_number(values[positions["ケース番号"]]))
        if "記録番号" in positions and positions["記録番号"] < len(values):
            record_numbers.add(str(values[positions["記録番号"]]).strip())
    clients = {}
    numbers = sorted(case_numbers - {""})
    for start in range(0, len(numbers), 5000):
        for client in Client.objects.current().filter(case_number__in=numbers[start : start + 5000]):
            clients[client.case_number] = client
    existing = {}
    records = sorted(record_numbers - {""})
    for start in range(0, len(records), 5000):
        chunk = Consultation.objects.filter(record_number__in=records[start : start + 5000]).prefetch_related("staff")
        existing.update({c.record_number: c for c in chunk})
    seen: dict[str, int] = {}
    creates: list[tuple[Consultation, list[User]]] = []
    updates: list[tuple[Consultation, list[User]]] = []
    counts = plan.count("相談記録")
    for index, row in enumerate(rows_of(table, positions, plan.errors), start=1):
        if progress and index % 10000 == 0:
            progress(index)
        record_number = row.text("記録番号", max_length=50)
        case_number = row.case_number("ケース番号")
        client = clients.get(case_number) if case_number else None
        if case_number and client is None:
            row.error("ケース番号", case_number, "登録されていない利用者です（先に利用者を取り込んでください）")
        office = row.choice("拠点", offices, required=True, hint="拠点の一覧にありません")
        # Staff are matched to accounts by username or name; names of people without an account
        # (staff who left years ago) are kept as written, never a reason to refuse the file.
        staff, unmatched = [], []
        for name in filter(None, (n.strip() for n in re.split(r"[、,，;；/／]", str(row.raw("担当者") or "")))):
            key = unicodedata.normalize("NFKC", name)
            user = staff_lookup.get(key) or staff_lookup.get(key.replace(" ", ""))
            if user is None:
                unmatched.append(name)
            elif user not in staff:
                staff.append(user)
        values = {
            "date": row.date("相談日", required=True, not_future=True),
            "office": office,
            "method": row.choice("相談方法", METHOD_LOOKUP, required=True),
            "consulter": row.choice("相談者", CONSULTERS, required=True),
            "client": client,
            "municipality_id": client.municipality_id if client else None,
            "duration_minutes": row.integer("所要時間（分）"),
            "content": row.text("内容"),
            "staff_names": "、".join(unmatched)[:200],
        }
        if record_number:
            if record_number in seen:
                row.error("記録番号", record_number, f"{seen[record_number]}行目と重複しています")
            seen.setdefault(record_number, row.number)
        if not row.ok:
            continue
        current = existing.get(record_number) if record_number else None
        if current is None:
            creates.append((Consultation(record_number=record_number or None, created_by=by, **values), staff))
            counts.created += 1
        elif _update(current, values, counts, also_changed={u.pk for u in current.staff.all()} != {u.pk for u in staff}):
            updates.append((current, staff))

    def apply():
        through = Consultation.staff.through
        for start in range(0, len(creates), BATCH):
            batch = creates[start : start + BATCH]
            made = Consultation.objects.bulk_create([c for c, _ in batch])
            through.objects.bulk_create(
                [through(consultation_id=c.pk, user_id=u.pk) for c, (_, staff) in zip(made, batch, strict=True) for u in staff]
            )
            if progress:
                progress(-(start + len(batch)))
        fields = ["date", "office", "method", "consulter", "client", "municipality_id", "duration_minutes", "content", "staff_names"]
        Consultation.objects.bulk_update([c for c, _ in updates], fields, batch_size=BATCH)
        if updates:
            through.objects.filter(consultation__in=[c for c, _ in updates]).delete()
            through.objects.bulk_create([through(consultation_id=c.pk, user_id=u.pk) for c, staff in updates for u in staff])

    plan.apply = apply
    return plan


def plan_sessions(table: Table, by: User | None) -> Plan:
    plan = Plan()
    positions = check_headers(table, COLUMNS["sessions"], plan.errors)
    if plan.errors:
        return plan
    programs, offices = _by_name(Program), _by_name(Office)
    existing = {(s.program_id, s.office_id, s.date): s for s in Session.objects.all()}
    statuses = {s.value: s.value for s in SessionStatus}
    seen: dict[tuple, int] = {}
    creates, updates = [], []
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
        }
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
            creates.append(Session(program=program, office=office, date=date, **values))
            counts.created += 1
        elif _update(session, values, counts):
            updates.append(session)

    def apply():
        Session.objects.bulk_create(creates, batch_size=BATCH)
        Session.objects.bulk_update(updates, ["start_time", "end_time", "theme", "status", "cancel_reason"], batch_size=BATCH)

    plan.apply = apply
    return plan


def plan_attendance(table: Table, by: User | None) -> Plan:
    plan = Plan()
    positions = check_headers(table, COLUMNS["attendance"], plan.errors)
    if plan.errors:
        return plan
    programs, offices = _by_name(Program), _by_name(Office)
    sessions = {(s.program_id, s.office_id, s.date): s for s in Session.objects.all()}
    numbers = {normalize_case_number(v[positions["ケース番号"]]) for _, v in table.rows if positions["ケース番号"] < len(v)}
    clients = {c.case_number: c for c in Client.objects.current().filter(case_number__in=numbers)}
    members = {(m.client_id, m.name): m for m in FamilyMember.objects.filter(client__in=clients.values())}
    present = set(
        Attendance.objects.filter(session__in=sessions.values()).values_list("session_id", "client_id", "family_member_id")
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
            row.error("開催日", date.isoformat(), "この開催が登録されていません（先にプログラム開催を取り込んでください）")
        if session is not None and session.status == SessionStatus.CANCELLED:
            row.error("開催日", date.isoformat(), "中止になった回です")
        is_self = participant in ("", "本人")
        if program and program.for_family and is_self:
            row.error("参加者", participant, "家族のつどいの参加者は家族の氏名を入力してください")
        if program and not program.for_family and not is_self:
            row.error("参加者", participant, "このプログラムの参加者は本人です（空欄または「本人」）")
        if not row.ok:
            continue
        member_key = None
        if not is_self:
            member_key = (client.pk, participant)
            if member_key not in members and member_key not in new_members:
                if relationship is None:
                    row.error("続柄", "", "新しく登録する家族には続柄が必要です")
                    continue
                new_members[member_key] = FamilyMember(client=client, name=participant, relationship=relationship)
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
        for member in FamilyMember.objects.bulk_create(list(new_members.values())):
            members[(member.client_id, member.name)] = member
        Attendance.objects.bulk_create(
            [Attendance(session=s, client=c, family_member=members[k] if k else None, created_by=by) for s, c, k in creates],
            batch_size=BATCH,
        )

    plan.apply = apply
    return plan


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
        date = row.date("実施日", required=True, not_future=True)
        municipality = row.choice("市町村", municipalities, required=True, hint="市町村の一覧にありません")
        office = row.choice("拠点", offices, required=True, hint="拠点の一覧にありません")
        values = {
            "host_type": row.choice("形態", HOST_LOOKUP, required=True,
                                    hint="センター主催（〇）、市町村主催（センター協力）（●）、市町村独自（◎）のいずれかにしてください"),
            "slots": row.integer("予約枠", default=3),
            "reserved": row.integer("予約数", default=0),
            "consulted": row.integer("相談件数", default=0),
        }
        if values["reserved"] is not None and values["slots"] is not None and values["reserved"] > values["slots"]:
            row.error("予約数", values["reserved"], f"予約枠（{values['slots']}）を超えています")
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
        elif _update(day, values, counts):
            updates.append(day)

    def apply():
        MunicipalDay.objects.bulk_create(creates, batch_size=BATCH)
        MunicipalDay.objects.bulk_update(updates, ["host_type", "slots", "reserved", "consulted"], batch_size=BATCH)

    plan.apply = apply
    return plan


PLANNERS = {
    "clients": plan_clients,
    "consultations": plan_consultations,
    "sessions": plan_sessions,
    "attendance": plan_attendance,
    "municipal_days": plan_municipal_days,
}
