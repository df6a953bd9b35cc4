import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from hikikomori.fiscal import (
    DateParseError,
    age_on,
    era_date,
    fiscal_year_label,
    fiscal_year_of,
    fiscal_year_range,
    fiscal_year_short_label,
    months_between,
    parse_japanese_date,
)


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (dt.date(2024, 4, 1), 2024),
        (dt.date(2025, 3, 31), 2024),
        (dt.date(2025, 4, 1), 2025),
        (dt.date(2024, 12, 31), 2024),
        (dt.date(2025, 1, 1), 2024),
        (dt.date(2024, 2, 29), 2023),
    ],
)
def test_a_fiscal_year_runs_from_april_first_to_march_thirty_first(day, fy):
    assert fiscal_year_of(day) == fy


def test_fiscal_year_range_is_inclusive_of_both_ends():
    assert fiscal_year_range(2024) == (dt.date(2024, 4, 1), dt.date(2025, 3, 31))


@pytest.mark.parametrize(
    ("fy", "label", "short"),
    [
        (2024, "令和6年度", "R6年度"),
        (2020, "令和2年度", "R2年度"),
        (2019, "令和元年度", "R1年度"),
        (2018, "平成30年度", "H30年度"),
        (1989, "平成元年度", "H1年度"),
        (1988, "昭和63年度", "S63年度"),
    ],
)
def test_fiscal_years_are_labelled_by_the_era_in_force_at_their_end(fy, label, short):
    assert fiscal_year_label(fy) == label
    assert fiscal_year_short_label(fy) == short


def test_a_cut_off_inside_the_year_adds_the_months_covered():
    assert fiscal_year_label(2024, as_of=dt.date(2024, 12, 31)) == "令和6年度（4～12月）"
    assert fiscal_year_label(2024, as_of=dt.date(2025, 1, 31)) == "令和6年度（4～1月）"
    assert fiscal_year_short_label(2024, as_of=dt.date(2024, 12, 31)) == "R6年度（4～12月）"


def test_a_cut_off_at_or_after_the_year_end_keeps_the_plain_label():
    assert fiscal_year_label(2024, as_of=dt.date(2025, 3, 31)) == "令和6年度"
    assert fiscal_year_label(2023, as_of=dt.date(2024, 12, 31)) == "令和5年度"


@pytest.mark.parametrize(
    "text",
    [
        "2024-04-01",
        "2024/4/1",
        "2024/04/01",
        "2024.4.1",
        "2024年4月1日",
        "令和6年4月1日",
        "R6.4.1",
        "r6.4.1",
        "Ｒ６．４．１",
        "２０２４／４／１",
        " 2024/4/1 ",
        "令和 6年4月1日",
        "20240401",
    ],
)
def test_it_reads_every_date_form_users_write(text):
    assert parse_japanese_date(text) == dt.date(2024, 4, 1)


def test_it_reads_the_first_year_of_an_era_written_as_gannen():
    assert parse_japanese_date("令和元年5月1日") == dt.date(2019, 5, 1)
    assert parse_japanese_date("平成元年1月8日") == dt.date(1989, 1, 8)
    assert parse_japanese_date("H31.4.30") == dt.date(2019, 4, 30)


@pytest.mark.parametrize(
    "text",
    ["令和元年4月30日", "R1.4.30", "平成31年5月1日", "平成元年1月7日", "昭和64年1月8日"],
)
def test_it_refuses_dates_outside_their_era(text):
    with pytest.raises(DateParseError, match="期間外"):
        parse_japanese_date(text)


@pytest.mark.parametrize("text", ["2023/2/29", "2024/13/1", "R6.2.30"])
def test_it_refuses_days_that_do_not_exist(text):
    with pytest.raises(DateParseError, match="存在しない日付"):
        parse_japanese_date(text)


def test_it_accepts_leap_days():
    assert parse_japanese_date("2024/2/29") == dt.date(2024, 2, 29)
    assert parse_japanese_date("R6.2.29") == dt.date(2024, 2, 29)


@pytest.mark.parametrize("text", ["", "  ", "来週", "2024/4", "4/1"])
def test_it_refuses_text_that_is_not_a_date(text):
    with pytest.raises(DateParseError):
        parse_japanese_date(text)


def test_era_dates_are_written_the_japanese_way():
    assert era_date(dt.date(2024, 4, 1)) == "令和6年4月1日"
    assert era_date(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert era_date(dt.date(2019, 4, 30)) == "平成31年4月30日"


def test_age_counts_completed_years_including_leap_day_birthdays():
    assert age_on(dt.date(2000, 4, 2), dt.date(2020, 4, 1)) == 19
    assert age_on(dt.date(2000, 4, 2), dt.date(2020, 4, 2)) == 20
    assert age_on(dt.date(2004, 2, 29), dt.date(2024, 2, 28)) == 19
    assert age_on(dt.date(2004, 2, 29), dt.date(2024, 2, 29)) == 20
    assert age_on(dt.date(2004, 2, 29), dt.date(2023, 3, 1)) == 19


def test_months_between_counts_completed_calendar_months():
    assert months_between(dt.date(2024, 1, 15), dt.date(2024, 4, 14)) == 2
    assert months_between(dt.date(2024, 1, 15), dt.date(2024, 4, 15)) == 3
    assert months_between(dt.date(2024, 1, 31), dt.date(2024, 2, 28)) == 0
    assert months_between(dt.date(2024, 1, 31), dt.date(2024, 2, 29)) == 1  # the end of a shorter month
    assert months_between(dt.date(2023, 11, 30), dt.date(2024, 2, 28)) == 2
    assert months_between(dt.date(2023, 11, 30), dt.date(2024, 2, 29)) == 3
    assert months_between(dt.date(2024, 3, 31), dt.date(2024, 6, 30)) == 3
    assert months_between(dt.date(2021, 4, 1), dt.date(2024, 3, 31)) == 35
    assert months_between(dt.date(2021, 4, 1), dt.date(2024, 4, 1)) == 36


@given(
    start=st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2026, 12, 31)),
    end=st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2026, 12, 31)),
)
def test_completed_months_follow_the_civil_code_rule_for_any_two_dates(start, end):
    """months_between's quick form equals its definition: months added to the start, the month's
    last day where it has no such day, must not pass the end."""
    from hikikomori.fiscal import add_months, months_between

    assume(start <= end)
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    assert months_between(start, end) == months
