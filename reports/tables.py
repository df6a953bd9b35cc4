"""The yearly tables of SPEC §5 as plain data, shaped from `queries.py`.

A table is a sheet name, a title, one header row of exact labels, rows whose first cell(s)
are labels, and notes citing the definitions. Counts are ints; ratios are `Ratio` (a float
between 0 and 1) or None where the denominator is zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cases.models import AgeGroup, Consulter, ExitRoute, ReferralDestination, Sex, age_group
from hikikomori.fiscal import FISCAL_MONTHS, fiscal_year_label, fiscal_year_of
from hikikomori.models import Office, Region
from outreach.models import HOST_PRECEDENCE, HOST_SYMBOLS, OutreachEvent, Program, SessionStatus

from . import queries
from .queries import CATEGORIES, DEFINITIONS, Scope

TOTAL = "合計"
UNKNOWN = "不明"
AGE_GROUPS = [g.value for g in AgeGroup]
SPEC_PROGRAMS = ("フリースペース", "家族のつどい")


class Ratio(float):
    """A share between 0 and 1, shown as a percentage."""


def ratio(part: int, whole: int) -> Ratio | None:
    return Ratio(part / whole) if whole else None


@dataclass
class Table:
    sheet: str
    title: str
    header: list[str]
    rows: list[list]
    labels: int = 1
    notes: list[str] = field(default_factory=list)
    chart: dict | None = None

    def cell(self, *row_labels: str, column: str):
        """The value at the row with these labels and the column with this header (as tools find it)."""
        index = self.header.index(column)
        for row in self.rows:
            if tuple(row[: len(row_labels)]) == row_labels:
                return row[index]
        raise KeyError(row_labels)


@dataclass
class Report:
    scope: Scope
    label: str
    tables: list[Table]

    def table(self, sheet: str) -> Table:
        return next(t for t in self.tables if t.sheet == sheet)


def notes(*codes: str) -> list[str]:
    return [f"注（{code}）{DEFINITIONS[code]}" for code in codes]


def build_report(scope: Scope) -> Report:
    """Every table of the yearly report: a constant number of queries."""
    label = fiscal_year_label(scope.fiscal_year, scope.as_of)
    regions = list(Region.objects.values_list("name", flat=True))
    monthly = queries.monthly_counts(scope)
    participants = queries.program_participants(scope)
    sessions = queries.program_sessions(scope)
    days = queries.municipal_days(scope)
    programs = _programs(sessions, participants)
    tables = [
        monthly_table(scope, label, monthly),
        trend_table(scope, label, monthly),
        unique_table(scope, label),
        region_table(scope, label, regions),
        new_interviewee_table(scope, label, regions),
        span_table(scope, label),
        *[program_table(scope, label, name, sessions, participants) for name in programs],
        age_table(scope, label, programs, participants),
        municipal_table(scope, label, days),
        municipal_results_table(scope, label, days),
        # Extra sheets beyond the SPEC's, after them.
        consulter_table(scope, label),
        destination_table(scope, label),
        staff_table(scope, label),
        caseload_table(scope, label),
        intake_table(scope, label),
        ice_age_table(scope, label),
        event_table(scope, label),
        closure_table(scope, label),
    ]
    return Report(scope=scope, label=label, tables=tables)


def _programs(sessions, participants) -> list[str]:
    """The two programs of the SPEC always; others when they have sessions."""
    names = list(SPEC_PROGRAMS)
    used = {row["program_name"] for row in sessions} | {row["program_name"] for row in participants}
    for name in Program.objects.order_by("sort_order").values_list("name", flat=True):
        if name in used and name not in names:
            names.append(name)
    return names


def _title(label: str, name: str, scope: Scope) -> str:
    office = f"（{scope.office.name}）" if scope.office else ""
    return f"{label} {name}{office}"


def monthly_table(scope: Scope, label: str, monthly) -> Table:
    fy = scope.fiscal_year
    columns = [monthly.get((fy, month), dict.fromkeys(CATEGORIES, 0)) for month in FISCAL_MONTHS]
    rows = []
    for category in CATEGORIES:
        values = [c[category] for c in columns]
        rows.append([category, *values, sum(values)])
    totals = [sum(c.values()) for c in columns]
    rows.append([TOTAL, *totals, sum(totals)])
    visits = rows[list(CATEGORIES).index("訪問・同行")][1:]
    rows.append(
        ["訪問支援の割合", *[ratio(v, t) for v, t in zip(visits, [*totals, sum(totals)], strict=True)]]
    )
    header = ["区分", *[f"{m}月" for m in FISCAL_MONTHS], TOTAL]
    chart = {"type": "monthly", "categories": list(CATEGORIES), "columns": header[1:-1]}
    return Table(
        "相談延件数（月別）",
        _title(label, "相談延件数（月別）", scope),
        header,
        rows,
        notes=notes("D1", "D2"),
        chart=chart,
    )


def trend_table(scope: Scope, label: str, monthly) -> Table:
    years = list(range(scope.fiscal_year - 4, scope.fiscal_year + 1))
    per_year = {y: dict.fromkeys(CATEGORIES, 0) for y in years}
    for (fy, _month), counts in monthly.items():
        if fy in per_year:
            for category, n in counts.items():
                per_year[fy][category] += n
    rows = [[category, *[per_year[y][category] for y in years]] for category in CATEGORIES]
    totals = [sum(per_year[y].values()) for y in years]
    rows.append([TOTAL, *totals])
    rows.append(
        ["訪問支援の割合", *[ratio(per_year[y]["訪問・同行"], t) for y, t in zip(years, totals, strict=True)]]
    )
    header = ["区分", *[fiscal_year_label(y, scope.as_of) for y in years]]
    chart = {"type": "trend", "categories": list(CATEGORIES)}
    return Table(
        "相談延件数（推移）",
        _title(label, "相談延件数（推移）", scope),
        header,
        rows,
        notes=notes("D1", "D2"),
        chart=chart,
    )


def unique_table(scope: Scope, label: str) -> Table:
    counts = queries.unique_counts(scope)
    rows = [[name, counts[name]["persons"], counts[name]["total"]] for name in [*CATEGORIES, TOTAL]]
    return Table(
        "相談実件数",
        _title(label, "相談実件数", scope),
        ["区分", "実件数", "延件数"],
        rows,
        notes=notes("D1", "D3"),
    )


def region_table(scope: Scope, label: str, regions: list[str]) -> Table:
    counts = queries.region_counts(scope)
    phone, visit = counts["電話"], counts["来所"]
    phone_total, visit_total = sum(phone.values()), sum(visit.values())
    rows = []
    for region in [*regions, None]:
        p, v = phone.get(region, 0), visit.get(region, 0)
        rows.append([region or UNKNOWN, p, ratio(p, phone_total), v, ratio(v, visit_total)])
    rows.append(
        [TOTAL, phone_total, ratio(phone_total, phone_total), visit_total, ratio(visit_total, visit_total)]
    )
    header = ["地域", "電話（件数）", "電話（割合）", "来所（件数）", "来所（割合）"]
    return Table(
        "居住地域別割合",
        _title(label, "居住地域別割合", scope),
        header,
        rows,
        notes=notes("D3", "D4"),
        chart={"type": "regions"},
    )


def new_interviewee_table(scope: Scope, label: str, regions: list[str]) -> Table:
    people = queries.new_interviewees(scope)
    total = sum(group["n"] for group in people)
    by_sex = {s.value: 0 for s in Sex}
    by_age = dict.fromkeys(AGE_GROUPS, 0)
    by_region = dict.fromkeys([*regions, UNKNOWN], 0)
    for group in people:
        by_sex[group["sex"]] = by_sex.get(group["sex"], 0) + group["n"]
        by_age[group["age_group"]] += group["n"]
        region = group["region"] or UNKNOWN
        by_region[region] = by_region.get(region, 0) + group["n"]
    rows = [[TOTAL, TOTAL, total, ratio(total, total)]]
    for section, counts in (("性別", by_sex), ("年代", by_age), ("地域", by_region)):
        rows += [[section, item, n, ratio(n, total)] for item, n in counts.items()]
    return Table(
        "新規面談者",
        _title(label, "新規面談者", scope),
        ["区分", "項目", "人数", "割合"],
        rows,
        labels=2,
        notes=notes("D5"),
    )


def span_table(scope: Scope, label: str) -> Table:
    counts = queries.support_spans(scope)
    total = sum(counts.values())
    rows = [[name, n, ratio(n, total)] for name, n in counts.items()]
    rows.append([TOTAL, total, ratio(total, total)])
    return Table(
        "継続支援期間",
        _title(label, "継続支援期間", scope),
        ["区分", "人数", "割合"],
        rows,
        notes=notes("D6"),
    )


PROGRAM_HEADER = [
    "年度",
    "開催回数",
    "中止回数",
    "実人数",
    "延人数",
    "1回の参加人数",
    "新規参加者",
    "新規参加者の割合",
]


def program_table(scope: Scope, label: str, program: str, sessions, participants) -> Table:
    rows = []
    for fy in (scope.fiscal_year, scope.fiscal_year - 1):
        held = [
            s
            for s in sessions
            if s["program_name"] == program
            and fiscal_year_of(s["date"]) == fy
            and s["status"] == SessionStatus.HELD
        ]
        cancelled = [
            s
            for s in sessions
            if s["program_name"] == program
            and fiscal_year_of(s["date"]) == fy
            and s["status"] == SessionStatus.CANCELLED
        ]
        key = "current_count" if fy == scope.fiscal_year else "previous_count"
        people = [p for p in participants if p["program_name"] == program and p[key] > 0]
        new = [p for p in people if fiscal_year_of(p["first_ever"]) == fy]
        sizes = [s["participants"] for s in held]
        span = f"{min(sizes)}～{max(sizes)}" if sizes else ""
        rows.append(
            [
                fiscal_year_label(fy, scope.as_of),
                len(held),
                len(cancelled),
                len(people),
                sum(p[key] for p in people),
                span,
                len(new),
                ratio(len(new), len(people)),
            ]
        )
    return Table(program, _title(label, program, scope), PROGRAM_HEADER, rows, notes=notes("D7"))


def age_table(scope: Scope, label: str, programs: list[str], participants) -> Table:
    rows = []
    for program in programs:
        people = [p for p in participants if p["program_name"] == program and p["current_count"] > 0]
        counts = dict.fromkeys(AGE_GROUPS, 0)
        for person in people:
            counts[age_group(person["birth_date"], person["first_current"])] += 1
        rows += [[program, group, n, ratio(n, len(people))] for group, n in counts.items()]
    return Table(
        "参加者の年代",
        _title(label, "参加者の年代", scope),
        ["プログラム", "年代", "人数", "割合"],
        rows,
        labels=2,
        notes=notes("D8"),
        chart={"type": "ages", "programs": programs},
    )


def _symbol(host_types: set[str]) -> str:
    return next((HOST_SYMBOLS[h] for h in HOST_PRECEDENCE if h in host_types), "")


def municipal_table(scope: Scope, label: str, days) -> Table:
    years = list(range(scope.fiscal_year - 3, scope.fiscal_year + 1))
    hosts: dict[int, dict[int, set[str]]] = {}
    info: dict[int, dict] = {}
    for day in days:
        hosts.setdefault(day["municipality_id"], {}).setdefault(fiscal_year_of(day["date"]), set()).add(
            day["host_type"]
        )
        info[day["municipality_id"]] = day
    office_order = {name: order for name, order in Office.objects.values_list("name", "sort_order")}
    ordered = sorted(
        info.values(),
        key=lambda d: (
            d["jurisdiction"] is None,
            office_order.get(d["jurisdiction"], 0),
            d["code"] or "",
            d["name"],
        ),
    )
    rows = []
    for day in ordered:
        per_year = hosts[day["municipality_id"]]
        rows.append(
            [day["jurisdiction"] or "管轄外", day["name"], *[_symbol(per_year.get(y, set())) for y in years]]
        )
    rows.append([TOTAL, "", *[sum(1 for m in hosts.values() if m.get(y)) for y in years]])
    header = ["管轄", "市町村", *[fiscal_year_label(y, scope.as_of) for y in years]]
    return Table(
        "市町村相談会", _title(label, "市町村相談会", scope), header, rows, labels=2, notes=notes("D9")
    )


def municipal_results_table(scope: Scope, label: str, days) -> Table:
    rows = []
    for fy in range(scope.fiscal_year - 3, scope.fiscal_year + 1):
        in_year = [d for d in days if fiscal_year_of(d["date"]) == fy]
        rows.append(
            [
                fiscal_year_label(fy, scope.as_of),
                len({d["municipality_id"] for d in in_year}),
                len(in_year),
                sum(d["reserved"] for d in in_year),
                sum(d["consulted"] for d in in_year),
            ]
        )
    header = ["年度", "実施市町村数", "実施日数", "予約数", "相談件数"]
    return Table(
        "市町村相談会（実績）", _title(label, "市町村相談会（実績）", scope), header, rows, notes=notes("D9")
    )


def figures(report: Report) -> dict[str, object]:
    """Every figure keyed by sheet, row labels and column: what a finalized report is compared by."""
    result = {}
    for table in report.tables:
        for row in table.rows:
            labels = " / ".join(str(v) for v in row[: table.labels])
            for column, value in zip(table.header[table.labels :], row[table.labels :], strict=True):
                result[f"{table.sheet} | {labels} | {column}"] = (
                    float(value) if isinstance(value, Ratio) else value
                )
    return result


def consulter_table(scope: Scope, label: str) -> Table:
    counts = queries.consulter_counts(scope)
    rows = []
    for consulter in [c.value for c in Consulter]:
        values = [sum(counts.get((consulter, m), 0) for m in methods) for methods in CATEGORIES.values()]
        rows.append([consulter, *values, sum(values)])
    totals = [sum(row[i] for row in rows) for i in range(1, len(CATEGORIES) + 2)]
    rows.append([TOTAL, *totals])
    return Table(
        "相談者別", _title(label, "相談者別", scope), ["相談者", *CATEGORIES, TOTAL], rows, notes=notes("D10")
    )


def destination_table(scope: Scope, label: str) -> Table:
    counts = queries.destination_counts(scope)
    names = list(ReferralDestination.objects.values_list("label", flat=True))
    names += [name for name in counts if name not in names]
    rows = [[name, counts.get(name, 0)] for name in names]
    rows.append([TOTAL, sum(counts.values())])
    return Table(
        "つなぎ先別", _title(label, "つなぎ先別", scope), ["つなぎ先", "件数"], rows, notes=notes("D10")
    )


def staff_table(scope: Scope, label: str) -> Table:
    rows = []
    for row in queries.staff_counts(scope):
        name = f"{row['user__last_name']} {row['user__first_name']}".strip() or row["user__username"]
        rows.append([name, row["total"], row["visits"]])
    unassigned = queries.unassigned_counts(scope)
    rows.append(["担当者未設定", unassigned["total"] or 0, unassigned["visits"] or 0])
    rows.append([TOTAL, sum(r[1] for r in rows), sum(r[2] for r in rows)])
    return Table(
        "担当者別",
        _title(label, "担当者別", scope),
        ["担当者", "延件数", "訪問・同行"],
        rows,
        notes=notes("D10"),
    )


def caseload_table(scope: Scope, label: str) -> Table:
    staff, unassigned = queries.caseload_counts(scope)
    rows = [[row["name"], row["primary"], row["secondary"]] for row in staff]
    rows.append(["担当者なし", unassigned, "—"])
    rows.append([TOTAL, sum(r[1] for r in rows), sum(r[2] for r in rows[:-1])])
    return Table(
        "担当者別の担当件数",
        _title(label, "担当者別の担当件数（年度末時点）", scope),
        ["担当者", "主担当", "副担当"],
        rows,
        notes=notes("D14"),
    )


def intake_table(scope: Scope, label: str) -> Table:
    from cases.intake import IntakeRoute, NextStep

    counts = queries.intake_counts(scope)
    steps = [step.value for step in NextStep]
    rows = []
    for route in IntakeRoute:
        cells = [counts.get((route.value, step), 0) for step in steps]
        rows.append([route.value, *cells, sum(cells)])
    rows.append([TOTAL, *[sum(r[i] for r in rows) for i in range(1, len(steps) + 2)]])
    return Table(
        "新規相談受付件数",
        _title(label, "新規相談受付件数", scope),
        ["経路", *steps, "合計"],
        rows,
        notes=notes("D15"),
    )


def ice_age_table(scope: Scope, label: str) -> Table:
    rows = [
        [r["office_name"], r["clients"], r["ice_age"], ratio(r["ice_age"], r["clients"])]
        for r in queries.ice_age_counts(scope)
    ]
    clients, ice = sum(r[1] for r in rows), sum(r[2] for r in rows)
    rows.append([TOTAL, clients, ice, ratio(ice, clients)])
    header = ["拠点", "実人数", "うち就職氷河期世代", "割合"]
    return Table(
        "就職氷河期世代",
        _title(label, "就職氷河期世代（サテライトオフィス）", scope),
        header,
        rows,
        notes=notes("D11"),
    )


def event_table(scope: Scope, label: str) -> Table:
    counts = {row["kind"]: row for row in queries.event_counts(scope)}
    rows = [
        [kind, counts.get(kind, {}).get("times", 0), counts.get(kind, {}).get("participants") or 0]
        for kind in [k.value for k in OutreachEvent.Kind]
    ]
    rows.append([TOTAL, sum(r[1] for r in rows), sum(r[2] for r in rows)])
    return Table(
        "普及啓発・研修",
        _title(label, "普及啓発・研修", scope),
        ["種別", "回数", "参加人数"],
        rows,
        notes=notes("D12"),
    )


def closure_table(scope: Scope, label: str) -> Table:
    counts = queries.closure_counts(scope)
    total = sum(counts.values())
    by_route = {route: 0 for route in [*ExitRoute.values, ""]}
    by_agency: dict[str, int] = {}
    for (route, agency), n in counts.items():
        by_route[route] = by_route.get(route, 0) + n
        if route == ExitRoute.REFERRAL and agency:
            by_agency[agency] = by_agency.get(agency, 0) + n
    names = [
        name for name in ReferralDestination.objects.values_list("label", flat=True) if name in by_agency
    ]
    names += sorted(name for name in by_agency if name not in names)
    rows = [[TOTAL, TOTAL, total, ratio(total, total)]]
    rows += [["終結後の行き先", route or UNKNOWN, n, ratio(n, total)] for route, n in by_route.items()]
    rows += [["つなぎ先の内訳", name, by_agency[name], ratio(by_agency[name], total)] for name in names]
    return Table(
        "終結の状況",
        _title(label, "終結の状況", scope),
        ["区分", "項目", "人数", "割合"],
        rows,
        labels=2,
        notes=notes("D13"),
    )
