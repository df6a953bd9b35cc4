"""A coordinator's day in a real browser on a phone (390×844), keyboard first: forms refuse the
impossible all at once and keep the input, a likely duplicate is caught before saving, merges and
archives are confirmed with a reason and can be traced, 変更の記録 reads in Japanese, a reservation
time is booked once, and no list needs sideways scrolling."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Client, Consultation
from tests.conftest import PASSWORD
from tests.e2e.conftest import fits_the_phone, log_in, log_in_verified
from tests.e2e.test_accessibility import violations
from tests.records import make_client, make_consultation, make_day, make_session

NAME = re.compile(r"^氏名")  # the label, followed by the required mark


def test_a_client_form_reports_every_impossible_value_at_once_and_keeps_the_input(phone, coordinator):
    log_in(phone, "coord", PASSWORD)
    phone.goto("/cases/clients/new/")
    expect(phone.get_by_label("ケース番号")).to_be_focused()  # typing starts at once
    phone.keyboard.type("C-0100")
    phone.get_by_role("textbox", name=NAME).fill("山田 次郎")
    phone.get_by_label("生年月日").fill("2030/01/01")
    next_year = timezone.localdate().year + 1
    phone.get_by_label("登録日").fill(f"{next_year}/12/31")
    expect(phone.get_by_text("0 / 2000文字").first).to_be_visible()  # the counter under 備考
    phone.get_by_role("button", name="保存").click()
    errors = phone.locator(".invalid-feedback")
    expect(errors).to_have_count(2)  # both dates in one round
    expect(phone.locator("#form-status")).to_contain_text("2か所")
    expect(phone.get_by_label("生年月日")).to_be_focused()
    expect(phone.get_by_role("textbox", name=NAME)).to_have_value("山田 次郎")
    assert not Client.objects.exists()
    assert fits_the_phone(phone)


def test_a_likely_duplicate_with_a_variant_kanji_is_shown_before_saving(phone, coordinator, center):
    existing = make_client(center, "C-0001", "宮﨑 翔太", "ミヤザキ ショウタ", birth_date=dt.date(2001, 5, 1))
    log_in(phone, "coord", PASSWORD)
    phone.goto("/cases/clients/new/")
    phone.get_by_label("ケース番号").fill("C-0002")
    phone.get_by_role("textbox", name=NAME).fill("宮崎 翔太")
    phone.get_by_label("フリガナ").fill("みやざき しょうた")
    phone.get_by_label("生年月日").fill("2001/5/1")
    phone.get_by_role("button", name="保存").click()
    warning = phone.locator("#duplicate-candidates")
    expect(warning).to_contain_text("まだ保存していません")
    expect(warning.get_by_role("link", name="C-0001 宮﨑 翔太")).to_have_attribute(
        "href", f"/cases/clients/{existing.pk}/"
    )
    assert violations(phone) == []  # the warning's link is readable on its yellow
    assert Client.objects.count() == 1
    phone.get_by_label("上の候補とは別の人として登録する").check()
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_role("heading", name="宮崎 翔太")).to_be_visible()
    assert Client.objects.count() == 2


def test_a_merge_is_confirmed_with_a_reason_and_the_old_number_still_finds_the_person(
    phone, coordinator, center
):
    make_client(center, "C-0001", "宮﨑 翔太", "ミヤザキ ショウタ", birth_date=dt.date(2001, 5, 1))
    kept = make_client(center, "C-0002", "宮崎 翔太", "ミヤザキ ショウタ", birth_date=dt.date(2001, 5, 1))
    log_in(phone, "coord", PASSWORD)
    phone.goto("/cases/clients/duplicates/")
    phone.get_by_role("link", name="C-0002 と C-0001 の統合を確認").click()
    expect(phone.locator("#merge-compare")).to_contain_text("宮﨑 翔太")
    phone.get_by_role("radio", name="C-0002 宮崎 翔太").check()
    phone.get_by_role("button", name="統合する").click()
    expect(phone.locator(".invalid-feedback")).to_be_visible()
    expect(phone.get_by_label("統合の理由")).to_be_focused()
    assert not Client.objects.exclude(merged_into=None).exists()  # refused: nothing merged
    phone.get_by_label("統合の理由").fill("同一人物（異体字の登録違い）")
    phone.get_by_role("button", name="統合する").click()
    expect(phone.get_by_role("heading", name="宮崎 翔太")).to_be_visible()
    phone.goto("/cases/clients/")
    phone.get_by_role("button", name="絞り込み条件").click()
    phone.get_by_label("検索").fill("Ｃ－０００１")  # the old number, typed full-width
    phone.get_by_label("検索").press("Enter")
    expect(phone.locator("#client-cards").get_by_role("link")).to_have_count(1)
    expect(phone.locator("#client-cards")).to_contain_text("C-0002")
    phone.get_by_role("link", name="C-0002", exact=False).first.click()
    expect(phone.locator("#changes")).to_contain_text("同一人物（異体字の登録違い）")
    assert kept.pk in Client.objects.values_list("merged_into", flat=True)


def test_an_archive_needs_a_reason_and_a_supervisor_restores_it(
    phone, browser, live_server, coordinator, supervisor, center
):
    consultation = make_consultation(center, "2024-05-01", content="誤って二重に登録")
    log_in(phone, "coord", PASSWORD)
    phone.goto(f"/cases/consultations/{consultation.pk}/")
    phone.get_by_role("link", name="アーカイブ").click()
    phone.get_by_role("button", name="アーカイブする").click()
    expect(phone.locator(".invalid-feedback")).to_be_visible()
    assert Consultation.objects.get().archived_at is None
    phone.get_by_label("理由").fill("二重登録")
    phone.get_by_role("button", name="アーカイブする").click()
    assert Consultation.objects.get().archived_at is not None

    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", viewport={"width": 390, "height": 844}
    )
    boss = context.new_page()
    log_in_verified(boss, supervisor)
    boss.goto("/cases/consultations/archived/")
    row = boss.locator("#archived tbody tr").first
    expect(row).to_contain_text("二重登録")
    row.get_by_label("戻す理由").fill("二重ではなかった")
    row.get_by_role("button", name="戻す").click()
    expect(boss.get_by_text("アーカイブした相談記録はありません。")).to_be_visible()
    assert Consultation.objects.get().archived_at is None
    assert fits_the_phone(boss)
    context.close()


def test_the_change_history_reads_field_old_and_new(phone, coordinator, center):
    client = make_client(center, "C-0001", "山田 太郎", "ヤマダ タロウ")
    log_in(phone, "coord", PASSWORD)
    phone.goto(f"/cases/clients/{client.pk}/edit/")
    phone.get_by_role("textbox", name=NAME).fill("山田 太朗")
    phone.get_by_role("button", name="保存").click()
    expect(phone.locator("#changes")).to_contain_text("氏名: 山田 太郎 → 山田 太朗")
    expect(phone.locator("#changes")).to_contain_text("春日 花子")


def test_a_reservation_takes_a_free_slot_which_is_booked_once(phone, coordinator, center):
    from outreach import services

    day = make_day(
        center, timezone.localdate() + dt.timedelta(days=7), slot_times=["10:00", "11:00", "13:30"]
    )
    log_in(phone, "coord", PASSWORD)
    phone.goto(f"/outreach/days/{day.pk}/")
    slots = phone.locator("#slots tbody tr")
    expect(slots).to_have_count(3)
    expect(slots.nth(0)).to_contain_text("空き")
    phone.get_by_role("radio", name="10:00").check()
    phone.get_by_label("予約者（匿名・未登録の場合）").fill("電話の方")
    phone.get_by_role("button", name="予約", exact=True).click()
    expect(slots.nth(0)).to_contain_text("予約済み")
    expect(slots.nth(0)).to_contain_text("電話の方")
    expect(phone.get_by_role("radio", name="10:00")).to_have_count(0)  # a booked slot is not offered
    # another coordinator books 11:00 by phone while this page is open
    services.reservation_book(by=coordinator, day=day, time=dt.time(11), name="窓口の方")
    phone.get_by_role("radio", name="11:00").check()
    phone.get_by_label("予約者（匿名・未登録の場合）").fill("別の方")
    phone.get_by_role("button", name="予約", exact=True).click()
    expect(phone.locator(".invalid-feedback")).to_contain_text("11:00 の枠はすでに予約されています")
    expect(phone.get_by_label("予約者（匿名・未登録の場合）")).to_have_value("別の方")
    expect(slots.nth(1)).to_contain_text("予約済み")
    assert day.reservations.count() == 2
    assert fits_the_phone(phone)


def test_every_list_a_coordinator_opens_fits_a_phone(phone, coordinator, center):
    client = make_client(center, "C-0001", "山田 太郎", "ヤマダ タロウ")
    make_consultation(center, "2024-05-01", client=client, staff=[coordinator], content="長い内容" * 30)
    make_session(center, "2024-05-14", theme="ボードゲームとお茶会、季節の話題")
    make_day(center, "2024-07-10")
    log_in(phone, "coord", PASSWORD)
    for url in [
        "/",
        "/cases/clients/",
        "/cases/consultations/?fiscal_year=2024",
        "/outreach/sessions/?fy=2024",
        "/outreach/days/?fy=2024",
        "/outreach/events/?fy=2024",
        f"/cases/clients/{client.pk}/",
        "/casework/meetings/",
        "/casework/reviews/",
        f"/casework/clients/{client.pk}/assessments/new/",
        f"/casework/clients/{client.pk}/plans/new/",
        f"/casework/clients/{client.pk}/record/",
    ]:
        phone.goto(url)
        assert fits_the_phone(phone), url
    phone.goto("/cases/consultations/?fiscal_year=2024")
    card = phone.locator("table.table-cards tbody tr").first
    expect(card.locator('td[data-label="利用者"]')).to_contain_text("山田 太郎")
    expect(phone.get_by_label("検索")).to_be_hidden()  # filters folded away until asked for
