"""The mother's first call on one screen, counted: from ホーム, register her son (氏名, フリガナ),
herself as his family, and a phone call with a short note, in at most 25 keystrokes and clicks.

Counting: every click, every key pressed and every choice in a list counts one; typing the text
a field needs (a name, the note) counts one per field — the words are the call's, not the
product's. Then 「私の担当」, the supervisor's caseloads and a hand-over, on a desktop and a phone."""

import os
import re

from playwright.sync_api import expect

from cases.intake import Intake
from cases.models import Client, Consultation, FamilyMember
from hikikomori.models import Role
from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import fits_the_phone, log_in, log_in_verified
from tests.records import make_client

SHOTS = os.environ.get("SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


class Counted:
    """The page, counting what the person does."""

    def __init__(self, page):
        self.page, self.actions = page, 0

    def click(self, locator):
        self.actions += 1
        locator.click()

    def choose(self, locator, value):
        self.actions += 1
        locator.select_option(value)

    def type(self, locator, text):
        self.actions += 1
        locator.fill(text)

    def press(self, locator, key):
        self.actions += 1
        locator.press(key)


def test_the_mothers_first_call_takes_at_most_25_keystrokes_and_clicks(page, coordinator, center):
    log_in(page, "coord", PASSWORD)
    expect(page.get_by_role("heading", name="私の担当")).to_be_visible()
    user = Counted(page)
    user.click(page.get_by_role("link", name="相談を記録").first)
    # one office: the 拠点 is shown but is no stop when tabbing through the form
    expect(page.get_by_label("拠点")).to_have_attribute("tabindex", "-1")
    user.choose(page.get_by_label("相談方法"), "電話")
    user.choose(page.get_by_role("combobox", name=re.compile("^相談者")), "家族")
    user.type(page.get_by_label("内容"), "息子が3年ほど部屋から出てこない。母より電話。")
    user.click(page.get_by_text("初めての相談（新しい利用者・家族の登録と受付）"))
    user.type(page.get_by_label("登録する本人の氏名"), "春日 翔")
    user.type(page.get_by_label("フリガナ"), "カスガ ショウ")
    user.choose(page.get_by_label("続柄"), "母")
    user.type(page.get_by_label("登録する家族の氏名"), "春日 和子")
    _shot(page, "first-call-desktop")
    follow_up = page.get_by_label("次回予定").bounding_box()
    save = page.get_by_role("button", name="保存").bounding_box()
    assert follow_up["y"] < save["y"]  # 次回予定 sits above 保存
    user.press(page.get_by_label("登録する家族の氏名"), "Enter")  # Enter submits
    page.wait_for_load_state()
    _shot(page, "first-call-after")
    expect(page.get_by_text("相談を記録しました")).to_be_visible()
    assert user.actions <= 25, user.actions
    son = Client.objects.get(name="春日 翔")
    assert son.primary_worker == coordinator and son.kana == "カスガ ショウ"
    mother = FamilyMember.objects.get(client=son, relationship="母")
    assert Consultation.objects.get(client=son).family_member == mother
    assert Intake.objects.get().client == son
    # the son is now on her caseload, the first thing ホーム shows
    caseload = page.locator("#my-caseload")
    expect(caseload).to_contain_text("春日 翔")
    _shot(page, "my-caseload-desktop")
    print(f"\nthe mother's first call: {user.actions} keystrokes and clicks from ホーム")


def test_caseloads_and_a_hand_over_on_a_phone(phone, supervisor, coordinator, center):
    leaving = make_user(
        "leaving", roles=[Role.COORDINATOR], offices=[center], last_name="異動", first_name="一"
    )
    for n in range(3):
        make_client(center, f"C-01{n}", f"利用者 {n}", f"リヨウシャ {n}", primary_worker=leaving)
    log_in_verified(phone, supervisor)
    expect(phone.locator("#staff-figures")).to_contain_text("担当中（主担当）")
    assert fits_the_phone(phone)
    _shot(phone, "caseloads-phone")
    phone.goto(f"/cases/clients/hand-over/?worker={leaving.pk}")
    expect(phone.locator("#hand-over-clients")).to_contain_text("利用者 2")
    assert fits_the_phone(phone)
    phone.get_by_label("新しい主担当").select_option(str(coordinator.pk))
    phone.get_by_label("引継ぎメモ").fill("4月の異動のため。家族面談の予定は春日さんに伝達済み。")
    _shot(phone, "hand-over-phone")
    phone.get_by_role("button", name="選択した利用者を引き継ぐ").click()
    expect(phone.get_by_text("3人の主担当を")).to_be_visible()
    assert Client.objects.filter(primary_worker=coordinator).count() == 3


def test_my_caseload_fits_a_phone(phone, coordinator, center):
    for n in range(3):
        make_client(center, f"C-02{n}", f"担当 {n}", f"タントウ {n}", primary_worker=coordinator)
    log_in(phone, "coord", PASSWORD)
    expect(phone.locator("#my-caseload")).to_contain_text("担当 2")
    assert fits_the_phone(phone)
    _shot(phone, "my-caseload-phone")


def test_the_supervisors_caseloads_and_hand_over_on_a_desktop(page, supervisor, coordinator, center):
    for n in range(2):
        make_client(center, f"C-03{n}", f"担当 {n}", f"タントウ {n}", primary_worker=coordinator)
    log_in_verified(page, supervisor)
    expect(page.locator("#staff-figures")).to_contain_text("担当中（主担当）")
    _shot(page, "caseloads-desktop")
    page.goto(f"/cases/clients/hand-over/?worker={coordinator.pk}")
    expect(page.locator("#hand-over-clients")).to_contain_text("担当 1")
    _shot(page, "hand-over-desktop")
