"""WCAG 2.2 AA in a real browser: axe-core (vendored from npm, tests/e2e/vendor), run on every page
of every role by tests/e2e/test_every_screen.py; here the skip link, keyboard focus and announced
errors."""

from pathlib import Path

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in

AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# htmx fragments are parts of pages (checked inside them), not pages of their own
FRAGMENTS = {"cases:client_suggest", "cases:family_options", "outreach:attendance_search"}


def violations(page) -> list:
    page.evaluate(AXE)  # evaluated, not injected: the pages' CSP rightly forbids inline scripts
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: tags})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', ')}`)",
        RULES,
    )


def test_a_keyboard_user_skips_to_the_content(page, coordinator):
    log_in(page, "coord", PASSWORD)
    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()
    page.goto("/cases/clients/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へ移動")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_forms_answer_in_japanese_not_with_the_browsers_bubble(page, coordinator, center):
    from tests.records import make_client

    client = make_client(center)
    log_in(page, "coord", PASSWORD)
    page.goto(f"/cases/clients/{client.pk}/")
    for form in page.locator("main form").all():
        assert (
            form.get_attribute("novalidate") is not None
            or form.locator("input:not([type=hidden]), textarea, select").count() == 0
        )


def test_a_refused_save_is_announced_and_the_focus_is_on_the_first_wrong_field(page, coordinator):
    log_in(page, "coord", PASSWORD)
    page.goto("/cases/consultations/new/")
    page.get_by_label("相談日").fill("")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#form-status")).to_contain_text("保存できませんでした")
    expect(page.locator("#form-status")).to_have_attribute("aria-live", "assertive")
    expect(page.locator(".is-invalid").first).to_be_focused()


def test_an_error_of_two_fields_together_is_announced_and_focused(page, coordinator, center):
    """A session ending before it starts marks 終了時刻; a session already registered that day (an
    error of the whole form) is announced and focused too."""
    from tests.records import make_session

    log_in(page, "coord", PASSWORD)
    page.goto("/outreach/sessions/new/")
    page.get_by_label("プログラム").select_option(label="フリースペース")
    page.get_by_label("開催日").fill("2026/12/8")
    page.get_by_label("開始時刻").fill("14:00")
    page.get_by_label("終了時刻").fill("13:00")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_label("終了時刻")).to_be_focused()
    expect(page.locator("#form-status")).to_contain_text("保存できませんでした")

    make_session(center, "2026-12-09")
    page.goto("/outreach/sessions/new/")
    page.get_by_label("プログラム").select_option(label="フリースペース")
    page.get_by_label("開催日").fill("2026/12/9")
    page.get_by_role("button", name="保存").click()
    error = page.locator("main form .alert-danger")
    expect(error).to_be_focused()  # read out where the focus lands
    expect(error).to_contain_text("すでに登録されています")
    expect(page.locator("#form-status")).to_contain_text("入力内容を確認してください")
