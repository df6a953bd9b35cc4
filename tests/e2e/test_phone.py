"""After a home visit, on a phone (390×844): cards instead of a squeezed table, filters folded away,
the client's page leads with the timeline, and a long case pages."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.records import make_client, make_consultation


def test_the_client_list_is_cards_with_filters_folded_away(phone, coordinator, center):
    make_client(center, "C-0001", "山田 太郎", "ヤマダ タロウ")
    log_in(phone, "coord", PASSWORD)
    phone.goto("/cases/clients/")
    expect(phone.locator("#client-cards")).to_be_visible()
    expect(phone.locator("table")).to_be_hidden()
    expect(phone.get_by_label("検索")).to_be_hidden()
    phone.get_by_role("button", name="絞り込み条件").click()
    expect(phone.get_by_label("検索")).to_be_visible()
    card = phone.locator("#client-cards").get_by_role("link").first
    expect(card).to_contain_text("山田 太郎")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone


def test_the_client_page_leads_with_the_timeline_which_pages(phone, coordinator, center):
    client = make_client(center, "C-0001", "山田 太郎", "ヤマダ タロウ")
    for day in range(1, 41):
        make_consultation(center, f"2024-05-{day % 28 + 1:02d}", client=client, content=f"第{day}回")
    log_in(phone, "coord", PASSWORD)
    phone.goto(f"/cases/clients/{client.pk}/")
    timeline = phone.get_by_role("heading", name="経過")
    basics = phone.get_by_role("heading", name="基本情報")
    assert timeline.bounding_box()["y"] < basics.bounding_box()["y"]
    expect(phone.locator("#timeline .timeline-item")).to_have_count(30)
    phone.get_by_role("link", name="次へ").click()
    expect(phone.locator("#timeline .timeline-item")).to_have_count(10)
