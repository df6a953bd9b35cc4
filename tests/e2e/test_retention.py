"""保存期間の満了 in a real browser: a supervisor finds the waiting records from ホーム, approves one
case with a reason, and the person is gone from every screen while the count stays."""

import datetime as dt
import os

from playwright.sync_api import expect

from cases.models import Client, ClientStatus
from retention import services
from tests.e2e.conftest import fits_the_phone, log_in_verified
from tests.records import make_client, make_consultation

SHOTS = os.environ.get("SCREENSHOTS")  # a folder to keep screenshots in, when looking at pages


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_supervisor_approves_an_anonymisation_from_the_home_page(page, phone, supervisor, center):
    old = make_client(
        center,
        "C-0301",
        "古田 一郎",
        "フルタ イチロウ",
        status=ClientStatus.CLOSED,
        closed_on=dt.date(2019, 3, 31),
        registered_on=dt.date(2015, 4, 1),
    )
    make_consultation(center, "2019-03-01", "来所", old, content="古田さんの相談")
    make_client(
        center, "C-0302", "中断 二郎", status=ClientStatus.SUSPENDED, registered_on=dt.date(2016, 4, 1)
    )
    services.list_expired()

    log_in_verified(page, supervisor)
    page.get_by_role("link", name="一覧を見る").click()
    expect(page.get_by_role("heading", name="保存期間の満了")).to_be_visible()
    row = page.locator("#expired tbody tr", has_text="C-0301")
    expect(row).to_contain_text("終結（2019年3月31日）")
    _shot(page, "retention-desktop")
    page.get_by_role("button", name="選択した記録を匿名化する").click()
    expect(page.get_by_text("匿名化する記録を選んでください。")).to_be_visible()
    page.locator("#expired tbody tr", has_text="C-0301").get_by_role("checkbox").check()
    page.get_by_label("承認の理由").fill("保存期間の満了（令和8年度定例）")
    page.get_by_role("button", name="選択した記録を匿名化する").click()
    expect(page.get_by_text("1件の利用者を匿名化しました。")).to_be_visible()
    expect(page.locator("#expired")).not_to_contain_text("C-0301")
    expect(page.locator("#expired")).to_contain_text("C-0302")
    person = Client.objects.get(pk=old.pk)
    expect(page.locator("#decided")).to_contain_text(person.case_number)

    page.goto("/cases/clients/?q=古田")
    expect(page.get_by_text("古田 一郎")).to_have_count(0)
    page.goto(f"/cases/clients/{old.pk}/")
    expect(page.get_by_role("heading", name="匿名化済み")).to_be_visible()
    expect(page.locator("#client-anonymised")).to_contain_text("保存期間の満了により匿名化")
    expect(page.get_by_role("link", name="編集")).to_have_count(0)  # nothing more can be written
    expect(page.get_by_role("button", name="支援を再開")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("古田さんの相談")

    phone.context.add_cookies(page.context.cookies())  # the same session (a code is used once)
    phone.goto("/retention/expired/")
    _shot(phone, "retention-phone")
    assert fits_the_phone(phone)
