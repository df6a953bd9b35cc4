"""The yearly report, figure by figure, against a small explicit data set computed by hand.

FY 2024 = 2024-04-01..2025-03-31. People (office: center unless noted):
  A  男性 2000-05-01 春日市: 電話 2023-06-01 (previous year), 来所 2024-04-01, 訪問 2025-03-31
  B  女性 1990-04-01 田川市: 電話 2024-05-10, 同行 2024-05-20, 電話 2024-09-01 after moving to 久留米市,
     電話 2025-04-01 (next year)
  C  不明, no birth date, 久留米市, at 筑豊サテライトオフィス: 来所 2024-06-01
  D  1960-01-01 宗像市: 電話 2021-01-10 (FY2020), オンライン 2024-08-01
  E  男性 2004-05-21 春日市: 来所 2024-05-20 (19 on that day: 10代)
  anonymous: 電話 2024-04-15 (no municipality), 電話 2024-04-16 (春日市), メール・その他 2024-07-01
  archived: 電話 2024-05-01 (never counted)
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import FamilyMember
from hikikomori.models import Municipality
from outreach.models import Attendance
from reports.queries import Scope
from reports.tables import build_report
from tests.records import make_client, make_consultation, make_day, make_session
from tests.reports.workbook import open_workbook, read_sheet

D = dt.date


@pytest.fixture
def data(center, chikuho):
    a = make_client(center, "A", "A", "エー", municipality="春日市", sex="男性", birth_date=D(2000, 5, 1))
    b = make_client(center, "B", "B", "ビー", municipality="田川市", sex="女性", birth_date=D(1990, 4, 1))
    c = make_client(chikuho, "C", "C", "シー", municipality="久留米市")
    d = make_client(center, "D", "D", "ディー", municipality="宗像市", birth_date=D(1960, 1, 1))
    e = make_client(center, "E", "E", "イー", municipality="春日市", sex="男性", birth_date=D(2004, 5, 21))
    kurume = Municipality.objects.get(name="久留米市")
    make_consultation(center, "2023-06-01", "電話", a)
    make_consultation(center, "2024-04-01", "来所", a, consulter="本人")
    make_consultation(center, "2025-03-31", "訪問", a, consulter="本人")
    make_consultation(center, "2024-05-10", "電話", b)
    make_consultation(center, "2024-05-20", "同行", b, consulter="本人")
    make_consultation(center, "2024-09-01", "電話", b, municipality=kurume)
    make_consultation(center, "2025-04-01", "電話", b)
    make_consultation(chikuho, "2024-06-01", "来所", c, consulter="本人")
    make_consultation(center, "2021-01-10", "電話", d)
    make_consultation(center, "2024-08-01", "オンライン", d, consulter="本人")
    make_consultation(center, "2024-05-20", "来所", e, consulter="本人")
    make_consultation(center, "2024-04-15", "電話")
    make_consultation(center, "2024-04-16", "電話", municipality=Municipality.objects.get(name="春日市"))
    make_consultation(center, "2024-07-01", "メール・その他")
    make_consultation(center, "2024-05-01", "電話", archived_at=timezone.now())
    return {"A": a, "B": b, "C": c, "D": d, "E": e}


@pytest.fixture
def programs(data, center):
    a, b, e = data["A"], data["B"], data["E"]
    s1, s2 = make_session(center, "2024-05-14"), make_session(center, "2024-05-28")
    make_session(center, "2024-06-11", status="中止", cancel_reason="悪天候")
    s4, s5 = make_session(center, "2023-05-09"), make_session(center, "2025-04-08")
    for session, client in ((s1, a), (s1, e), (s2, a), (s4, a), (s5, e)):
        Attendance.objects.create(session=session, client=client)
    a_mother = FamilyMember.objects.create(client=a, name="A母", relationship="母")
    a_father = FamilyMember.objects.create(client=a, name="A父", relationship="父")
    b_mother = FamilyMember.objects.create(client=b, name="B母", relationship="母")
    f1 = make_session(center, "2024-05-16", program="家族のつどい")
    make_session(center, "2024-06-20", program="家族のつどい", status="中止", cancel_reason="悪天候")
    f3 = make_session(center, "2024-07-18", program="家族のつどい")
    for session, member in ((f1, a_mother), (f1, a_father), (f1, b_mother), (f3, a_mother)):
        Attendance.objects.create(session=session, client=member.client, family_member=member)


@pytest.fixture
def days(center, chikuho):
    make_day(center, "2021-07-01", "宗像市", "センター主催", reserved=3, consulted=2)
    make_day(center, "2024-07-10", "宗像市", "市町村独自", reserved=1, consulted=1)
    make_day(center, "2024-10-10", "宗像市", "センター主催", reserved=3, consulted=3)
    make_day(chikuho, "2024-08-07", "飯塚市", "市町村主催（センター協力）", reserved=2, consulted=1)
    make_day(center, "2023-09-01", "太宰府市", "市町村独自")
    make_day(center, "2022-05-01", "福岡市", "センター主催", reserved=2, consulted=2)


def report(**kwargs):
    return build_report(Scope(fiscal_year=2024, **kwargs))


def test_it_counts_every_consultation_by_month_and_method(data):
    table = report().table("相談延件数（月別）")
    assert table.header == [
        "区分",
        "4月",
        "5月",
        "6月",
        "7月",
        "8月",
        "9月",
        "10月",
        "11月",
        "12月",
        "1月",
        "2月",
        "3月",
        "合計",
    ]
    assert table.cell("電話", column="4月") == 2
    assert table.cell("電話", column="合計") == 4
    assert table.cell("来所", column="合計") == 3
    assert table.cell("訪問・同行", column="5月") == 1
    assert table.cell("訪問・同行", column="3月") == 1  # March 31st is still the year
    assert table.cell("オンライン", column="8月") == 1
    assert table.cell("その他", column="7月") == 1
    assert table.cell("合計", column="5月") == 3  # the archived call is not counted
    assert table.cell("合計", column="合計") == 11


def test_it_counts_home_visits_and_outings_as_visit_support(data):
    table = report().table("相談延件数（月別）")
    assert table.cell("訪問支援の割合", column="5月") == pytest.approx(1 / 3)
    assert table.cell("訪問支援の割合", column="3月") == pytest.approx(1.0)
    assert table.cell("訪問支援の割合", column="4月") == 0
    assert table.cell("訪問支援の割合", column="10月") is None  # nothing that month
    assert table.cell("訪問支援の割合", column="合計") == pytest.approx(2 / 11)


def test_the_trend_shows_five_fiscal_years(data):
    table = report().table("相談延件数（推移）")
    assert table.header == ["区分", "令和2年度", "令和3年度", "令和4年度", "令和5年度", "令和6年度"]
    assert table.cell("電話", column="令和2年度") == 1  # 2021-01-10 is FY 2020
    assert table.cell("合計", column="令和5年度") == 1
    assert table.cell("合計", column="令和6年度") == 11
    assert table.cell("訪問支援の割合", column="令和3年度") is None


def test_unique_counts_take_each_anonymous_contact_as_one_person(data):
    table = report().table("相談実件数")
    assert table.header == ["区分", "実件数", "延件数"]
    assert table.cell("電話", column="実件数") == 3  # B and two anonymous callers
    assert table.cell("電話", column="延件数") == 4
    assert table.cell("来所", column="実件数") == 3
    assert table.cell("訪問・同行", column="実件数") == 2
    assert table.cell("その他", column="実件数") == 1
    assert table.cell("合計", column="実件数") == 8  # 5 clients + 3 anonymous, not the sum of rows
    assert table.cell("合計", column="延件数") == 11


def test_regions_count_each_person_once_at_their_last_residence(data):
    table = report().table("居住地域別割合")
    assert table.header == ["地域", "電話（件数）", "電話（割合）", "来所（件数）", "来所（割合）"]
    assert table.cell("福岡地域", column="電話（件数）") == 1  # the anonymous caller from 春日市
    assert table.cell("筑豊地域", column="電話（件数）") == 0  # B moved to 久留米市 before her last call
    assert table.cell("筑後地域", column="電話（件数）") == 1
    assert table.cell("不明", column="電話（件数）") == 1
    assert table.cell("合計", column="電話（件数）") == 3
    assert table.cell("福岡地域", column="電話（割合）") == pytest.approx(1 / 3)
    assert table.cell("福岡地域", column="来所（件数）") == 2
    assert table.cell("筑後地域", column="来所（件数）") == 1
    assert table.cell("合計", column="来所（割合）") == pytest.approx(1.0)
    assert [row[0] for row in table.rows] == [
        "福岡地域",
        "筑豊地域",
        "筑後地域",
        "福岡市・北九州市",
        "県外",
        "不明",
        "合計",
    ]


def test_new_interviewees_exclude_those_seen_the_year_before(data):
    table = report().table("新規面談者")
    assert table.header == ["区分", "項目", "人数", "割合"]
    assert table.cell("合計", "合計", column="人数") == 3  # B, C, E; A called in FY 2023
    assert table.cell("性別", "男性", column="人数") == 1
    assert table.cell("性別", "女性", column="人数") == 1
    assert table.cell("性別", "不明", column="人数") == 1
    assert table.cell("年代", "10代", column="人数") == 1  # E was 19 at his first visit
    assert table.cell("年代", "30代", column="人数") == 1
    assert table.cell("年代", "不明", column="人数") == 1  # C has no birth date
    assert table.cell("年代", "20代", column="人数") == 0
    assert table.cell("地域", "筑豊地域", column="人数") == 1  # B lived in 田川市 at her first 同行
    assert table.cell("地域", "福岡地域", column="人数") == 1
    assert table.cell("性別", "女性", column="割合") == pytest.approx(1 / 3)


def test_support_duration_counts_calendar_months_from_first_ever_to_last(data):
    table = report().table("継続支援期間")
    assert [row[0] for row in table.rows] == [
        "3ヶ月未満",
        "3～6ヶ月未満",
        "6ヶ月～1年未満",
        "1年～3年未満",
        "3年以上",
        "合計",
    ]
    assert table.cell("3ヶ月未満", column="人数") == 2  # C and E
    assert table.cell("3～6ヶ月未満", column="人数") == 1  # B: 2024-05-10 → 2024-09-01
    assert table.cell("6ヶ月～1年未満", column="人数") == 0
    assert table.cell("1年～3年未満", column="人数") == 1  # A: 2023-06-01 → 2025-03-31
    assert table.cell("3年以上", column="人数") == 1  # D: 2021-01-10 → 2024-08-01 is 42 months
    assert table.cell("合計", column="人数") == 5
    assert table.cell("合計", column="割合") == pytest.approx(1.0)


def test_an_as_of_date_cuts_the_data_and_labels_the_year(data):
    full = report(as_of=D(2024, 12, 31))
    assert full.label == "令和6年度（4～12月）"
    months = full.table("相談延件数（月別）")
    assert months.cell("訪問・同行", column="3月") == 0
    assert months.cell("合計", column="合計") == 10
    assert full.table("相談延件数（推移）").header[-1] == "令和6年度（4～12月）"
    spans = full.table("継続支援期間")
    assert spans.cell("6ヶ月～1年未満", column="人数") == 1  # A's last contact is now 2024-04-01
    assert spans.cell("1年～3年未満", column="人数") == 0


def test_the_programs_count_held_sessions_people_and_newcomers(programs):
    table = report().table("フリースペース")
    assert table.header == [
        "年度",
        "開催回数",
        "中止回数",
        "実人数",
        "延人数",
        "1回の参加人数",
        "新規参加者",
        "新規参加者の割合",
    ]
    assert [row[0] for row in table.rows] == ["令和6年度", "令和5年度"]
    assert table.cell("令和6年度", column="開催回数") == 2
    assert table.cell("令和6年度", column="中止回数") == 1
    assert table.cell("令和6年度", column="実人数") == 2
    assert table.cell("令和6年度", column="延人数") == 3
    assert table.cell("令和6年度", column="1回の参加人数") == "1～2"
    assert table.cell("令和6年度", column="新規参加者") == 1  # A first came in FY 2023
    assert table.cell("令和6年度", column="新規参加者の割合") == pytest.approx(0.5)
    assert table.cell("令和5年度", column="新規参加者") == 1
    family = report().table("家族のつどい")
    assert family.cell("令和6年度", column="開催回数") == 2
    assert family.cell("令和6年度", column="中止回数") == 1
    assert family.cell("令和6年度", column="実人数") == 3  # family members, not clients
    assert family.cell("令和6年度", column="延人数") == 4
    assert family.cell("令和6年度", column="1回の参加人数") == "1～3"
    assert family.cell("令和5年度", column="1回の参加人数") == ""
    assert family.cell("令和5年度", column="新規参加者の割合") is None


def test_participant_ages_use_the_clients_age_at_the_first_session(programs):
    table = report().table("参加者の年代")
    assert table.cell("フリースペース", "10代", column="人数") == 1
    assert table.cell("フリースペース", "20代", column="人数") == 1
    assert table.cell("フリースペース", "20代", column="割合") == pytest.approx(0.5)
    assert table.cell("家族のつどい", "20代", column="人数") == 2  # A's parents: A is 24
    assert table.cell("家族のつどい", "30代", column="人数") == 1
    assert table.cell("家族のつどい", "30代", column="割合") == pytest.approx(1 / 3)


def test_municipal_days_get_symbols_by_precedence_and_order_by_jurisdiction(days):
    table = report().table("市町村相談会")
    assert table.header == ["管轄", "市町村", "令和3年度", "令和4年度", "令和5年度", "令和6年度"]
    assert [row[:2] for row in table.rows] == [
        ["福岡県ひきこもり地域支援センター", "宗像市"],
        ["福岡県ひきこもり地域支援センター", "太宰府市"],
        ["筑豊サテライトオフィス", "飯塚市"],
        ["管轄外", "福岡市"],
        ["合計", ""],
    ]
    assert table.cell("福岡県ひきこもり地域支援センター", "宗像市", column="令和6年度") == "〇"  # 〇 beats ◎
    assert table.cell("福岡県ひきこもり地域支援センター", "太宰府市", column="令和5年度") == "◎"
    assert table.cell("筑豊サテライトオフィス", "飯塚市", column="令和6年度") == "●"
    assert table.cell("福岡県ひきこもり地域支援センター", "宗像市", column="令和4年度") == ""
    assert table.cell("合計", "", column="令和6年度") == 2  # municipalities, not days
    results = report().table("市町村相談会（実績）")
    assert results.header == ["年度", "実施市町村数", "実施日数", "予約数", "相談件数"]
    assert results.cell("令和6年度", column="実施日数") == 3
    assert results.cell("令和6年度", column="予約数") == 6
    assert results.cell("令和6年度", column="相談件数") == 5
    assert results.cell("令和3年度", column="相談件数") == 2


def test_one_office_counts_only_its_own_records(data, programs, days, chikuho):
    one = report(office=chikuho)
    assert one.table("相談延件数（月別）").cell("合計", column="合計") == 1
    assert one.table("相談実件数").cell("来所", column="実件数") == 1
    assert one.table("新規面談者").cell("合計", "合計", column="人数") == 1
    assert one.table("フリースペース").cell("令和6年度", column="開催回数") == 0
    assert [row[1] for row in one.table("市町村相談会").rows] == ["飯塚市", ""]
    assert "筑豊サテライトオフィス" in one.table("相談実件数").title


def test_history_at_other_offices_is_ignored_for_one_office(center, chikuho):
    f = make_client(chikuho, "F", "F", "エフ", municipality="田川市")
    make_consultation(center, "2023-10-01", "電話", f)
    make_consultation(chikuho, "2024-06-05", "来所", f, consulter="本人")
    assert report().table("新規面談者").cell("合計", "合計", column="人数") == 0
    assert report(office=chikuho).table("新規面談者").cell("合計", "合計", column="人数") == 1


def test_the_report_runs_a_constant_number_of_queries(data, programs, days, center):
    with CaptureQueriesContext(connection) as small:
        report()
    for n in range(30):
        client = make_client(
            center, f"X{n}", "X", "エックス", municipality="春日市", birth_date=D(1995, 1, 1)
        )
        make_consultation(center, "2024-06-01", "来所", client, consulter="本人")
        make_consultation(center, "2024-07-01", "電話", client)
    with CaptureQueriesContext(connection) as large:
        report()
    assert len(large) == len(small) <= 27  # 24, 担当者別の担当件数 (counts, names), 新規相談受付件数


def test_the_workbook_has_a_sheet_per_table_with_labels_numbers_and_formats(data, programs, days, tmp_path):
    path = tmp_path / "report.xlsx"
    call_command("export_annual_report", "--fiscal-year", "2024", "--output", str(path))
    workbook = open_workbook(path.read_bytes())
    for name in [
        "相談延件数（月別）",
        "相談延件数（推移）",
        "相談実件数",
        "居住地域別割合",
        "新規面談者",
        "継続支援期間",
        "フリースペース",
        "家族のつどい",
        "参加者の年代",
        "市町村相談会",
        "市町村相談会（実績）",
    ]:
        assert name in workbook.sheetnames
    months = read_sheet(workbook, "相談延件数（月別）")
    assert months["_title"] == "令和6年度 相談延件数（月別）"
    assert months["電話"]["合計"] == 4
    assert months["合計"]["合計"] == 11
    cell = months["_cells"]["訪問支援の割合"]["合計"]
    assert cell.number_format == "0.0%" and cell.value == pytest.approx(2 / 11)
    assert months["_cells"]["電話"]["4月"].data_type == "n"
    assert all(c.data_type != "f" for row in workbook["相談延件数（月別）"].iter_rows() for c in row)
    assert read_sheet(workbook, "新規面談者", labels=2)[("年代", "10代")]["人数"] == 1
    assert read_sheet(workbook, "フリースペース")["令和6年度"]["1回の参加人数"] == "1～2"
    assert read_sheet(workbook, "市町村相談会", labels=2)[("合計", None)]["令和6年度"] == 2
    assert workbook["相談延件数（月別）"]._charts


def test_the_command_refuses_unknown_offices_and_bad_dates(tmp_path, master_data):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="No office named"):
        call_command(
            "export_annual_report",
            "--fiscal-year",
            "2024",
            "--output",
            str(tmp_path / "x.xlsx"),
            "--office",
            "架空",
        )
    with pytest.raises(CommandError, match="not a date"):
        call_command(
            "export_annual_report",
            "--fiscal-year",
            "2024",
            "--output",
            str(tmp_path / "x.xlsx"),
            "--as-of",
            "昨日",
        )
    assert not (tmp_path / "x.xlsx").exists()


def test_extra_sheets_count_consulters_destinations_staff_and_the_ice_age_generation(
    data, center, chikuho, coordinator
):
    from cases.models import ReferralDestination

    born_1980 = make_client(chikuho, "G", "G", "ジー", birth_date=D(1980, 1, 1))
    make_consultation(
        chikuho,
        "2024-10-01",
        "電話",
        born_1980,
        consulter="本人",
        referral_destination=ReferralDestination.objects.get(label="ハローワーク"),
    )
    make_consultation(center, "2024-10-02", "訪問", data["A"], consulter="本人", staff=[coordinator])
    full = report()
    sheets = [t.sheet for t in full.tables]
    assert sheets.index("市町村相談会（実績）") < sheets.index("相談者別")  # SPEC sheets first, unchanged
    consulters = full.table("相談者別")
    assert consulters.cell("家族", column="電話") == 4
    assert consulters.cell("本人", column="訪問・同行") == 3
    assert consulters.cell("合計", column="合計") == 13
    assert full.table("つなぎ先別").cell("ハローワーク", column="件数") == 1
    staff = full.table("担当者別")
    assert staff.cell("春日 花子", column="延件数") == 1
    assert staff.cell("春日 花子", column="訪問・同行") == 1
    ice = full.table("就職氷河期世代")
    assert ice.cell("筑豊サテライトオフィス", column="実人数") == 2  # C and G
    assert ice.cell("筑豊サテライトオフィス", column="うち就職氷河期世代") == 1
    assert ice.cell("筑豊サテライトオフィス", column="割合") == pytest.approx(0.5)
    assert full.table("普及啓発・研修").cell("合計", column="回数") == 0


def test_outreach_events_are_totalled_by_kind(center):
    from outreach.models import AffiliationCategory, EventParticipants, OutreachEvent

    municipal, other = (
        AffiliationCategory.objects.get(label="市町村"),
        AffiliationCategory.objects.get(label="その他"),
    )
    talk = OutreachEvent.objects.create(
        kind="講話", date=D(2024, 8, 19), title="権利擁護研修会", office=center
    )
    EventParticipants.objects.create(event=talk, category=municipal, count=200)
    EventParticipants.objects.create(event=talk, category=other, count=48)
    OutreachEvent.objects.create(kind="講話", date=D(2025, 4, 2), title="翌年度", office=center)
    table = report().table("普及啓発・研修")
    assert table.cell("講話", column="回数") == 1
    assert table.cell("講話", column="参加人数") == 248
    assert table.cell("合計", column="参加人数") == 248


def test_a_residence_learnt_later_counts_for_earlier_consultations(center):
    late = make_client(center, "L", "L", "エル")
    make_consultation(center, "2024-05-01", "電話", late)  # no municipality known yet
    late.municipality = Municipality.objects.get(name="飯塚市")
    late.save()
    table = report().table("居住地域別割合")
    assert table.cell("筑豊地域", column="電話（件数）") == 1
    assert table.cell("不明", column="電話（件数）") == 0


def test_a_program_named_with_characters_excel_forbids_still_gets_its_own_sheet(center, supervisor_client):
    """Program names are edited in 管理; `* ? / : [ ]` in one made the workbook answer 500."""
    from django.urls import reverse

    from outreach.models import Program

    for name in ("就労準備[A]/B*", "就労準備[A]/B?", "ひきこもり家族教室：令和8年度の後期・毎月第二土曜日"):
        Program.objects.create(name=name, participants=Program.Participants.choices[0][0])
        make_session(center, "2024-05-14", program=name)
    response = supervisor_client.get(reverse("reports:annual_download"), {"fy": "2024"})
    assert response.status_code == 200
    titles = open_workbook(response.content).sheetnames
    assert "就労準備［A］／B＊" in titles and "就労準備［A］／B？" in titles
    assert all(len(t) <= 31 and not set(t) & set("*?/\\:[]") for t in titles)
    assert len({t.casefold() for t in titles}) == len(titles)


def test_two_names_alike_in_their_first_31_characters_get_two_sheets():
    from hikikomori.exports import sheet_title

    taken: set[str] = set()
    long = "あ" * 40
    assert sheet_title(long + "い", taken) == "あ" * 31
    assert sheet_title(long + "う", taken) == "あ" * 28 + "（2）"
    assert sheet_title("'[:]'", taken) == "［：］"


def test_the_caseload_of_each_worker_is_counted_as_it_stood_at_the_end_of_the_year(
    center, chikuho, coordinator, satellite_coordinator, supervisor
):
    """担当者別の担当件数: from the change history, so a hand-over after March 31 changes nothing."""
    import datetime as dt

    from cases import services
    from cases.models import Client

    def at(moment, action):
        from unittest import mock

        with mock.patch("django.utils.timezone.now", return_value=moment):
            action()

    march = dt.datetime(2025, 3, 20, 10, tzinfo=dt.UTC)
    for n, (office, worker) in enumerate(
        [(center, coordinator), (center, coordinator), (chikuho, satellite_coordinator), (center, None)]
    ):
        at(march, lambda o=office, w=worker, n=n: Client.objects.create(
            office=o, case_number=f"C-01{n}", name=f"利用者 {n}", registered_on=dt.date(2024, 4, 1), primary_worker=w
        ))  # fmt: skip
    closed = Client.objects.get(case_number="C-011")
    at(
        march,
        lambda: services.client_update(
            by=supervisor, client=closed, version=closed.version, secondary_worker=supervisor
        ),
    )
    # after the year: a hand-over and a close, which the year's figures must not see
    services.clients_hand_over(
        by=supervisor, clients=Client.objects.filter(case_number="C-010"), to=supervisor, memo="異動"
    )
    table = next(t for t in build_report(Scope(fiscal_year=2024)).tables if t.sheet == "担当者別の担当件数")
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows[coordinator.display_name] == [2, 0]
    assert rows[satellite_coordinator.display_name] == [1, 0]
    assert rows[supervisor.display_name] == [0, 1]
    assert rows["担当者なし"] == [1, "—"] and rows["合計"] == [4, 1]
    center_only = next(
        t
        for t in build_report(Scope(fiscal_year=2024, office=center)).tables
        if t.sheet == "担当者別の担当件数"
    )
    assert {row[0]: row[1] for row in center_only.rows}["合計"] == 3
