from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in


def test_a_coordinator_logs_in_and_sees_home(page, coordinator):
    log_in(page, "coord", PASSWORD)
    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()
    expect(page.get_by_role("link", name="ホーム")).to_be_visible()
    expect(page.get_by_role("link", name="年次報告")).to_have_count(0)


def test_a_wrong_password_keeps_the_user_on_the_login_page(page, coordinator):
    log_in(page, "coord", "not-the-password")
    expect(page.get_by_text("正しいユーザー名とパスワードを入力してください")).to_be_visible()
