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


def _smallest(sheet) -> float:
    sizes = [
        span["size"]
        for block in sheet.get_text("dict")["blocks"]
        for line in block.get("lines", [])
        for span in line["spans"]
        if span["text"].strip()
    ]
    return min(sizes)


def _whole_plan_life(client, coordinator, supervisor):
    """A plan decided at a meeting, agreed, monitored and evaluated, and the next one by 確認."""
    first = services.plan_make(
        by=coordinator, client=client, made_on=TODAY - dt.timedelta(days=200), next_review_on=TODAY,
        long_term_goal="自分のペースで社会とつながる",
        goals=[{"text": "朝10時に起きる", "basis": "両方"}, {"text": "家族のつどいに来る", "basis": "家族の意向"}],
    )  # fmt: skip
    services.meeting_record(
        by=coordinator, office=client.office, date=TODAY - dt.timedelta(days=195), kind="関係機関",
        staff=[coordinator], clients=[client], decides_plans_of=[client], summary="案を決定した",
        externals=[{"name": "保健 花子", "organisation": "保健所", "sharing_basis": "支援会議"}],
        decisions=[{"content": "家族面談を設定する", "owner": coordinator, "due_on": TODAY}],
    )  # fmt: skip
    first.refresh_from_db()
    services.plan_consent(
        by=coordinator,
        plan=first,
        agreed_on=TODAY - dt.timedelta(days=190),
        agreed_with="本人",
        method="署名",
    )
    services.monitoring_record(
        by=coordinator, plan=first, monitored_on=TODAY - dt.timedelta(days=150), comment="外出が増えた",
        progress={g.pk: ("順調", "") for g in first.goals.all()},
    )  # fmt: skip
    services.plan_review(
        by=coordinator, plan=first, reviewed_on=TODAY - dt.timedelta(days=100), comment="一つ達成",
        outcomes={g.pk: ("達成", "") for g in first.goals.all()},
    )  # fmt: skip
    second = services.plan_make(
        by=coordinator, client=client, made_on=TODAY - dt.timedelta(days=99), next_review_on=TODAY,
        goals=[{"text": "週に1回フリースペースに来る", "basis": "本人の意向"}],
    )  # fmt: skip
    services.plan_confirm(by=supervisor, plan=second, on=TODAY - dt.timedelta(days=98))
    return second


def test_a_long_case_prints_on_numbered_a4_pages_without_buttons(page, coordinator, supervisor, center):
    client = make_client(center, municipality="春日市")
    services.assessment_record(
        by=coordinator,
        client=client,
        assessed_on=TODAY,
        assessed_by=coordinator,
        method="訪問",
        person_wishes="少しずつ外に出たい",
    )
    current = _whole_plan_life(client, coordinator, supervisor)
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
        assert _smallest(sheet) >= 9.0, (number, _smallest(sheet))
    everything = "".join(sheet.get_text() for sheet in pdf)
    assert "経過0：" in everything and "経過59：" in everything and "少しずつ外に出たい" in everything
    # every plan with its decision, consent, monitoring and evaluation, and the meeting about the client
    for text in ("ケース会議", "上長確認", "署名", "モニタリング", "朝10時に起きる: 順調", "評価: 達成",
                 "家族面談を設定する", "（今の支援計画）", "支援会議"):  # fmt: skip
        assert text in everything, text

    # the plan alone (プラン), with a line for the person's signature, on one A4 page
    page.goto(f"/casework/plans/{current.pk}/print/")
    plan_pdf = pymupdf.open(stream=page.pdf(prefer_css_page_size=True), filetype="pdf")
    assert plan_pdf.page_count == 1
    text = plan_pdf[0].get_text()
    for label in ("取扱注意", "プラン（支援計画）", "週に1回フリースペースに来る", "本人署名", "1 / 1"):
        assert label in text, label
    assert _smallest(plan_pdf[0]) >= 9.0
    if SHOTS:
        plan_pdf[0].get_pixmap(dpi=60).save(f"{SHOTS}/plan-print.png")
    if SHOTS:
        for number in range(2):
            pdf[number].get_pixmap(dpi=60).save(f"{SHOTS}/case-record-page{number + 1}.png")
