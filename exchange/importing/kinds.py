"""The five import kinds of SPEC §6. Each validates the whole file into a Plan first; the
plan's `apply` then writes in bulk (the caller holds the transaction)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence

from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import (
    Client,
    ClientStatus,
    ClosureReason,
    Consultation,
    Consulter,
    ExitRoute,
    FamilyMember,
    Method,
    ReferralDestination,
    ReferralRoute,
    Relationship,
    Sex,
    WithdrawalPeriod,
    normalize_case_number,
)
from cases.services import check_consultation_rules, clients_import, consultations_import, families_import
from hikikomori.models import HealthArea, Membership, Municipality, Office, User
from outreach.models import (
    HOST_SYMBOLS,
    AffiliationCategory,
    Attendance,
    HostType,
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

from . import casework_kinds
from .base import Choices, Counts, Plan, check_headers, choice_key, rows_of, rule_errors, staff_lookup
from .reading import Table

COLUMNS: dict[str, dict[str, bool]] = {
    "clients": {
        "ケース番号": True,
        "氏名": True,
        "フリガナ": False,
        "性別": False,
        "生年月日": False,
        "居住市町村": False,
        "担当拠点": True,
        "相談経路": False,
        "ひきこもり期間": False,
        "登録日": False,
        # Beyond SPEC §6 (optional): what a round trip needs to lose nothing.
        "状態": False,
        "終結日": False,
        "終結理由": False,
        "終結後の行き先": False,
        "終結後のつなぎ先": False,
        "備考": False,
        "主担当": False,
        "副担当": False,
    },
    "families": {"ケース番号": True, "氏名": True, "続柄": True, "生年月日": False, "連絡先": False},
    "consultations": {
        "記録番号": False,
        "相談日": True,
        "拠点": True,
        "相談方法": True,
        "相談者": True,
        "ケース番号": False,
        "担当者": False,
        "所要時間（分）": False,
        "内容": False,
        "開始時刻": False,
        "居住市町村": False,
        "相談した家族": False,
        "関係機関名": False,
        "つなぎ先": False,
        "次回予定": False,
        "次回予定対応済み": False,
    },
    "sessions": {
        "プログラム": True,
        "開催日": True,
        "拠点": True,
        "開始時刻": False,
        "終了時刻": False,
        "テーマ": False,
        "状態": False,
        "中止理由": False,
        "会場": False,
        "備考": False,
        "オンライン参加拠点": False,
    },
    "attendance": {
        "プログラム": True,
        "開催日": True,
        "拠点": True,
        "ケース番号": True,
        "参加者": False,
        "続柄": False,
    },
    "municipal_days": {
        "実施日": True,
        "市町村": True,
        "形態": True,
        "拠点": True,
        "予約枠": False,
        "予約数": False,
        "相談件数": False,
        "ケース検討会": False,
        "備考": False,
    },
    "reservations": {
        "実施日": True,
        "市町村": True,
        "拠点": True,
        "時間": True,
        "ケース番号": False,
        "予約者": False,
        "家族が相談する": False,
        "相談した家族": False,
        "取消日": False,
        "相談記録": False,
    },
    "events": {
        "種別": True,
        "実施日": True,
        "名称": True,
        "拠点": True,
        "形式": False,
        "保健所圏域": False,
        "主催": False,
        "備考": False,
        "参加者数": False,
    },
}
LABELS = {
    "clients": "利用者",
    "families": "家族",
    "consultations": "相談記録",
    "sessions": "プログラム開催",
    "attendance": "プログラム参加",
    "municipal_days": "市町村相談会",
    "reservations": "市町村相談会の予約",
    "events": "普及啓発・研修",
}
# 「はい」 for a yes/no column (ケース検討会, 家族が相談する, 次回予定対応済み); blank is no.
YES = Choices(
    {"はい": True, "あり": True, "済": True, "対応済み": True, "○": True, "いいえ": False, "なし": False}
)

METHOD_LOOKUP = Choices(
    {m.value: m.value for m in Method}
    | {"訪問・同行": Method.HOME_VISIT, "その他": Method.OTHER, "メール": Method.OTHER}
)
SEX_LOOKUP = Choices({s.value: s.value for s in Sex} | {"男": Sex.MALE, "女": Sex.FEMALE})
HOST_LOOKUP = Choices(
    {h.value: h.value for h in HostType}
    | {symbol: h.value for h, symbol in HOST_SYMBOLS.items()}
    | {"○": HostType.CENTER}
)
# A relationship written where the consulter belongs (母, 父, …) means the family consulted.
CONSULTERS = Choices(
    {c.value: c.value for c in Consulter}
    | {r.value: Consulter.FAMILY for r in Relationship if r != Relationship.OTHER}
)


def _display(value) -> str:
    if value is None or value == "":
        return "（空欄）"
    if isinstance(value, dt.date):
        return f"{value.year}/{value.month}/{value.day}"
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def _update(
    obj,
    values: dict,
    counts: Counts,
    plan: Plan,
    *,
    key: str,
    columns: dict[str, str],
    extra: Sequence[tuple[str, object, object]] = (),
) -> bool:
    """Apply `values` (the file's filled cells only) to an existing record where they differ;
    count it as updated or unchanged and list each change as 「キー: 項目: 旧 → 新」."""
    changes = list(extra)
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation and name == field.name:
            if getattr(obj, field.attname) != (value.pk if value is not None else None):
                changes.append((columns[name], getattr(obj, name), value))
        elif getattr(obj, field.attname) != value and name in columns:
            changes.append((columns[name], getattr(obj, field.attname), value))
        elif getattr(obj, field.attname) != value:
            changes.append(("", None, None))  # a derived field follows a listed one
    if not changes:
        counts.unchanged += 1
        return False
    for name, value in values.items():
        setattr(obj, name, value)
    counts.updated += 1
    plan.changes += [
        f"{key}: {column}: {_display(old)} → {_display(new)}" for column, old, new in changes if column
    ]
    return True


def _validate(obj) -> None:
    """The model's field rules, as the screens' full_clean applies them, without a query per row:
    related records come from the import's own lookups, and the database keeps uniqueness."""
    relations = [f.name for f in obj._meta.get_fields() if f.is_relation]
    obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def _given(row, values: dict, columns: dict[str, str]) -> dict:
    """For an update: only the values whose cells the file fills (a blank or absent column keeps
    the stored value)."""
    return {name: value for name, value in values.items() if name in columns and row.filled(columns[name])}


def municipality_of(text: str, lookup: Choices):
    """福岡県田川市 → 田川市, 福岡市東区 → 福岡市: the prefecture prefix and wards are ignored."""
    text = re.sub(r"^.{2,3}[都道府県](?=.)", "", text)
    candidates = [key for key in lookup.normalized if text.startswith(key)]
    return lookup.normalized[max(candidates, key=len)] if candidates else None


def _by_name(model, field="name") -> Choices:
    return Choices({getattr(obj, field): obj for obj in model.objects.all()})


CLIENT_COLUMNS = {
    "name": "氏名",
    "kana": "フリガナ",
    "sex": "性別",
    "birth_date": "生年月日",
    "municipality": "居住市町村",
    "office": "担当拠点",
    "referral_route": "相談経路",
    "withdrawal_period": "ひきこもり期間",
    "registered_on": "登録日",
    "status": "状態",
    "closed_on": "終結日",
    "closure_reason": "終結理由",
    "exit_route": "終結後の行き先",
    "exit_destination": "終結後のつなぎ先",
    "notes": "備考",
    "primary_worker": "主担当",
    "secondary_worker": "副担当",
}


def plan_clients(table: Table, by: User | None) -> Plan:
    plan = Plan()
    positions = check_headers(table, COLUMNS["clients"], plan.errors)
    if plan.errors:
        return plan
    offices, municipalities, routes, reasons, destinations = (
        _by_name(Office),
        _by_name(Municipality),
        _by_name(ReferralRoute, "label"),
        _by_name(ClosureReason, "label"),
        _by_name(ReferralDestination, "label"),
    )
    statuses = {status.value: status.value for status in ClientStatus}
    staff = staff_lookup()
    numbers = [
        normalize_case_number(v[positions["ケース番号"]])
        for _, v in table.rows
        if positions["ケース番号"] < len(v)
    ]
    # Locked until the import's transaction ends: no screen can change them between plan and write.
    existing = {
        c.case_number: c
        for c in Client.objects.select_for_update(of=("self",))
        .select_related("office", "municipality", "referral_route")
        .filter(case_number__in=numbers)
    }
    seen: dict[str, int] = {}
    creates: list[Client] = []
    updates: list[Client] = []
    transfers: dict[int, Office] = {}
    status_changes: dict[int, str] = {}
    counts = plan.count("利用者")
    for row in rows_of(table, positions, plan.errors):
        number = row.case_number("ケース番号", required=True, max_length=30)
        values = {
            "name": row.text("氏名", required=True, max_length=100),
            "kana": row.text("フリガナ", max_length=100),
            "sex": row.choice("性別", SEX_LOOKUP, default=Sex.UNKNOWN),
            "birth_date": row.date("生年月日", not_future=True),
            "municipality": row.choice(
                "居住市町村", municipalities, hint="市町村の一覧にありません", resolve=municipality_of
            ),
            "office": row.choice("担当拠点", offices, required=True, hint="拠点の一覧にありません"),
            "referral_route": row.choice(
                "相談経路", routes, hint="相談経路の一覧にありません（管理画面で追加できます）"
            ),
            "withdrawal_period": row.choice(
                "ひきこもり期間",
                {w.value: w.value for w in WithdrawalPeriod},
                default=WithdrawalPeriod.UNKNOWN,
            ),
            "registered_on": row.date("登録日", not_future=True),
            "status": row.choice("状態", statuses, default=ClientStatus.ACTIVE),
            "closed_on": row.date("終結日", not_future=True),
            "closure_reason": row.choice(
                "終結理由", reasons, hint="終結理由の一覧にありません（管理画面で追加できます）"
            ),
            "exit_route": row.choice("終結後の行き先", {r.value: r.value for r in ExitRoute}, default=""),
            "exit_destination": row.choice(
                "終結後のつなぎ先", destinations, hint="つなぎ先の一覧にありません（管理画面で追加できます）"
            ),
            "notes": row.text("備考", max_length=2000),
            "primary_worker": row.choice("主担当", staff, hint="職員の一覧にありません"),
            "secondary_worker": row.choice("副担当", staff, hint="職員の一覧にありません"),
        }
        if number in seen:
            row.error("ケース番号", number, f"{seen[number]}行目と重複しています")
        seen.setdefault(number, row.number)
        if not row.ok:
            continue
        client = existing.get(number)
        if client is None:
            values["registered_on"] = values["registered_on"] or timezone.localdate()
            client = Client(case_number=number, **values)
        else:
            office, status = client.office, client.status
            given = _given(row, values, CLIENT_COLUMNS)
            if given.get("status") == ClientStatus.ACTIVE:  # reopened: no closure any more
                given |= {
                    "closed_on": None,
                    "closure_reason": None,
                    "exit_route": "",
                    "exit_destination": None,
                }
            if not _update(client, given, counts, plan, key=number, columns=CLIENT_COLUMNS):
                continue
            if client.office_id != office.pk:
                transfers[client.pk] = office
            if client.status != status:
                status_changes[client.pk] = status
        if client.status != ClientStatus.ACTIVE and client.closed_on is None:
            row.error("終結日", "", f"状態が「{client.status}」の利用者には終結日が必要です")
            continue
        try:  # the model's own rules, as the screens apply them
            _validate(client)
            client.clean_workers()
        except ValidationError as exc:
            rule_errors(row, exc, CLIENT_COLUMNS)
            continue
        client.refresh_search_keys()
        if client.pk is None:
            creates.append(client)
            counts.created += 1
        else:
            updates.append(client)

    def apply():
        clients_import(
            status_changes=status_changes,
            by=by,
            creates=creates,
            updates=updates,
            transfers=transfers,
            fields=[*CLIENT_COLUMNS, "search_key", "kana_key"],
        )

    plan.apply = apply
    return plan


FAMILY_COLUMNS = {"birth_date": "生年月日", "contact": "連絡先"}


def plan_families(table: Table, by: User | None) -> Plan:
    """家族: each client's family members, keyed by the client's ケース番号 and the member's name."""
    plan = Plan()
    positions = check_headers(table, COLUMNS["families"], plan.errors)
    if plan.errors:
        return plan
    numbers = {
        normalize_case_number(v[positions["ケース番号"]])
        for _, v in table.rows
        if positions["ケース番号"] < len(v)
    }
    clients = {c.case_number: c for c in Client.objects.current().filter(case_number__in=numbers)}
    existing: dict[tuple, FamilyMember] = {
        (m.client_id, m.name, m.relationship): m
        for m in FamilyMember.objects.select_for_update().filter(
            client__in=list(clients.values()), archived_at__isnull=True
        )
    }
    relationships = {r.value: r.value for r in Relationship}
    seen: dict[tuple, int] = {}
    creates: list[FamilyMember] = []
    updates: list[FamilyMember] = []
    counts = plan.count("家族")
    for row in rows_of(table, positions, plan.errors):
        number = row.case_number("ケース番号", required=True)
        client = clients.get(number)
        if number and client is None:
            row.error("ケース番号", number, "登録されていない利用者です（先に利用者を取り込んでください）")
        name = row.text("氏名", required=True, max_length=100)
        values = {
            "relationship": row.choice("続柄", relationships, required=True),
            "birth_date": row.date("生年月日", not_future=True),
            "contact": row.text("連絡先", max_length=200),
        }
        if not row.ok or client is None:
            continue
        key = (client.pk, name, values["relationship"])
        if key in seen:
            row.error("氏名", name, f"{seen[key]}行目と同じ家族です")
            continue
        seen[key] = row.number
        member = existing.get(key)
        if member is None:
            member = FamilyMember(client=client, name=name, **values)
        elif not _update(
            member,
            _given(row, values, FAMILY_COLUMNS),
            counts,
            plan,
            key=f"{number} {name}",
            columns=FAMILY_COLUMNS,
        ):
            continue
        try:
            _validate(member)
        except ValidationError as exc:
            rule_errors(row, exc, FAMILY_COLUMNS | {"name": "氏名", "relationship": "続柄"})
            continue
        if member.pk is None:
            creates.append(member)
            counts.created += 1
        else:
            updates.append(member)

    def apply():
        families_import(by=by, creates=creates, updates=updates, fields=list(FAMILY_COLUMNS))

    plan.apply = apply
    return plan


class FamilyLookup:
    """A client's family member as a file names it: 「氏名」 when the name is unique in the family,
    otherwise 「氏名（続柄）」 (the exports always write the latter)."""

    def __init__(self, members):
        self.by_name: dict[tuple, list[FamilyMember]] = {}
        self.exact: dict[tuple, FamilyMember] = {}
        for m in members:
            self.by_name.setdefault((m.client_id, m.name), []).append(m)
            self.exact[(m.client_id, m.name, m.relationship)] = m

    def find(self, row, column: str, client) -> FamilyMember | None:
        text = row.text(column, max_length=120)
        if not text:
            return None
        match = re.fullmatch(r"(.+?)[（(]([^（）()]+)[）)]", text)
        if (
            client is not None
            and match
            and (member := self.exact.get((client.pk, match[1].strip(), match[2])))
        ):
            return member
        found = self.by_name.get((client.pk, text), []) if client is not None else []
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            row.error(column, text, "同じ氏名の家族が複数います。「氏名（続柄）」で指定してください")
        else:
            row.error(column, text, "この利用者の家族に登録されていません（先に家族を取り込んでください）")
        return None


def family_label(member) -> str:
    return f"{member.name}（{member.relationship}）" if member is not None else ""


CONSULTATION_COLUMNS = {
    "date": "相談日",
    "office": "拠点",
    "method": "相談方法",
    "consulter": "相談者",
    "client": "ケース番号",
    "duration_minutes": "所要時間（分）",
    "content": "内容",
    "staff_names": "担当者",
    "start_time": "開始時刻",
    "municipality": "居住市町村",
    "family_member": "相談した家族",
    "agency": "関係機関名",
    "referral_destination": "つなぎ先",
    "follow_up_on": "次回予定",
    "follow_up_done": "次回予定対応済み",
}
RULE_COLUMNS = CONSULTATION_COLUMNS | {"staff": "担当者"}


def plan_consultations(table: Table, by: User | None, progress: Callable[[int], None] | None = None) -> Plan:
    plan = Plan()
    positions = check_headers(table, COLUMNS["consultations"], plan.errors)
    if plan.errors:
        return plan
    offices, staff_by_name = _by_name(Office), staff_lookup()
    municipalities, destinations = _by_name(Municipality), _by_name(ReferralDestination, "label")
    memberships = set(Membership.objects.values_list("user_id", "office_id"))
    case_numbers, record_numbers = set(), set()
    for _, cells in table.rows:
        if "ケース番号" in positions and positions["ケース番号"] < len(cells):
            case_numbers.add(normalize_case_number(cells[positions["ケース番号"]]))
        if "記録番号" in positions and positions["記録番号"] < len(cells):
            record_numbers.add(unicodedata.normalize("NFKC", str(cells[positions["記録番号"]])).strip())
    clients = {}
    numbers = sorted(case_numbers - {""})
    for start in range(0, len(numbers), 5000):
        for client in Client.objects.current().filter(case_number__in=numbers[start : start + 5000]):
            clients[client.case_number] = client
    family = FamilyLookup(
        FamilyMember.objects.filter(client__in=list(clients.values()), archived_at__isnull=True)
    )
    existing: dict[str, Consultation] = {}
    records = sorted(record_numbers - {""})
    # 「#123」 is how an export names a consultation that has no 記録番号: number 123 of this database
    # while it has none, or the consultation an earlier import created under that name.
    internal = {int(r[1:]): r for r in records if re.fullmatch(r"#\d{1,18}", r)}
    locked = Consultation.objects.select_for_update(of=("self",)).select_related(
        "office", "client", "municipality", "family_member", "referral_destination"
    )
    for start in range(0, len(records), 5000):
        chunk = locked.filter(record_number__in=records[start : start + 5000]).prefetch_related("staff")
        existing.update({c.record_number or "": c for c in chunk})
    ids = sorted(internal)
    for start in range(0, len(ids), 5000):
        chunk = locked.filter(pk__in=ids[start : start + 5000], record_number__isnull=True).prefetch_related(
            "staff"
        )
        existing.update({internal[c.pk]: c for c in chunk if internal[c.pk] not in existing})
    seen: dict[str, int] = {}
    creates: list[tuple[Consultation, list[User] | None]] = []
    updates: list[tuple[Consultation, list[User] | None]] = []
    counts = plan.count("相談記録")
    today = timezone.localdate()
    for index, row in enumerate(rows_of(table, positions, plan.errors), start=1):
        if progress and index % 10000 == 0:
            progress(index)
        record_number = row.text("記録番号", max_length=50)
        case_number = row.case_number("ケース番号")
        client = clients.get(case_number) if case_number else None
        if case_number and client is None:
            row.error(
                "ケース番号", case_number, "登録されていない利用者です（先に利用者を取り込んでください）"
            )
        office = row.choice("拠点", offices, required=True, hint="拠点の一覧にありません")
        # Staff are matched to accounts by username or name; names of people without an account
        # (staff who left years ago) are kept as written, never a reason to refuse the file.
        staff, unmatched = [], []
        for name in filter(
            None, (n.strip() for n in re.split(r"[、,，;；/／]", str(row.raw("担当者") or "")))
        ):
            key = unicodedata.normalize("NFKC", name)
            user = staff_by_name.get(key) or staff_by_name.get(key.replace(" ", ""))
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
            "duration_minutes": row.integer("所要時間（分）"),
            "content": row.text("内容"),
            "staff_names": "、".join(unmatched)[:200],
            "start_time": row.time("開始時刻"),
            "municipality": row.choice(
                "居住市町村", municipalities, hint="市町村の一覧にありません", resolve=municipality_of
            ),
            "family_member": None,
            "agency": row.text("関係機関名", max_length=100),
            "referral_destination": row.choice(
                "つなぎ先", destinations, hint="つなぎ先の一覧にありません（管理画面で追加できます）"
            ),
            "follow_up_on": row.date("次回予定"),
            "follow_up_done": row.choice("次回予定対応済み", YES, default=False),
        }
        values["family_member"] = family.find(row, "相談した家族", client)
        if values["family_member"] is not None and values["consulter"] != Consulter.FAMILY:
            row.error("相談した家族", row.raw("相談した家族"), "相談者が「家族」の相談にだけ記録できます")
        if record_number:
            if record_number in seen:
                row.error("記録番号", record_number, f"{seen[record_number]}行目と重複しています")
            seen.setdefault(record_number, row.number)
        if not row.ok:
            continue
        current = existing.get(record_number) if record_number else None
        if current is None:
            consultation = Consultation(record_number=record_number or None, created_by=by, **values)
            if values["municipality"] is None and client is not None:
                consultation.municipality_id = client.municipality_id  # the residence then, as the screens do
            new_staff: list[User] | None = staff
        else:
            consultation = current
            given = _given(row, values, CONSULTATION_COLUMNS)
            if "client" in given and "municipality" not in given:
                given["municipality_id"] = client.municipality_id if client else None
            new_staff = staff if row.filled("担当者") else None
            old_staff = sorted(u.display_name for u in current.staff.all())
            extra = []
            if new_staff is not None and {u.pk for u in current.staff.all()} != {u.pk for u in staff}:
                extra.append(("担当者", "、".join(old_staff), "、".join(u.display_name for u in staff)))
            if not _update(
                current, given, counts, plan, key=record_number, columns=CONSULTATION_COLUMNS, extra=extra
            ):
                continue
        try:  # the same rules as the screens
            check_consultation_rules(
                date=consultation.date,
                office=consultation.office,
                duration_minutes=consultation.duration_minutes,
                staff=new_staff if new_staff is not None else list(consultation.staff.all()),
                today=today,
                memberships=memberships,
            )
            _validate(consultation)
        except ValidationError as exc:
            rule_errors(row, exc, RULE_COLUMNS)
            continue
        if current is None:
            creates.append((consultation, new_staff))
            counts.created += 1
        else:
            updates.append((consultation, new_staff))

    def apply():
        consultations_import(by=by, creates=creates, updates=updates, fields=list(CONSULTATION_COLUMNS))
        if progress:
            progress(-(len(creates) + len(updates)))

    plan.apply = apply
    return plan


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
        date = row.date("実施日", required=True, not_future=True)
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


PLANNERS: dict[str, Callable[..., Plan]] = {
    "clients": plan_clients,
    "families": plan_families,
    "consultations": plan_consultations,
    "sessions": plan_sessions,
    "attendance": plan_attendance,
    "municipal_days": plan_municipal_days,
    "reservations": plan_reservations,
    "events": plan_events,
}


# Case work (casework_kinds): assessments, plans and meetings, after the kinds they name.
COLUMNS |= casework_kinds.COLUMNS
LABELS |= casework_kinds.LABELS
PLANNERS |= casework_kinds.PLANNERS
