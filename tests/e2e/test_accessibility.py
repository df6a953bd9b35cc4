"""WCAG 2.2 AA in a real browser: axe-core (vendored from npm, tests/e2e/vendor) on every page each
role opens finds no serious or critical violation; the skip link and keyboard focus work."""

from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in, log_in_verified
from tests.records import world
from tests.test_permissions import MATRIX

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


def pages_of(role: str, records: dict) -> list[str]:
    urls = []
    for name, row in sorted(MATRIX.items()):
        if (
            row.expect[role] != 200
            or name == "logout"
            or "export" in name
            or "download" in name
            or "disclosure" in name
            or name == "ready"  # plain text for a load balancer, not a page
            or name in FRAGMENTS
        ):
            continue
        kwargs = row.kwargs(records) if row.kwargs else None
        query = row.query(records) if callable(row.query) else row.query
        urls.append(reverse(name, kwargs=kwargs) + query)
    if role == "admin":  # 管理: every list, add form and change form the admin may open
        urls += admin_pages(records)
    return urls


def admin_pages(records: dict) -> list[str]:
    from django.contrib import admin

    request = RequestFactory().get("/")
    request.user = records["admin_user"]
    urls = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if not model_admin.has_view_permission(request):
            continue
        base = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse(f"{base}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{base}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse(f"{base}_change", args=[first.pk]))
    return urls


@pytest.mark.parametrize(
    "role, screen",
    [("coordinator", "desktop"), ("supervisor", "desktop"), ("admin", "desktop"), ("coordinator", "phone")],
)
def test_no_page_a_role_opens_has_a_serious_violation(
    page, phone, role, screen, coordinator, supervisor, admin_user, center, chikuho
):
    records = world(coordinator=coordinator, center=center, chikuho=chikuho) | {"admin_user": admin_user}
    user = {"coordinator": coordinator, "supervisor": supervisor, "admin": admin_user}[role]
    page = phone if screen == "phone" else page
    log_in_verified(page, user)
    found = {}
    for url in pages_of(role, records):
        page.goto(url)
        if page.url.endswith("/login/"):
            continue
        found[url] = violations(page)
    assert len(found) > (8 if role == "admin" else 15)
    bad = {url: v for url, v in found.items() if v}
    assert bad == {}, "\n".join(f"{url}: {v}" for url, v in bad.items())


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
