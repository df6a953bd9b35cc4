"""Web相談 in a real browser: a mother sends a request on her phone (axe: no serious violation, no
sideways scroll, the character counter), then a coordinator finds it on ホーム and records it as a
consultation in one step."""

import os
import re

from playwright.sync_api import expect

from cases.models import Consultation
from tests.conftest import PASSWORD
from tests.e2e.conftest import fits_the_phone, log_in
from tests.e2e.test_accessibility import violations
from webconsult.models import RequestStatus, WebRequest

SHOTS = os.environ.get("SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_a_mother_sends_a_request_on_her_phone_and_a_coordinator_records_it(phone, page, coordinator, center):
    phone.goto("/public/privacy/")
    expect(phone.get_by_role("heading", name="個人情報の取り扱い")).to_be_visible()
    assert violations(phone) == [] and fits_the_phone(phone)
    phone.get_by_role("link", name="相談の画面にもどる").click()
    expect(phone.get_by_role("heading", name=re.compile("Web相談"))).to_be_visible()
    assert violations(phone) == [] and fits_the_phone(phone)
    phone.get_by_label("家族").check()
    phone.get_by_label(re.compile("ご本人）の年代")).select_option("20代")
    trouble = phone.get_by_label("いま、困っていること")
    trouble.fill("息子が大学をやめてから2年、部屋から出てきません。")
    expect(phone.get_by_text("25 / 2000文字")).to_be_visible()  # the counter under the box
    phone.get_by_label("電話で連絡してほしい").check()
    phone.get_by_label("お名前（ニックネームでもかまいません）").fill("母")
    _shot(phone, "web-consultation-phone-form")
    phone.get_by_role("button", name="送る").click()
    # the phone number was forgotten: said in Japanese, what was written is kept
    expect(phone.get_by_text("電話番号を書いてください")).to_be_visible()
    expect(trouble).to_have_value("息子が大学をやめてから2年、部屋から出てきません。")
    phone.get_by_label("電話番号").fill("090-1234-5678")
    phone.get_by_label(re.compile("個人情報の取り扱い.*同意")).check()
    phone.get_by_role("button", name="送る").click()
    expect(phone.get_by_role("heading", name="受け付けました")).to_be_visible()
    number = WebRequest.objects.get().receipt_number
    expect(phone.get_by_text(number)).to_be_visible()
    assert violations(phone) == [] and fits_the_phone(phone)
    _shot(phone, "web-consultation-phone-sent")

    log_in(page, "coord", PASSWORD)
    page.get_by_role("link", name="Web相談を見る").click()
    _shot(page, "web-consultation-inbox")
    assert violations(page) == []
    page.get_by_role("link", name=number).click()
    expect(page.locator(".submitted-text")).to_have_text("息子が大学をやめてから2年、部屋から出てきません。")
    _shot(page, "web-consultation-detail")
    assert violations(page) == []
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_text(f"Web相談 {number} を相談として記録しました。")).to_be_visible()
    web = WebRequest.objects.get()
    assert web.status == RequestStatus.RECORDED
    assert Consultation.objects.get() == web.consultation
