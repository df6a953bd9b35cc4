"""相談記録: the consultations of an import file (the biggest kind: a million rows are read in chunks)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import (
    Client,
    Consultation,
    Consulter,
    FamilyMember,
    ReferralDestination,
    normalize_case_number,
)
from cases.services import check_consultation_rules, consultations_import
from hikikomori.models import Membership, Municipality, Office, User

from .base import Plan, check_headers, rows_of, rule_errors, staff_lookup
from .columns import (
    COLUMNS,
    CONSULTERS,
    METHOD_LOOKUP,
    YES,
    _by_name,
    _given,
    _update,
    _validate,
    municipality_of,
)
from .people import (
    FamilyLookup,
)
from .reading import Table

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
