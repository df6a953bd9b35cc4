"""Generating a fiscal year's sessions from a rule."""

import datetime as dt

import pytest

from outreach import services
from outreach.models import ClosurePeriod, Program, Session
from outreach.rules import RuleError, parse_rule, plan_dates


def test_a_rule_reads_weeks_weekday_and_times():
    rule = parse_rule("第2・第4火曜日 14:00–16:00")
    assert rule.weeks == (2, 4)
    assert rule.weekday == 1
    assert (rule.start, rule.end) == (dt.time(14), dt.time(16))
    assert parse_rule("第３木曜日").weeks == (3,)
    assert parse_rule("毎週水曜日 10:00-12:00").weeks == ()
    assert parse_rule("毎月第1・3金曜 9:30～11:30").weeks == (1, 3)


@pytest.mark.parametrize("text", ["", "火曜日", "第6火曜日", "第2火曜日 16:00-14:00", "第2曜日"])
def test_an_unreadable_rule_is_refused_in_japanese(text):
    with pytest.raises(RuleError):
        parse_rule(text)


def test_the_third_thursday_gives_twelve_dates_inside_the_fiscal_year():
    plan = plan_dates(parse_rule("第3木曜日"), 2024)
    dates = [p.date for p in plan]
    assert len(dates) == 12
    assert dates[0] == dt.date(2024, 4, 18)
    assert dates[-1] == dt.date(2025, 3, 20)
    assert all(dt.date(2024, 4, 1) <= d <= dt.date(2025, 3, 31) for d in dates)


def test_public_holidays_are_skipped_with_their_name():
    # 2025-02-11 (建国記念の日) is the second Tuesday of February.
    plan = {p.date: p for p in plan_dates(parse_rule("第2・第4火曜日"), 2024)}
    assert plan[dt.date(2025, 2, 11)].skipped_because == "建国記念の日"
    assert plan[dt.date(2025, 2, 25)].skipped_because == ""


@pytest.mark.django_db
def test_the_year_end_closure_is_skipped():
    closures = list(ClosurePeriod.objects.all())
    plan = {p.date: p for p in plan_dates(parse_rule("毎週土曜日"), 2024, closures=closures)}
    assert plan[dt.date(2024, 12, 28)].skipped_because == ""
    assert plan[dt.date(2025, 1, 4)].skipped_because == ""
    # A Monday rule across the new year meets the closure on 2024-12-30.
    weekday_plan = {p.date: p for p in plan_dates(parse_rule("毎週月曜日"), 2024, closures=closures)}
    assert weekday_plan[dt.date(2024, 12, 30)].skipped_because == "年末年始"


@pytest.mark.django_db
def test_generating_twice_never_creates_a_session_twice(coordinator, center):
    program = Program.objects.get(name="フリースペース")
    rule = parse_rule("第2・第4火曜日 14:00-16:00")
    first = services.sessions_generate(
        by=coordinator, program=program, office=center, fiscal_year=2024, rule=rule
    )
    second = services.sessions_generate(
        by=coordinator, program=program, office=center, fiscal_year=2024, rule=rule
    )
    assert len(first) == Session.objects.count() > 20
    assert second == []
    assert all(s.start_time == dt.time(14) for s in Session.objects.all())
    assert not Session.objects.filter(date=dt.date(2025, 2, 11)).exists()


@pytest.mark.django_db
def test_the_generate_screen_previews_before_it_creates(coordinator_client, center):
    from django.urls import reverse

    program = Program.objects.get(name="家族のつどい")
    data = {"program": program.pk, "office": center.pk, "fiscal_year": 2024, "rule": "第3木曜日 14:00-16:00"}
    from django.utils import timezone

    from hikikomori.fiscal import fiscal_year_of

    data["fiscal_year"] = fiscal_year_of(timezone.localdate())
    response = coordinator_client.post(reverse("outreach:session_generate"), data | {"preview": "1"})
    assert len(response.context["plan"]) == 12
    assert Session.objects.count() == 0
    coordinator_client.post(reverse("outreach:session_generate"), data | {"confirm": "1"})
    assert Session.objects.count() == len([p for p in response.context["plan"] if not p.skipped_because])


@pytest.mark.django_db
def test_a_bad_rule_on_the_generate_screen_gets_a_message_and_creates_nothing(coordinator_client, center):
    from django.urls import reverse

    program = Program.objects.get(name="フリースペース")
    data = {"program": program.pk, "office": center.pk, "fiscal_year": 2026, "rule": "いつか", "confirm": "1"}
    response = coordinator_client.post(reverse("outreach:session_generate"), data)
    assert "開催ルールを読めません" in response.content.decode()
    assert Session.objects.count() == 0
