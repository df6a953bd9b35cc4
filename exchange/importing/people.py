"""利用者 and 家族: the clients and their family members of an import file."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import (
    Client,
    ClientStatus,
    ClosureReason,
    ExitRoute,
    FamilyMember,
    ReferralDestination,
    ReferralRoute,
    Relationship,
    Sex,
    WithdrawalPeriod,
    normalize_case_number,
)
from cases.services import clients_import, families_import
from hikikomori.models import Municipality, Office, User

from .base import Plan, check_headers, rows_of, rule_errors, staff_lookup
from .columns import (
    COLUMNS,
    SEX_LOOKUP,
    _by_name,
    _given,
    _update,
    _validate,
    municipality_of,
)
from .reading import Table

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
