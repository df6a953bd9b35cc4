"""The smaller things a coordinator reads every day."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from reports.queries import Scope
from reports.tables import build_report
from tests.records import make_consultation, make_session


def test_yes_no_filters_offer_all_yes_and_no(coordinator_client):
    html = coordinator_client.get(reverse("cases:consultation_list")).content.decode()
    start = html.index('name="anonymous"')
    select = html[start : html.index("</select>", start)]
    assert "すべて" in select and "はい" in select and "いいえ" in select and "不明" not in select


def test_a_session_still_to_come_shows_as_planned(coordinator_client, center):
    soon = timezone.localdate() + dt.timedelta(days=3)
    make_session(center, soon)
    from hikikomori.fiscal import fiscal_year_of

    html = coordinator_client.get(
        reverse("outreach:session_list"), {"fy": fiscal_year_of(soon)}
    ).content.decode()
    assert '<td data-label="状態">予定</td>' in html


def test_dates_carry_a_hint_not_a_placeholder(coordinator_client):
    html = coordinator_client.get(reverse("cases:consultation_create")).content.decode()
    assert "例: 2024/4/1、令和6年4月1日、R6.4.1" in html
    assert 'placeholder="2024/4/1"' not in html


def test_staff_counts_show_the_consultations_without_staff(center, coordinator):
    make_consultation(center, "2024-05-01", staff=[coordinator])
    make_consultation(center, "2024-05-02", "訪問", staff_names="退職した職員")
    table = build_report(Scope(fiscal_year=2024)).table("担当者別")
    assert table.cell("担当者未設定", column="延件数") == 1
    assert table.cell("担当者未設定", column="訪問・同行") == 1
    assert table.cell("合計", column="延件数") == 2


def test_a_new_client_gets_the_next_case_number_of_the_office(coordinator_client, center):
    from cases.models import Client
    from tests.records import make_client

    make_client(center, "K-0040", "A")
    make_client(center, "K-0041", "B")
    make_client(center, "K-0043", "C")  # taken out of order: the suggestion skips it
    Client.objects.filter(case_number="K-0043").update(created_at="2000-01-01T00:00:00Z")
    form = coordinator_client.get(reverse("cases:client_create")).context["form"]
    assert form.fields["case_number"].initial == "K-0042"
    make_client(center, "K-0042", "D")
    form = coordinator_client.get(reverse("cases:client_create")).context["form"]
    assert form.fields["case_number"].initial == "K-0044"  # after K-0042, K-0043 is taken


def test_an_office_without_clients_suggests_nothing(coordinator_client, center):
    form = coordinator_client.get(reverse("cases:client_create")).context["form"]
    assert not form.fields["case_number"].initial
