"""The strict Content Security Policy holds in a real browser: no page breaks it."""

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in


def test_pages_load_without_a_single_policy_violation(page, coordinator):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(page, "coord", PASSWORD)
    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()
    for path in ["/", "/cases/consultations/new/", "/cases/clients/", "/outreach/sessions/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert violations == []
