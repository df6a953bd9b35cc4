"""Taking attendance for a free-space session: the count updates as people are ticked."""

import re

from playwright.sync_api import expect

from outreach.models import Attendance
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.records import make_client, make_session


def test_ticking_participants_updates_the_count(page, coordinator, center):
    regular = make_client(center, case_number="C-0001", name="山田 太郎", kana="ヤマダ タロウ")
    newcomer = make_client(center, case_number="C-0002", name="佐藤 健太", kana="サトウ ケンタ")
    earlier = make_session(center, "2024-05-14")
    Attendance.objects.create(session=earlier, client=regular)
    session = make_session(center, "2024-05-28")

    log_in(page, "coord", PASSWORD)
    page.get_by_role("link", name="プログラム").click()
    page.get_by_role("combobox", name=re.compile(r"^年度")).select_option("2024")
    page.get_by_role("button", name="表示").click()
    page.get_by_role("link", name="5/28（火）").click()
    expect(page.locator("#attendance-count")).to_have_text("0")

    page.get_by_label("山田 太郎").check()
    expect(page.locator("#attendance-count")).to_have_text("1")

    page.get_by_placeholder("氏名・フリガナ・ケース番号で探して追加").fill("さとう")
    page.get_by_label("佐藤 健太").check()
    expect(page.locator("#attendance-count")).to_have_text("2")

    page.get_by_label("山田 太郎").uncheck()
    expect(page.locator("#attendance-count")).to_have_text("1")
    assert list(Attendance.objects.filter(session=session).values_list("client", flat=True)) == [newcomer.pk]


def test_a_tick_that_cannot_be_saved_says_so_and_goes_back(page, coordinator, center):
    """A failed live update (server error, dropped connection) is announced in Japanese and the
    box shows what is stored again."""
    make_client(center, case_number="C-0001", name="山田 太郎", kana="ヤマダ タロウ")
    session = make_session(center, "2024-05-28")
    log_in(page, "coord", PASSWORD)
    page.goto(f"/outreach/sessions/{session.pk}/")
    page.get_by_placeholder("氏名・フリガナ・ケース番号で探して追加").fill("やまだ")
    box = page.get_by_label("山田 太郎")

    page.route("**/attendance/", lambda route: route.fulfill(status=500, body="Server Error (500)"))
    box.click()  # the page puts the tick back at once, so not Playwright's check()
    expect(page.get_by_role("alert")).to_contain_text("保存できませんでした")
    expect(box).not_to_be_checked()

    page.route("**/attendance/", lambda route: route.abort())
    box.click()
    expect(page.get_by_role("alert")).to_contain_text("サーバーにつながらず")
    expect(box).not_to_be_checked()
    assert not Attendance.objects.filter(session=session).exists()

    page.unroute("**/attendance/")
    box.check()
    expect(page.locator("#attendance-count")).to_have_text("1")
    assert Attendance.objects.filter(session=session).count() == 1
