"""The aggregate queries of the yearly report: every definition of SPEC §2 and §5, once.

Each function runs one query (a handful in all, whatever the size of the data) and returns
plain data; `tables.py` shapes it into the tables. Every function takes a `Scope`: the fiscal
year, the cut-off date (as-of) and, optionally, the one office whose records alone count.

The definitions are in DEFINITIONS below, cited in the page's 注 and in a 注 row under each sheet.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
)

from cases.models import INTERVIEW_METHODS, Consultation, Method, age_group
from hikikomori.fiscal import fiscal_year_range, months_between
from hikikomori.models import Office, User

from . import stored
from .scope import (  # noqa: F401  (the report's vocabulary, imported from here by its callers)
    CATEGORIES,
    CATEGORY_OF,
    SPAN_BUCKETS,
    Scope,
    anonymous_regions,
    with_regions,
)

DEFINITIONS = {
    "D1": "延件数：相談1回を1件として数えます（アーカイブした記録は数えません）。",
    "D2": "訪問・同行＝訪問＋同行（訪問支援）。その他＝メール・その他。訪問支援の割合＝訪問・同行÷合計。",
    "D3": "実件数：その年度にその方法で1回以上相談した人数。ケース番号のない匿名の相談は1件ごとに1人。"
    "合計は方法を問わない人数で、各行の和ではありません。",
    "D4": "居住地域：1人を方法ごとに1回、その年度の最後の相談に記録された居住市町村の地域で数えます"
    "（相談に記録がなければ利用者の居住市町村）。匿名の相談は1件ごとに1人。市町村がわからなければ不明。",
    "D5": "新規面談者：その年度に来所・訪問・同行が1回以上あり、前年度に相談（方法を問わない）がなかった登録利用者。"
    "性別・年代・地域はその年度の最初の来所・訪問・同行の時点。",
    "D6": "継続支援期間：その年度に相談があった登録利用者を、初回の相談から年度末（または集計基準日）までの最後の相談までの"
    "満月数で分けます（3ヶ月未満、3～6ヶ月未満、6ヶ月～1年未満、1年～3年未満、3年以上）。",
    "D7": "開催回数は開催した回、中止回数は中止した回。実人数は開催した回の参加者の人数（フリースペースは本人、"
    "家族のつどいは家族）、延人数は参加の延べ数、1回の参加人数は開催した回の最少～最多、"
    "新規参加者はそのプログラムへの初めての参加がその年度の人。",
    "D8": "参加者の年代：その年度の参加者（実人数）を、その年度の最初の参加日の年齢で分けます"
    "（家族のつどいは参加した家族の利用者本人の年齢）。生年月日がなければ不明。",
    "D10": "相談者別・つなぎ先別・担当者別：その年度の相談の延件数（担当者が複数の相談は各担当者に1件ずつ数えます）。"
    "担当者未設定は職員アカウントの担当者がない相談（取り込んだ記録の退職者など）。このため担当者別の合計は延件数と一致しないことがあります。",
    "D11": "就職氷河期世代：1970年4月2日～1986年4月1日生まれ。サテライトオフィスでその年度に相談があった登録利用者の人数。",
    "D12": "普及啓発・研修：その年度に実施した研修会・会議・講話の回数と、所属区分別に記録した参加人数の合計。",
    "D13": "終結の状況：終結日がその年度（集計基準日まで）にあり、いまも終結している登録利用者を、終結後の行き先で数えます"
    "（行き先の記録がなければ不明）。つなぎ先はその内訳も。拠点で絞るときは利用者の担当拠点で数えます。",
    "D14": "担当者別の担当件数：年度末（集計基準日、年度の途中なら今日）の時点で支援中だった登録利用者を、その時点の"
    "主担当・副担当で数えます（変更の記録から求めるため、その後の引継ぎ・終結・匿名化で変わりません）。"
    "担当者なしは主担当が記録されていなかった人。拠点で絞るときはその時点の担当拠点で数えます。",
    "D15": "新規相談受付件数：受付日がその年度（集計基準日まで）にある受付の件数（初めての相談ごとに1件。匿名の受付も"
    "数えます）。経路は最初に相談した人、次の対応は受付の時点で決めたもの。拠点で絞るときは受付した拠点で数えます。",
    "D9": "市町村相談会：センター主催の回があれば〇、なければ市町村主催（センター協力）で●、なければ市町村独自で◎。"
    "合計は実施した市町村の数。実績の予約数・相談件数は各回の合計。",
}


def monthly_counts(scope: Scope, years: int = 5) -> dict[tuple[int, int], dict[str, int]]:
    """D1/D2: consultations per (fiscal year, month) and category, for `years` years up to the chosen one."""
    if scope.stored:
        return stored.monthly_counts(scope, years)
    first = fiscal_year_range(scope.fiscal_year - years + 1)[0]
    # Grouped by day (an index-only scan in date order), folded into months here: cheaper than
    # extracting year and month from every row in SQL.
    rows = (
        scope.consultations()
        .filter(date__gte=first)
        .values("date", "method")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for row in rows:
        day = row["date"]
        fiscal_year = day.year if day.month >= 4 else day.year - 1
        bucket = counts.setdefault((fiscal_year, day.month), dict.fromkeys(CATEGORIES, 0))
        bucket[CATEGORY_OF[row["method"]]] += row["n"]
    return counts


def unique_counts(scope: Scope) -> dict[str, dict[str, int]]:
    """D3: 実件数 and 延件数 per category and in all, in one query."""
    if scope.stored:
        return stored.unique_counts(scope)
    qs = scope.consultations().filter(date__gte=scope.start)
    anonymous = Q(client__isnull=True)
    aggregates = {
        "all_clients": Count("client", distinct=True),
        "all_anonymous": Count("id", filter=anonymous),
        "all_total": Count("id"),
    }
    for index, methods in enumerate(CATEGORIES.values()):
        in_category = Q(method__in=methods)
        aggregates[f"c{index}_clients"] = Count("client", distinct=True, filter=in_category)
        aggregates[f"c{index}_anonymous"] = Count("id", filter=in_category & anonymous)
        aggregates[f"c{index}_total"] = Count("id", filter=in_category)
    row = qs.aggregate(**aggregates)
    result = {
        category: {"persons": row[f"c{i}_clients"] + row[f"c{i}_anonymous"], "total": row[f"c{i}_total"]}
        for i, category in enumerate(CATEGORIES)
    }
    result["合計"] = {"persons": row["all_clients"] + row["all_anonymous"], "total": row["all_total"]}
    return result


def region_counts(scope: Scope, methods=(Method.PHONE, Method.VISIT)) -> dict[str, dict[str | None, int]]:
    """D4: persons per method and region of residence at their last consultation of the year.

    Registered clients keep only their last consultation of each method (an anti join, so each
    client is one row and a plain count is a count of persons); anonymous consultations count
    one each.
    """
    if scope.stored:
        return stored.region_counts(scope, methods)
    in_year = scope.consultations().filter(date__gte=scope.start, method__in=methods)
    later = in_year.filter(client=OuterRef("client"), method=OuterRef("method")).filter(
        Q(date__gt=OuterRef("date")) | Q(date=OuterRef("date"), id__gt=OuterRef("id"))
    )
    last = in_year.filter(client__isnull=False).filter(~Exists(later))
    # Three plain group-bys, so that only consultations without a recorded municipality join the
    # client's: registered with one, registered without one, anonymous.
    parts = (
        last.filter(municipality__isnull=False).values("method", region=F("municipality__region__name")),
        last.filter(municipality__isnull=True).values(
            "method", region=F("client__municipality__region__name")
        ),
    )
    result: dict[str, dict[str | None, int]] = {m: {} for m in methods}
    for qs in parts:
        for row in qs.annotate(n=Count("id")).order_by():
            counts = result[row["method"]]
            counts[row["region"]] = counts.get(row["region"], 0) + row["n"]
    for method, region, n in anonymous_regions(scope, methods):
        result[method][region] = result[method].get(region, 0) + n
    return result


def new_interviewees(scope: Scope) -> list[dict]:
    """D5: new interviewees grouped by sex, 年代 at the year's first interview and region (that
    interview's; the client's registered one where it recorded none): rows of
    `{sex, age_group, region, n}`."""
    if scope.stored:
        return stored.new_interviewees(scope)
    in_year = scope.consultations().filter(date__gte=scope.start)
    previous_start, previous_end = fiscal_year_range(scope.fiscal_year - 1)
    before = scope.consultations().filter(
        client=OuterRef("client"), date__gte=previous_start, date__lte=previous_end
    )
    interviews = in_year.filter(method__in=INTERVIEW_METHODS, client__isnull=False)
    first_interview = interviews.filter(client=OuterRef("client")).order_by("date", "id")
    people = (
        interviews.filter(~Exists(before))
        .values(
            "client",
            sex=F("client__sex"),
            birth_date=F("client__birth_date"),
            home_region=F("client__municipality__region__name"),
        )
        .annotate(
            first=Min("date"),
            region=first_interview.values("municipality__region__name")[:1],
        )
        .order_by()
    )
    groups: Counter = Counter(
        (p["sex"], age_group(p["birth_date"], p["first"]), p["region"] or p["home_region"]) for p in people
    )
    return [
        {"sex": sex, "age_group": age, "region": region, "n": n} for (sex, age, region), n in groups.items()
    ]


def support_spans(scope: Scope) -> dict[str, int]:
    """D6: registered clients seen in the year per bucket of calendar months from their first-ever
    consultation to their last one up to the year end (or as-of)."""
    if scope.stored:
        return stored.support_spans(scope)
    rows = (
        scope.consultations()
        .filter(client__isnull=False)
        .values("client")
        .annotate(first=Min("date"), last=Max("date"), in_year=Count("date", filter=Q(date__gte=scope.start)))
        .filter(in_year__gt=0)
        .order_by()
    )
    counts = dict.fromkeys([name for name, _, _ in SPAN_BUCKETS], 0)
    for row in rows:
        counts[span_bucket(months_between(row["first"], row["last"]))] += 1
    return counts


def span_bucket(months: int) -> str:
    return next(name for name, low, high in SPAN_BUCKETS if months >= low and (high is None or months < high))


def program_sessions(scope: Scope) -> list[dict]:
    """D7: sessions of the chosen and the previous year with their participant counts."""
    first = fiscal_year_range(scope.fiscal_year - 1)[0]
    return list(
        scope.sessions()
        .filter(date__gte=first)
        .values("id", "date", "status", program_name=F("program__name"))
        .annotate(participants=Count("attendances"))
        .order_by()
    )


def program_participants(scope: Scope) -> list[dict]:
    """D7/D8: one row per participant and program: first-ever date, attendances per year, age basis."""
    previous = fiscal_year_range(scope.fiscal_year - 1)
    current = (scope.start, scope.end)
    return list(
        scope.attendances()
        .values(
            "client",
            "family_member",
            program_name=F("session__program__name"),
            birth_date=F("client__birth_date"),
        )
        .annotate(
            first_ever=Min("session__date"),
            previous_count=Count("id", filter=Q(session__date__range=previous)),
            current_count=Count("id", filter=Q(session__date__range=current)),
            first_current=Min("session__date", filter=Q(session__date__range=current)),
        )
        .order_by()
    )


def municipal_days(scope: Scope, years: int = 4) -> list[dict]:
    """D9: the days of the last `years` fiscal years with their municipality and figures."""
    first = fiscal_year_range(scope.fiscal_year - years + 1)[0]
    return list(
        scope.municipal_days()
        .filter(date__gte=first)
        .values(
            "date",
            "host_type",
            "reserved",
            "consulted",
            "municipality_id",
            name=F("municipality__name"),
            code=F("municipality__code"),
            jurisdiction=F("municipality__jurisdiction__name"),
            jurisdiction_order=F("municipality__jurisdiction__sort_order"),
        )
        .order_by()
    )


def consulter_counts(scope: Scope) -> dict[tuple[str, str], int]:
    """D10: consultations of the year per 相談者 and method."""
    if scope.stored:
        return stored.consulter_counts(scope)
    rows = (
        scope.consultations()
        .filter(date__gte=scope.start)
        .values("consulter", "method")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(row["consulter"], row["method"]): row["n"] for row in rows}


def destination_counts(scope: Scope) -> dict[str, int]:
    """D10: consultations of the year per つなぎ先 (referral destination)."""
    rows = (
        scope.consultations()
        .filter(date__gte=scope.start, referral_destination__isnull=False)
        .values(label=F("referral_destination__label"))
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["label"]: row["n"] for row in rows}


def staff_counts(scope: Scope) -> list[Any]:
    """D10: consultations of the year per member of staff, and how many were 訪問・同行."""
    if scope.stored:
        return stored.staff_counts(scope)
    through = Consultation.staff.through.objects.filter(
        consultation__archived_at__isnull=True,
        consultation__date__gte=scope.start,
        consultation__date__lte=scope.end,
    )
    if scope.office:
        through = through.filter(consultation__office=scope.office)
    return list(
        through.values("user__username", "user__last_name", "user__first_name")
        .annotate(
            total=Count("id"), visits=Count("id", filter=Q(consultation__method__in=CATEGORIES["訪問・同行"]))
        )
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def unassigned_counts(scope: Scope) -> dict:
    """D10: consultations of the year with no member of staff recorded (担当者未設定)."""
    if scope.stored:
        return stored.unassigned_counts(scope)
    return (
        scope.consultations()
        .filter(date__gte=scope.start, staff__isnull=True)
        .aggregate(total=Count("id"), visits=Count("id", filter=Q(method__in=CATEGORIES["訪問・同行"])))
    )


def ice_age_counts(scope: Scope) -> list[dict]:
    """D11: registered clients seen at each satellite in the year, and those of the ice-age generation."""
    if scope.stored:
        return stored.ice_age_counts(scope)
    from cases.models import ICE_AGE_BORN_FROM, ICE_AGE_BORN_TO

    born = Q(client__birth_date__gte=ICE_AGE_BORN_FROM, client__birth_date__lte=ICE_AGE_BORN_TO)
    return list(
        scope.consultations()
        .filter(date__gte=scope.start, client__isnull=False, office__kind=Office.Kind.SATELLITE)
        .values(office_name=F("office__name"), office_order=F("office__sort_order"))
        .annotate(clients=Count("client", distinct=True), ice_age=Count("client", distinct=True, filter=born))
        .order_by("office_order")
    )


def event_counts(scope: Scope) -> list[Any]:
    """D12: outreach events of the year per kind, with their participants."""
    from outreach.models import OutreachEvent

    events = OutreachEvent.objects.filter(
        archived_at__isnull=True, date__gte=scope.start, date__lte=scope.end
    )
    if scope.office:
        events = events.filter(office=scope.office)
    return list(
        events.values("kind")
        .annotate(times=Count("id", distinct=True), participants=Sum("participant_counts__count"))
        .order_by()
    )


def closure_counts(scope: Scope) -> dict[tuple[str, str | None], int]:
    """D13: clients closed in the year (and still closed) by where they went, and which つなぎ先."""
    from cases.models import Client, ClientStatus

    clients = Client.objects.filter(
        status=ClientStatus.CLOSED,
        closed_on__gte=scope.start,
        closed_on__lte=scope.end,
        merged_into__isnull=True,
        archived_at__isnull=True,
    )
    if scope.office:
        clients = clients.filter(office=scope.office)
    rows = (
        clients.values("exit_route", agency=F("exit_destination__label")).annotate(n=Count("id")).order_by()
    )
    return {(row["exit_route"], row["agency"]): row["n"] for row in rows}


def caseload_counts(scope: Scope) -> tuple[list[dict], int]:
    """D14: per member of staff, the registered clients 支援中 at the end of the year (or the as-of
    date, or today) they carried as 主担当 and as 副担当, read from each client's change history as
    it stood then; and how many had no 主担当. Two aggregate queries, and one for the names."""
    from django.utils import timezone

    from cases.models import Client, ClientStatus

    day = min(scope.end, timezone.localdate())
    cutoff = dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    history = Client.history.model.objects
    # Clients changed since the cutoff stood as their last change before it says; every other
    # client still stands as then, so its current row is read: the cost follows the clients
    # changed since the year end, not the whole history.
    changed = history.filter(history_date__gte=cutoff).values("id")
    latest = (
        history.filter(id__in=changed, history_date__lt=cutoff)
        .values("id")
        .annotate(last=Max("history_id"))
        .values("last")
    )
    standing = {
        "status": ClientStatus.ACTIVE,
        "merged_into__isnull": True,
        "archived_at__isnull": True,
        "registered_on__lte": day,
    } | ({"office": scope.office} if scope.office else {})
    then = history.filter(history_id__in=latest).exclude(history_type="-").filter(**standing)
    unchanged = Client.objects.filter(**standing).exclude(pk__in=changed)
    primary: Counter = Counter()
    secondary: Counter = Counter()
    for rows in (then, unchanged):
        for first, second, n in (
            rows.values_list("primary_worker", "secondary_worker").annotate(n=Count("pk")).order_by()
        ):
            primary[first] += n
            if second is not None:
                secondary[second] += n
    unassigned = primary.pop(None, 0)
    staff = User.objects.filter(pk__in=set(primary) | set(secondary)).order_by(
        "last_name", "first_name", "username"
    )
    rows = [
        {
            "name": user.display_name or user.username,
            "primary": primary.get(user.pk, 0),
            "secondary": secondary.get(user.pk, 0),
        }
        for user in staff
    ]
    return rows, unassigned


def intake_counts(scope: Scope) -> dict[tuple[str, str], int]:
    """D15: first contacts (受付) of the year by route and next step. One aggregate query."""
    from cases.intake import Intake

    intakes = Intake.objects.filter(received_on__gte=scope.start, received_on__lte=scope.end)
    if scope.office:
        intakes = intakes.filter(office=scope.office)
    return {
        (route, step): n
        for route, step, n in intakes.values_list("route", "next_step").annotate(n=Count("id")).order_by()
    }
