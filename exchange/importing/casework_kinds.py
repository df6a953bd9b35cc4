"""Import and export of case work: アセスメント, 支援計画 (a row per short-term goal, with its review),
ケース会議. Validated whole before anything is written, then written through casework's services.

Lists inside a cell are one item per line; an item's parts are separated by 「｜」:
予定する支援 「内容｜担当（職員またはつなぎ先）｜頻度」, 外部の参加者 「氏名｜所属」,
決定事項 「内容｜担当｜期限｜対応日」. Staff are named by user name (or 氏名)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any

from cases.models import Client, ReferralDestination, WithdrawalPeriod, normalize_case_number
from casework import consent as consents
from casework import services
from casework.models import (
    AgreedWith,
    Assessment,
    AssessmentMethod,
    CaseMeeting,
    ConsentMethod,
    DecidedVia,
    GoalBasis,
    MeetingKind,
    Monitoring,
    Outcome,
    Outing,
    Progress,
    SharedItem,
    SharingBasis,
    SharingConsent,
    SupportPlan,
)
from hikikomori.exports import csv_text
from hikikomori.fiscal import DateParseError, parse_japanese_date
from hikikomori.models import Municipality, Office, User

from .base import FREE_TEXT, Choices, Plan, Row, check_headers, rows_of, staff_lookup
from .reading import Table

ASSESSMENT_TEXT = {
    name: str(getattr(Assessment._meta.get_field(name), "verbose_name", name))
    for name in Assessment.PERSONAL_TEXT
}
COLUMNS = {
    "assessments": {
        "ケース番号": True,
        "実施日": True,
        "方法": True,
        "実施者": False,
        "本人に会えている": False,
        "外出の状況": False,
        "ひきこもり期間": False,
        **dict.fromkeys(ASSESSMENT_TEXT.values(), False),
    },
    "plans": {
        "ケース番号": True,
        "作成日": True,
        "次回見直し日": True,
        "長期目標": False,
        "決定日": False,
        "決定の方法": False,
        "確認した職員": False,
        "取り下げた日": False,
        "同意した人": False,
        "同意日": False,
        "同意の方法": False,
        "同意についての記録": False,
        "作成者": False,
        "短期目標": True,
        "もとにした意向": True,
        "結果": False,
        "コメント": False,
        "見直し日": False,
        "見直した職員": False,
        "見直しの所見": False,
        "評価の時期": False,
        "予定する支援": False,
    },
    "monitoring": {
        "ケース番号": True,
        "計画の作成日": True,
        "実施日": True,
        "実施者": False,
        "短期目標": True,
        "様子": True,
        "コメント": False,
        "全体の様子": False,
    },
    "sharing_consents": {
        "ケース番号": True,
        "共有先": True,
        "共有する内容": True,
        "同意した人": True,
        "同意日": True,
        "期限": False,
        "撤回日": False,
        "記録した職員": False,
        "備考": False,
    },
    "meetings": {
        "開催日": True,
        "拠点": True,
        "種類": True,
        "検討した利用者": True,
        "支援計画を決定した利用者": False,
        "市町村": False,
        "参加した職員": False,
        "外部の参加者": False,
        "検討の内容": False,
        "決定事項": False,
    },
}
LABELS = {
    "assessments": "アセスメント",
    "plans": "支援計画",
    "monitoring": "モニタリング",
    "sharing_consents": "情報共有の同意",
    "meetings": "ケース会議",
}
YES_NO = Choices({"はい": True, "いいえ": False, "": False})
SEPARATOR = "｜"
ANONYMISED = "保存期間の満了により匿名化した利用者です"


def _user(row: Row, column: str, staff: dict[str, User], *, fallback: User | None) -> User | None:
    name = row.text(column)
    if not name:
        if fallback is None:
            row.error(column, "", "職員を入力してください（コマンドから取り込むときは必須です）")
        return fallback
    user = staff.get(name) or staff.get(name.replace(" ", ""))
    if user is None:
        row.error(column, name, "職員アカウントが見つかりません")
    return user


def _clients(table: Table, positions: dict[str, int], column: str) -> dict[str, Client]:
    numbers: set[str] = set()
    for _, cells in table.rows:
        if positions.get(column, 10**6) < len(cells):
            numbers.update(
                normalize_case_number(n) for n in re.split(r"[、,\s]+", str(cells[positions[column]]))
            )
    return {c.case_number: c for c in Client.objects.current().filter(case_number__in=numbers - {""})}


def _client_of(row: Row, clients: dict[str, Client]) -> tuple[str, Client | None]:
    """The row's ケース番号 and its client; a number not registered, or a client anonymised at the
    end of its retention, is an error of the row."""
    number = row.case_number("ケース番号", required=True)
    client = clients.get(number)
    if number and client is None:
        row.error("ケース番号", number, "利用者が登録されていません（先に利用者を取り込んでください）")
    elif client is not None and client.anonymised_at is not None:
        row.error("ケース番号", number, ANONYMISED)
    return number, client


def _lines(text: str) -> list[list[str]]:
    return [[part.strip() for part in line.split(SEPARATOR)] for line in text.splitlines() if line.strip()]


def _date(row: Row, column: str, text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return parse_japanese_date(text)
    except DateParseError as exc:
        row.error(column, text, str(exc))
        return None


# --- アセスメント ------------------------------------------------------------------------------


def plan_assessments(table: Table, by: User | None) -> Plan:
    plan = Plan()
    positions = check_headers(table, COLUMNS["assessments"], plan.errors)
    if plan.errors:
        return plan
    clients, staff = _clients(table, positions, "ケース番号"), staff_lookup()
    existing = {
        (a.client_id, a.assessed_on, a.method): a
        for a in Assessment.objects.filter(client__in=list(clients.values())).select_related("client")
    }
    counts, creates, updates = plan.count("アセスメント"), [], []
    for row in rows_of(table, positions, plan.errors):
        number, client = _client_of(row, clients)
        values = {
            "assessed_on": row.date("実施日", required=True, not_future=True),
            "method": row.choice(
                "方法", Choices({m.value: m.value for m in AssessmentMethod}), required=True
            ),
            "person_met": row.choice("本人に会えている", YES_NO, default=False),
            "outing": row.choice(
                "外出の状況", Choices({o.value: o.value for o in Outing}), default=Outing.UNKNOWN
            ),
            "withdrawal_period": row.choice(
                "ひきこもり期間",
                Choices({w.value: w.value for w in WithdrawalPeriod}),
                default=WithdrawalPeriod.UNKNOWN,
            ),
            **{name: row.text(label, max_length=4000) for name, label in ASSESSMENT_TEXT.items()},
        }
        found = existing.get((client.pk, values["assessed_on"], values["method"])) if client else None
        values["assessed_by"] = _user(row, "実施者", staff, fallback=found.assessed_by if found else by)
        if not row.ok or client is None:
            continue
        if found is None:
            creates.append((client, values))
            counts.created += 1
            continue
        changed = {k: v for k, v in values.items() if getattr(found, k) != v}
        if changed:
            updates.append((found, changed))
            counts.updated += 1
            plan.changes += [f"{number} {values['assessed_on']}: {k}" for k in changed]
        else:
            counts.unchanged += 1

    def apply():
        for client, values in creates:
            services.assessment_record(by=by or values["assessed_by"], client=client, **values)
        for assessment, changed in updates:
            services.assessment_update(
                by=by or assessment.assessed_by, assessment=assessment, version=assessment.version, **changed
            )

    plan.apply = apply
    return plan


def _assessments():
    rows = Assessment.objects.filter(client__in=Client.objects.current()).select_related(
        "client", "assessed_by"
    )
    for a in rows.order_by("client__case_number", "assessed_on", "pk").iterator(chunk_size=2000):
        yield [
            a.client.case_number, a.assessed_on.isoformat(), a.method, a.assessed_by.username,
            "はい" if a.person_met else "いいえ", a.outing, a.withdrawal_period,
            *(getattr(a, name) for name in ASSESSMENT_TEXT),
        ]  # fmt: skip


# --- 支援計画 ---------------------------------------------------------------------------------


def _supports(
    row: Row, text: str, staff: dict[str, User], agencies: dict[str, ReferralDestination]
) -> list[dict]:
    supports = []
    for parts in _lines(text):
        content, who, frequency = (parts + ["", "", ""])[:3]
        if not content:
            row.error("予定する支援", text, "支援の内容がありません（「内容｜担当｜頻度」）")
            continue
        item: dict[str, Any] = {
            "content": content[:500],
            "frequency": frequency[:100],
            "staff": None,
            "agency": None,
        }
        if who:
            item["staff"] = staff.get(who) or staff.get(who.replace(" ", ""))
            item["agency"] = None if item["staff"] else agencies.get(who)
            if item["staff"] is None and item["agency"] is None:
                row.error("予定する支援", who, "担当が職員にもつなぎ先にも見つかりません")
        supports.append(item)
    return supports


def plan_plans(table: Table, by: User | None) -> Plan:
    plan = Plan()
    positions = check_headers(table, COLUMNS["plans"], plan.errors)
    if plan.errors:
        return plan
    clients, staff = _clients(table, positions, "ケース番号"), staff_lookup()
    agencies = {d.label: d for d in ReferralDestination.objects.all()}
    existing = {
        (p.client_id, p.made_on) for p in SupportPlan.objects.filter(client__in=list(clients.values()))
    }
    open_plans = set(  # a plan in force or a 案: the file's first plan would be a second one
        (SupportPlan.objects.current() | SupportPlan.objects.drafts())
        .filter(client__in=list(clients.values()))
        .values_list("client", flat=True)
    )
    groups: dict[tuple, dict] = {}
    counts = plan.count("支援計画")
    for row in rows_of(table, positions, plan.errors):
        number, client = _client_of(row, clients)
        made_on = row.date("作成日", required=True, not_future=True)
        goal = {
            "text": row.text("短期目標", required=True, max_length=500),
            "basis": row.choice(
                "もとにした意向", Choices({b.value: b.value for b in GoalBasis}), required=True
            ),
        }
        outcome = row.choice("結果", Choices({o.value: o.value for o in Outcome}), default="")
        comment = row.text("コメント", max_length=500)
        fields = {
            "made_on": made_on,
            "next_review_on": row.date("次回見直し日", required=True),
            "long_term_goal": row.text("長期目標", max_length=4000),
            "made_by": _user(row, "作成者", staff, fallback=by),
        }
        decision = {
            "on": row.date("決定日", not_future=True),
            "via": row.choice("決定の方法", Choices({d.value: d.value for d in DecidedVia}), default=""),
        }
        if decision["via"] == DecidedVia.CONFIRMATION:
            decision["confirmed_by"] = _user(row, "確認した職員", staff, fallback=by)
        if bool(decision["on"]) != bool(decision["via"]):
            row.error("決定の方法", row.raw("決定の方法"), "決定日と決定の方法は両方とも入力してください")
        consent = {
            "agreed_on": row.date("同意日", not_future=True),
            "agreed_with": row.choice(
                "同意した人", Choices({a.value: a.value for a in AgreedWith}), default=""
            ),
            "method": row.choice(
                "同意の方法", Choices({c.value: c.value for c in ConsentMethod}), default=""
            ),
            "note": row.text("同意についての記録", max_length=4000),
        }
        if (consent["agreed_on"] or consent["method"]) and not decision["on"]:
            row.error(
                "同意日", row.raw("同意日"), "同意は決定した支援計画について記録します（決定日が必要です）"
            )
        if consent["method"] == ConsentMethod.NONE and not consent["note"]:
            row.error("同意についての記録", "", "同意なしのときは理由を入力してください")
        if consent["method"] and not consent["agreed_on"]:
            row.error("同意日", "", "同意の方法があるときは同意日（同意なしのときは確認した日）が必要です")
        withdrawn_on = row.date("取り下げた日", not_future=True)
        if withdrawn_on and decision["on"]:
            row.error("取り下げた日", row.raw("取り下げた日"), "決定した支援計画は取り下げられません")
        review_kind = row.choice(
            "評価の時期", Choices({"見直し": "見直し", "終結": "終結"}), default="見直し"
        )
        reviewed_on = row.date("見直し日", not_future=True)
        reviewer = _user(row, "見直した職員", staff, fallback=by) if reviewed_on else None
        if reviewed_on and not decision["on"]:
            row.error("見直し日", row.raw("見直し日"), "評価した支援計画には決定日が必要です")
        if made_on and fields["next_review_on"] and fields["next_review_on"] < made_on:
            row.error("次回見直し日", row.raw("次回見直し日"), "次回見直し日は作成日より後にしてください。")
        if made_on and reviewed_on and reviewed_on < made_on:
            row.error("見直し日", row.raw("見直し日"), "見直し日は計画の作成日より後にしてください。")
        supports = _supports(row, row.text("予定する支援"), staff, agencies)
        if not row.ok or client is None:
            continue
        key = (client.pk, made_on)
        if key in existing:
            counts.unchanged += 1 if key not in groups else 0
            groups.setdefault(key, {"skip": True})
            continue
        group = groups.setdefault(
            key,
            {
                "row": row,
                "client": client,
                "fields": fields,
                "goals": [],
                "reviewed_on": reviewed_on,
                "reviewer": reviewer,
                "comment": row.text("見直しの所見", max_length=4000),
                "kind": review_kind,
                "decision": decision,
                "consent": consent,
                "withdrawn_on": withdrawn_on,
                "supports": [],
            },
        )
        group["supports"] += supports
        group["goals"].append((goal, outcome, comment, row))
    new = {key: g for key, g in groups.items() if "skip" not in g}
    by_client: dict[int, list] = defaultdict(list)
    for (client_id, _made_on), group in sorted(new.items(), key=lambda item: item[0]):
        by_client[client_id].append(group)
    for client_id, plans in by_client.items():
        for index, group in enumerate(plans):
            row, last = group["row"], index == len(plans) - 1
            reviewed = group["reviewed_on"] is not None
            for _, outcome, _, goal_row in group["goals"]:
                if reviewed and not outcome:
                    goal_row.error("結果", "", "見直した計画は、すべての短期目標に結果が必要です")
            if (index == 0 and client_id in open_plans) or (
                not last and not reviewed and not group["withdrawn_on"]
            ):
                row.error(
                    "見直し日",
                    "",
                    "前の支援計画を見直すか取り下げてから次の計画を作ってください（見直し日と結果、または取り下げた日が必要です）",
                )
        counts.created += len(plans)

    def apply():
        for plans in by_client.values():
            for group in plans:
                made = services.plan_make(
                    by=group["fields"]["made_by"],
                    client=group["client"],
                    goals=[goal for goal, _, _, _ in group["goals"]],
                    supports=group["supports"],
                    **group["fields"],
                )
                decision, consent = group["decision"], group["consent"]
                if decision["on"]:
                    services.plan_record_decision(by=by, plan=made, **decision)
                if consent["agreed_on"]:
                    services.plan_consent(by=by or made.made_by, plan=made, **consent)
                if group["withdrawn_on"]:
                    services.plan_withdraw(by=by or made.made_by, plan=made, on=group["withdrawn_on"])
                if group["reviewed_on"] is not None:
                    goals = list(made.goals.order_by("pk"))
                    services.plan_review(
                        by=group["reviewer"],
                        plan=made,
                        reviewed_on=group["reviewed_on"],
                        comment=group["comment"],
                        kind=group["kind"],
                        outcomes={
                            g.pk: (o, c) for g, (_, o, c, _) in zip(goals, group["goals"], strict=True)
                        },
                    )

    plan.apply = apply
    return plan


def _plans():
    plans = (
        SupportPlan.objects.filter(client__in=Client.objects.current())
        .select_related("client", "made_by", "confirmed_by", "review__reviewed_by")
        .prefetch_related("goals__outcome", "supports__staff", "supports__agency")
        .order_by("client__case_number", "made_on", "pk")
    )
    for p in plans.iterator(chunk_size=500):
        review = getattr(p, "review", None)
        supports = "\n".join(
            SEPARATOR.join(
                [
                    s.content,
                    s.staff.username if s.staff else (s.agency.label if s.agency else ""),
                    s.frequency,
                ]
            )
            for s in p.supports.all()
        )
        for index, g in enumerate(p.goals.all()):
            outcome = getattr(g, "outcome", None)
            yield [
                p.client.case_number, p.made_on.isoformat(), p.next_review_on.isoformat(), p.long_term_goal,
                csv_text(p.decided_on), p.decided_via, p.confirmed_by.username if p.confirmed_by else "",
                csv_text(p.withdrawn_on), p.agreed_with, csv_text(p.agreed_on), p.consent_method, p.consent_note,
                p.made_by.username, g.text, g.basis,
                outcome.outcome if outcome else "", outcome.comment if outcome else "",
                review.reviewed_on.isoformat() if review else "", review.reviewed_by.username if review else "",
                review.comment if review else "", review.kind if review else "", supports if index == 0 else "",
            ]  # fmt: skip


# --- ケース会議 -------------------------------------------------------------------------------


def plan_meetings(table: Table, by: User | None) -> Plan:
    plan = Plan()
    positions = check_headers(table, COLUMNS["meetings"], plan.errors)
    if plan.errors:
        return plan
    clients, staff = _clients(table, positions, "検討した利用者"), staff_lookup()
    offices = Choices({o.name: o for o in Office.objects.all()})
    towns = Choices({m.name: m for m in Municipality.objects.all()})
    existing = {
        (m.office_id, m.date, m.kind, tuple(sorted(c.case_number for c in m.clients.all())))
        for m in CaseMeeting.objects.prefetch_related("clients")
    }
    counts, creates = plan.count("ケース会議"), []
    for row in rows_of(table, positions, plan.errors):
        numbers = [
            normalize_case_number(n)
            for n in re.split(r"[、,\s]+", row.text("検討した利用者", required=True))
            if n
        ]
        missing = [n for n in numbers if n not in clients]
        if missing:
            row.error("検討した利用者", "、".join(missing), "利用者が登録されていません")
        deciding = [
            normalize_case_number(n) for n in re.split(r"[、,\s]+", row.text("支援計画を決定した利用者")) if n
        ]
        if set(deciding) - set(numbers):
            row.error(
                "支援計画を決定した利用者", "、".join(deciding), "検討した利用者の中から入力してください"
            )
        names = [n for n in re.split(r"[、,]", row.text("参加した職員")) if n.strip()]
        people = [staff.get(n.strip()) or staff.get(n.strip().replace(" ", "")) for n in names]
        if None in people:
            row.error("参加した職員", row.text("参加した職員"), "職員アカウントが見つからない名前があります")
        decisions = []
        for parts in _lines(row.text("決定事項")):
            content, owner, due, done = (parts + ["", "", "", ""])[:4]
            user = staff.get(owner) or staff.get(owner.replace(" ", ""))
            due_on, done_on = _date(row, "決定事項", due), _date(row, "決定事項", done)
            if not content or user is None or due_on is None:
                row.error(
                    "決定事項",
                    SEPARATOR.join(parts),
                    "「内容｜担当｜期限｜対応日」の内容・担当・期限が必要です",
                )
                continue
            decisions.append({"content": content[:500], "owner": user, "due_on": due_on, "done_on": done_on})
        values = {
            "date": row.date("開催日", required=True, not_future=True),
            "office": row.choice("拠点", offices, required=True, hint="拠点の一覧にありません"),
            "kind": row.choice("種類", Choices({k.value: k.value for k in MeetingKind}), required=True),
            "municipality": row.choice("市町村", towns, hint="市町村の一覧にありません"),
            "summary": row.text("検討の内容", max_length=4000),
            "staff": [p for p in people if p is not None],
            "clients": [clients[n] for n in numbers if n in clients],
            "externals": _externals(row),
            "decisions": decisions,
            "decides_plans_of": [clients[n] for n in deciding if n in clients],
        }
        gone = [c.case_number for c in values["clients"] if c.anonymised_at is not None]
        if gone:
            row.error("検討した利用者", "、".join(gone), ANONYMISED)
        if not row.ok:
            continue
        key = (values["office"].pk, values["date"], values["kind"], tuple(sorted(numbers)))
        if key in existing:
            counts.unchanged += 1
            continue
        existing.add(key)
        creates.append((row, values))
        counts.created += 1

    def apply():
        for _row, values in creates:
            services.meeting_record(by=by, **values)

    plan.apply = apply
    return plan


BASES = Choices({b.value: b.value for b in SharingBasis})


def _externals(row: Row) -> list[dict]:
    people = []
    for parts in _lines(row.text("外部の参加者")):
        name, organisation, basis = (parts + ["", "", ""])[:3]
        if not name:
            row.error("外部の参加者", SEPARATOR.join(parts), "氏名がありません（「氏名｜所属｜共有の根拠」）")
            continue
        if basis and basis not in SharingBasis.values:
            row.error(
                "外部の参加者",
                basis,
                f"共有の根拠は {'、'.join(SharingBasis.values)} のどれかです（空欄は同意を確認）",
            )
            continue
        people.append({"name": name[:100], "organisation": organisation[:100], "sharing_basis": basis})
    return people


def _meetings():
    meetings = CaseMeeting.objects.select_related("office", "municipality").prefetch_related(
        "clients", "staff", "externals", "decisions__owner", "decided_plans__client"
    )
    for m in meetings.order_by("date", "pk").iterator(chunk_size=500):
        decisions = "\n".join(
            SEPARATOR.join(
                [
                    d.content,
                    d.owner.username,
                    d.due_on.isoformat(),
                    d.done_on.isoformat() if d.done_on else "",
                ]
            )
            for d in m.decisions.all()
        )
        yield [
            m.date.isoformat(), m.office.name, m.kind, "、".join(sorted(c.case_number for c in m.clients.all())),
            "、".join(sorted(p.client.case_number for p in m.decided_plans.all())),
            m.municipality.name if m.municipality else "", "、".join(s.username for s in m.staff.all()),
            "\n".join(SEPARATOR.join([e.name, e.organisation, e.sharing_basis]) for e in m.externals.all()),
            m.summary, decisions,
        ]  # fmt: skip


# --- モニタリング -----------------------------------------------------------------------------


def plan_monitoring(table: Table, by: User | None) -> Plan:
    """A row per goal of a monitoring: the plan is named by the client and its 作成日, the goal by
    its text."""
    plan = Plan()
    positions = check_headers(table, COLUMNS["monitoring"], plan.errors)
    if plan.errors:
        return plan
    clients, staff = _clients(table, positions, "ケース番号"), staff_lookup()
    plans = {
        (p.client_id, p.made_on): p
        for p in SupportPlan.objects.filter(client__in=list(clients.values())).prefetch_related("goals")
    }
    existing = set(
        Monitoring.objects.filter(plan__in=list(plans.values())).values_list("plan", "monitored_on")
    )
    groups: dict[tuple, dict] = {}
    counts = plan.count("モニタリング")
    progress_choices = Choices({p.value: p.value for p in Progress})
    for row in rows_of(table, positions, plan.errors):
        number, client = _client_of(row, clients)
        made_on = row.date("計画の作成日", required=True)
        monitored_on = row.date("実施日", required=True, not_future=True)
        goal_text = row.text("短期目標", required=True, max_length=500)
        state = row.choice("様子", progress_choices, required=True)
        comment = row.text("コメント", max_length=500)
        target = plans.get((client.pk, made_on)) if client else None
        if client is not None and made_on and target is None:
            row.error(
                "計画の作成日",
                row.raw("計画の作成日"),
                "この日に作成した支援計画がありません（先に支援計画を取り込んでください）",
            )
        goal = next((g for g in target.goals.all() if g.text == goal_text), None) if target else None
        if target is not None and goal_text and goal is None:
            row.error("短期目標", goal_text, "この支援計画にない短期目標です")
        if not row.ok or target is None or goal is None:
            continue
        key = (target.pk, monitored_on)
        if key in existing:
            counts.unchanged += 1 if key not in groups else 0
            groups.setdefault(key, {"skip": True})
            continue
        group = groups.setdefault(
            key,
            {
                "plan": target,
                "monitored_on": monitored_on,
                "by": _user(row, "実施者", staff, fallback=by),
                "comment": row.text("全体の様子", max_length=4000),
                "progress": {},
            },
        )
        group["progress"][goal.pk] = (state, comment)
    new = [g for g in groups.values() if "skip" not in g]
    counts.created += len(new)

    def apply():
        for group in new:
            services.monitoring_record(
                by=group["by"],
                plan=group["plan"],
                monitored_on=group["monitored_on"],
                progress=group["progress"],
                comment=group["comment"],
            )

    plan.apply = apply
    return plan


def _monitoring():
    rows = (
        Monitoring.objects.filter(plan__client__in=Client.objects.current())
        .select_related("plan__client", "monitored_by")
        .prefetch_related("goals__goal")
        .order_by("plan__client__case_number", "plan__made_on", "monitored_on", "pk")
    )
    for m in rows.iterator(chunk_size=500):
        for gp in m.goals.all():
            yield [
                m.plan.client.case_number, m.plan.made_on.isoformat(), m.monitored_on.isoformat(),
                m.monitored_by.username, gp.goal.text, gp.progress, gp.comment, m.comment,
            ]  # fmt: skip


# --- 情報共有の同意 ---------------------------------------------------------------------------


def plan_sharing_consents(table: Table, by: User | None) -> Plan:
    plan = Plan()
    positions = check_headers(table, COLUMNS["sharing_consents"], plan.errors)
    if plan.errors:
        return plan
    clients, staff = _clients(table, positions, "ケース番号"), staff_lookup()
    existing = {
        (c.client_id, c.valid_from, c.agencies)
        for c in SharingConsent.objects.filter(client__in=list(clients.values()))
    }
    counts, creates = plan.count("情報共有の同意"), []
    for row in rows_of(table, positions, plan.errors):
        number, client = _client_of(row, clients)
        agencies = "\n".join(
            line.strip() for line in row.text("共有先", required=True).splitlines() if line.strip()
        )
        items = [i.strip() for i in re.split(r"[、,]", row.text("共有する内容", required=True)) if i.strip()]
        unknown = [i for i in items if i not in SharedItem.values]
        if unknown:
            row.error(
                "共有する内容",
                "、".join(unknown),
                f"共有する内容は {'、'.join(SharedItem.values)} から選びます",
            )
        values = {
            "agencies": agencies,
            "items": items,
            "given_by": row.choice(
                "同意した人", Choices({a.value: a.value for a in AgreedWith}), required=True
            ),
            "valid_from": row.date("同意日", required=True, not_future=True),
            "valid_until": row.date("期限"),
            "note": row.text("備考", max_length=4000),
        }
        withdrawn_on = row.date("撤回日", not_future=True)
        recorder = _user(row, "記録した職員", staff, fallback=by)
        if values["valid_from"] and values["valid_until"] and values["valid_until"] < values["valid_from"]:
            row.error("期限", row.raw("期限"), "期限は同意日より後にしてください")
        if values["valid_from"] and withdrawn_on and withdrawn_on < values["valid_from"]:
            row.error("撤回日", row.raw("撤回日"), "撤回日は同意日より後にしてください")
        if not row.ok or client is None:
            continue
        key = (client.pk, values["valid_from"], agencies)
        if key in existing:
            counts.unchanged += 1
            continue
        existing.add(key)
        creates.append((client, recorder, values, withdrawn_on))
        counts.created += 1

    def apply():
        for client, recorder, values, withdrawn_on in creates:
            assert recorder is not None  # a row without one was refused
            consent = consents.consent_record(by=recorder, client=client, **values)
            if withdrawn_on:
                consents.consent_withdraw(by=recorder, consent=consent, on=withdrawn_on)

    plan.apply = apply
    return plan


def _sharing_consents():
    rows = (
        SharingConsent.objects.filter(client__in=Client.objects.current())
        .select_related("client", "recorded_by")
        .order_by("client__case_number", "valid_from", "pk")
    )
    for c in rows.iterator(chunk_size=1000):
        yield [
            c.client.case_number, c.agencies, "、".join(c.items), c.given_by, c.valid_from.isoformat(),
            csv_text(c.valid_until), csv_text(c.withdrawn_on), c.recorded_by.username, c.note,
        ]  # fmt: skip


assert {*ASSESSMENT_TEXT.values(), "長期目標", "決定事項"} <= FREE_TEXT, "free text is kept as written"
PLANNERS = {
    "assessments": plan_assessments,
    "plans": plan_plans,
    "monitoring": plan_monitoring,
    "sharing_consents": plan_sharing_consents,
    "meetings": plan_meetings,
}
EXPORTERS = {
    "assessments": _assessments,
    "plans": _plans,
    "monitoring": _monitoring,
    "sharing_consents": _sharing_consents,
    "meetings": _meetings,
}
