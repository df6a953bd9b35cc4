"""A supervisor's ホーム: per office and per member of staff, every number links to the filtered
list it counts, and that list shows the same number."""

import datetime as dt
import html
import re

from django.urls import reverse
from django.utils import timezone

from casework import services
from hikikomori.fiscal import add_months
from tests.conftest import logged_in
from tests.records import make_client, make_consultation

TODAY = timezone.localdate()
LINK = re.compile(r'<a href="([^"]+)" data-count="(\d+)">')
TOTAL = re.compile(r'id="total-count">([\d,]+)<')


def _world(center, chikuho, coordinator, satellite_coordinator):
    long_ago = TODAY - dt.timedelta(days=400)
    quiet = make_client(center, "C-0001", registered_on=long_ago, primary_worker=coordinator)
    make_consultation(center, long_ago, "電話", quiet, staff=[coordinator])
    busy = make_client(center, "C-0002", "山田 次郎", registered_on=TODAY, primary_worker=coordinator)
    make_client(center, "C-0003", "担当 なし", registered_on=long_ago, status="中断", closed_on=TODAY)
    make_consultation(center, TODAY, "来所", busy, staff=[coordinator])
    make_consultation(
        center, TODAY, "電話", busy, staff=[coordinator], follow_up_on=TODAY - dt.timedelta(days=2)
    )
    make_consultation(center, add_months(TODAY, -12), "電話", busy, staff=[coordinator])
    make_client(chikuho, "K-0001", "筑豊 一郎", status="終結", closed_on=TODAY, registered_on=long_ago)
    make_consultation(chikuho, TODAY, "訪問", staff=[satellite_coordinator])
    plan = services.plan_make(
        by=coordinator,
        client=busy,
        goals=[{"text": "朝起きる", "basis": "両方"}],
        made_on=TODAY - dt.timedelta(days=60),
        next_review_on=TODAY - dt.timedelta(days=1),
    )
    services.plan_record_decision(by=coordinator, plan=plan, on=plan.made_on, via="ケース会議")


def test_every_number_on_a_supervisors_home_equals_the_list_it_links_to(
    center, chikuho, coordinator, satellite_coordinator, supervisor
):
    _world(center, chikuho, coordinator, satellite_coordinator)
    http = logged_in(supervisor)
    home = http.get(reverse("home")).content.decode()
    links = [(html.unescape(url), int(count)) for url, count in LINK.findall(home)]
    assert len(links) >= 3 * 8 + 7  # three offices × eight numbers, and the staff
    assert sum(count for _, count in links) > 0
    for url, count in links:
        page = http.get(url)
        assert page.status_code == 200, url
        shown = TOTAL.search(page.content.decode())
        assert shown, url
        assert int(shown.group(1).replace(",", "")) == count, url
    # by hand, for the center: two active clients, one of them dormant and one new this year;
    # two consultations this month, one the same month last year; one follow-up and one review late
    center_row = [
        count for url, count in links if f"office={center.pk}&" in url or url.endswith(f"office={center.pk}")
    ]
    assert center_row == [2, 1, 2, 1, 1, 1, 1, 1]
    # the coordinator's caseload: two cases, one long without contact, one review late, one new
    caseload = [count for url, count in links if f"primary_worker={coordinator.pk}" in url]
    assert caseload == [2, 1, 1, 1]
    assert "相談件数の推移（12か月）" in home


def test_a_coordinator_has_no_supervisors_panel(center, coordinator):
    assert "拠点ごとの状況" not in logged_in(coordinator).get(reverse("home")).content.decode()
