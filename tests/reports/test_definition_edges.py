"""The report's definitions at their edges, each figure computed by hand (FY 2024 =
2024-04-01..2025-03-31). A definition changed by mistake fails one of these."""

import datetime as dt

from hikikomori.models import Municipality
from outreach.models import Attendance
from reports.queries import Scope
from reports.tables import build_report
from tests.records import make_client, make_consultation, make_session

D = dt.date


def report():
    return build_report(Scope(fiscal_year=2024))


def test_d5_a_contact_two_years_ago_does_not_stop_a_new_interviewee(center):
    """D5 looks at the previous fiscal year only, not at every earlier one."""
    back = make_client(center, "F", "F", "エフ", municipality="春日市")
    make_consultation(center, "2022-06-01", "電話", back)  # FY 2022: two years before
    make_consultation(center, "2024-06-01", "来所", back, consulter="本人")
    regular = make_client(center, "G", "G", "ジー", municipality="春日市")
    make_consultation(center, "2024-03-31", "電話", regular)  # the last day of FY 2023
    make_consultation(center, "2024-06-01", "来所", regular, consulter="本人")
    table = report().table("新規面談者")
    assert table.cell("合計", "合計", column="人数") == 1


def test_d5_ages_at_the_boundaries_of_the_age_groups(center):
    """Ages on the day of the first interview: 60 is 60代以上, 59 is 50代, 20 is 20代, 19 is 10代."""
    for case, born in (
        ("H", D(1964, 6, 1)),
        ("I", D(1964, 6, 2)),
        ("J", D(2004, 6, 1)),
        ("K", D(2004, 6, 2)),
    ):
        person = make_client(center, case, case, "ケー", municipality="春日市", birth_date=born)
        make_consultation(center, "2024-06-01", "来所", person, consulter="本人")
    table = report().table("新規面談者")
    assert table.cell("年代", "60代以上", column="人数") == 1
    assert table.cell("年代", "50代", column="人数") == 1
    assert table.cell("年代", "20代", column="人数") == 1
    assert table.cell("年代", "10代", column="人数") == 1


def test_d11_both_ends_of_the_ice_age_generation_are_included(chikuho):
    births = [D(1970, 4, 1), D(1970, 4, 2), D(1986, 4, 1), D(1986, 4, 2)]
    for index, born in enumerate(births):
        person = make_client(chikuho, f"S-{index}", f"S{index}", "エス", birth_date=born)
        make_consultation(chikuho, "2024-06-01", "電話", person)
    table = report().table("就職氷河期世代")
    assert table.cell("筑豊サテライトオフィス", column="実人数") == 4
    assert table.cell("筑豊サテライトオフィス", column="うち就職氷河期世代") == 2  # 1970-04-02 and 1986-04-01


def test_d7_attendance_left_on_a_cancelled_session_is_not_counted(center):
    person = make_client(center, "P", "P", "ピー")
    held = make_session(center, "2024-05-14")
    cancelled = make_session(center, "2024-05-28", status="中止", cancel_reason="悪天候")
    Attendance.objects.create(session=held, client=person)
    Attendance.objects.create(
        session=cancelled, client=make_client(center, "Q", "Q", "キュー")
    )  # e.g. from an old file
    table = report().table("フリースペース")
    assert table.cell("令和6年度", column="開催回数") == 1
    assert table.cell("令和6年度", column="中止回数") == 1
    assert table.cell("令和6年度", column="実人数") == 1
    assert table.cell("令和6年度", column="延人数") == 1


def test_d4_two_calls_on_the_last_day_count_the_residence_recorded_last(center):
    """Same day: the consultation recorded later (higher number) is the last one."""
    person = make_client(center, "R", "R", "アール", municipality="春日市")
    make_consultation(
        center, "2024-09-01", "電話", person, municipality=Municipality.objects.get(name="春日市")
    )
    make_consultation(
        center, "2024-09-01", "電話", person, municipality=Municipality.objects.get(name="田川市")
    )
    table = report().table("居住地域別割合")
    assert table.cell("筑豊地域", column="電話（件数）") == 1
    assert table.cell("福岡地域", column="電話（件数）") == 0


def test_d5_two_interviews_on_the_first_day_take_the_region_recorded_first(center):
    person = make_client(center, "T", "T", "ティー", municipality="春日市")
    make_consultation(
        center,
        "2024-06-01",
        "来所",
        person,
        consulter="本人",
        municipality=Municipality.objects.get(name="田川市"),
    )
    make_consultation(
        center,
        "2024-06-01",
        "訪問",
        person,
        consulter="本人",
        municipality=Municipality.objects.get(name="春日市"),
    )
    table = report().table("新規面談者")
    assert table.cell("地域", "筑豊地域", column="人数") == 1
    assert table.cell("地域", "福岡地域", column="人数") == 0


def test_one_offices_support_span_starts_at_that_offices_first_consultation(center, chikuho):
    """継続支援期間 per office, read from the derived data and counted live: the same buckets."""
    client = make_client(center, "C-9", "期間 九郎", registered_on=dt.date(2023, 4, 1))
    make_consultation(chikuho, "2023-04-10", "電話", client)
    make_consultation(center, "2024-12-01", "来所", client)
    make_consultation(center, "2025-01-15", "電話", client)
    for live in (False, True):
        center_spans = build_report(Scope(fiscal_year=2024, office=center, live=live)).table("継続支援期間")
        every_spans = build_report(Scope(fiscal_year=2024, live=live)).table("継続支援期間")
        assert center_spans.cell("3ヶ月未満", column="人数") == 1, live
        assert every_spans.cell("1年～3年未満", column="人数") == 1, live
