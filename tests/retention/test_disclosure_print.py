"""The 開示請求 workbook on paper, rendered by LibreOffice: every page A4 landscape with every
column of its sheet (never split across pages), the header row and 取扱注意 on each page, dates
whole, nothing under 9 pt; the plan's decision, consent and monitoring and the consents to share
are in it."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from casework import consent, services
from tests.conftest import logged_in
from tests.records import make_client, make_consultation
from tests.reports.test_workbook_print import pymupdf, spans, to_pdf  # noqa: F401

TODAY = timezone.localdate()


def test_the_disclosure_file_prints_readably_on_a4(center, coordinator, supervisor, tmp_path):
    client = make_client(center, municipality="春日市")
    for n in range(40):
        make_consultation(
            center, TODAY - dt.timedelta(days=7 * n + 1), "電話", client, staff=[coordinator],
            content=f"経過{n}：家族から本人の様子を聞いた。昼夜逆転は続いているが、食事は家族と一緒にとるようになった。",
        )  # fmt: skip
    plan = services.plan_make(
        by=coordinator, client=client, made_on=TODAY - dt.timedelta(days=60), next_review_on=TODAY,
        goals=[{"text": "朝10時に起きる", "basis": "両方"}],
    )  # fmt: skip
    services.plan_confirm(by=supervisor, plan=plan, on=TODAY - dt.timedelta(days=58))
    services.plan_consent(
        by=coordinator, plan=plan, agreed_on=TODAY - dt.timedelta(days=50), agreed_with="本人", method="署名"
    )
    services.monitoring_record(
        by=coordinator, plan=plan, monitored_on=TODAY - dt.timedelta(days=20),
        progress={plan.goals.get().pk: ("順調", "週3回")},
    )  # fmt: skip
    consent.consent_record(
        by=coordinator, client=client, agencies="保健所", items=["相談内容"], given_by="本人",
        valid_from=TODAY - dt.timedelta(days=30),
    )  # fmt: skip
    response = logged_in(supervisor).post(reverse("retention:disclosure", args=[client.pk]))
    assert response.status_code == 200
    pdf = to_pdf(response.content, tmp_path)
    text = "".join(page.get_text() for page in pdf)
    for expected in ("同意", "署名", "モニタリング", "順調", "保健所", "経過39"):
        assert expected in text, expected
    for number, page in enumerate(pdf, start=1):
        width, height = page.rect.width, page.rect.height
        assert (round(width), round(height)) == (842, 595), f"page {number}: not A4 landscape"
        words = page.get_text()
        assert "取扱注意" in words and f"{number} / {pdf.page_count}" in words, number
        smallest = min(span["size"] for span in spans(page))
        assert smallest >= 9.0, f"page {number}: text at {smallest:.1f} pt"
    # the 相談記録 sheet's columns all on each of its pages: its first and last headings on each
    pages = [p.get_text() for p in pdf if "相談日" in p.get_text() and "相談方法" in p.get_text()]
    assert len(pages) >= 2 and all("担当者" in p and "内容" in p for p in pages)
    # dates whole: every date of the consultations is found as written, on one line
    for n in (0, 39):
        day = TODAY - dt.timedelta(days=7 * n + 1)
        assert f"{day:%Y/%m/%d}" in text, day
    pdf[0].get_pixmap(dpi=70).save(tmp_path / "disclosure-page1.png")
