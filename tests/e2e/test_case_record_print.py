"""ケース記録票 printed by chromium: A4 portrait pages, each headed 取扱注意 with who printed it and
numbered 「n / N」, no button or form on paper."""

import datetime as dt
import os

import pymupdf
from django.utils import timezone
from playwright.sync_api import expect

from casework import services
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in
from tests.records import make_client, make_consultation

TODAY = timezone.localdate()
SHOTS = os.environ.get("SCREENSHOTS")


def test_a_long_case_prints_on_numbered_a4_pages_without_buttons(page, coordinator, center):
    client = make_client(center, municipality="春日市")
    services.assessment_record(
        by=coordinator,
        client=client,
        assessed_on=TODAY,
        assessed_by=coordinator,
        method="訪問",
        person_wishes="少しずつ外に出たい",
    )
    for n in range(60):
        make_consultation(
            center, TODAY - dt.timedelta(days=5 * n + 1), "電話", client, staff=[coordinator],
            content=f"経過{n}：家族から本人の様子を聞いた。昼夜逆転は続いているが、食事は家族と一緒にとるようになった。" * 2,
        )  # fmt: skip
    log_in(page, "coord", PASSWORD)
    page.goto(f"/casework/clients/{client.pk}/record/")
    expect(page.get_by_role("button", name="印刷")).to_be_visible()
    pdf = pymupdf.open(stream=page.pdf(prefer_css_page_size=True, print_background=True), filetype="pdf")
    pages = pdf.page_count
    assert pages >= 3
    for number, sheet in enumerate(pdf, start=1):
        text = sheet.get_text()
        width, height = sheet.rect.width, sheet.rect.height
        assert round(width) == 595 and round(height) == 842, (width, height)  # A4 portrait, in points
        assert "取扱注意" in text and f"印刷: {coordinator.display_name}" in text, number
        assert f"{number} / {pages}" in text, number
        for label in ("印刷\n", "期間を変える", "利用者のページに戻る"):
            assert label not in text, (number, label)
        assert not list(sheet.widgets())  # no form fields
    everything = "".join(sheet.get_text() for sheet in pdf)
    assert "経過0：" in everything and "経過59：" in everything and "少しずつ外に出たい" in everything
    if SHOTS:
        for number in range(2):
            pdf[number].get_pixmap(dpi=60).save(f"{SHOTS}/case-record-page{number + 1}.png")
