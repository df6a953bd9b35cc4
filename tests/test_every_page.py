"""Every page of every role on the demo data in all the states a center reaches over the years
(retention/demo.py: merged, archived, transferred, suspended, reopened, anonymised, finalized,
cancelled sessions, past municipal days, cases past their period, requests waiting): no page
answers 5xx and none shows English.

Each role starts from every page without parameters and follows every link it is shown (at most
a few of each kind of page), plus the pages of records in each later state, found directly."""

from __future__ import annotations

import re
from collections import Counter, deque
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse

from cases.models import Client, Consultation
from casework.models import SharingConsent, SupportPlan
from hikikomori.models import User
from outreach.models import Session, SessionStatus
from reports.models import FinalizedReport
from tests.conftest import logged_in
from tests.test_permissions import MATRIX

DEMO_PASSWORD = "demo-password-42"
PER_KIND = 4  # pages of one URL pattern per role (a list links to hundreds of records)
SKIP = {"logout", "password_setup"}
# ASCII words a Japanese page may show: product and file names, codes. What a user typed (a user
# name, free text) is shown inside translate="no" and not read as the page's own words.
ALLOWED = {
    "Excel", "CSV", "PDF", "XLSX", "QR", "TOTP", "ID", "IP", "Google", "Microsoft", "Authenticator",
    "OK", "No", "ja",
}  # fmt: skip
WORD = re.compile(r"(?<![\w.@/-])[A-Za-z]{2,}(?![\w.@/-])")


class _Text(HTMLParser):
    """Visible text and same-site links of a page."""

    def __init__(self):
        super().__init__()
        self.text, self.links, self._hidden = [], [], 0
        self._typed: list = []  # [tag, depth] of the translate="no" element being read

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if self._typed and tag == self._typed[0]:
            self._typed[1] += 1
        elif not self._typed and dict(attrs).get("translate") == "no":
            self._typed = [tag, 1]
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/") and not href.startswith("//"):
            self.links.append(href.split("#")[0])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1
        if self._typed and tag == self._typed[0]:
            self._typed[1] -= 1
            if not self._typed[1]:
                self._typed = []

    def handle_data(self, data):
        if not self._hidden and not self._typed:
            self.text.append(data)


def english_words(text: str) -> list[str]:
    return [w for w in WORD.findall(text) if w not in ALLOWED]


def _kind(path: str) -> str:
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return path
    return f"{match.namespace}:{match.url_name}" if match.namespace else str(match.url_name)


def _start_pages() -> list[str]:
    pages = []
    for name, row in MATRIX.items():
        if name in SKIP or row.kwargs or name.startswith("admin:") and name != "admin:index":
            continue
        query = "" if callable(row.query) else row.query
        pages.append(reverse(name) + query)
    return pages


def _state_pages() -> list[str]:
    """Records in each later state, whatever the lists link to."""
    anonymised = Client.objects.filter(anonymised_at__isnull=False).order_by("pk").first()
    merged = Client.objects.filter(merged_into__isnull=False).order_by("pk").first()
    archived = Consultation.objects.filter(archived_at__isnull=False).order_by("pk").first()
    anonymous = Consultation.objects.filter(client__isnull=True).order_by("pk").first()
    restored = Consultation.objects.exclude(restore_reason="").order_by("pk").first()
    cancelled = Session.objects.filter(status=SessionStatus.CANCELLED).order_by("pk").first()
    suspended = Client.objects.filter(status="中断", anonymised_at__isnull=True).order_by("pk").first()
    pages = [
        reverse("cases:client_detail", args=[anonymised.pk]),
        reverse("cases:client_detail", args=[merged.pk]),
        reverse("cases:client_detail", args=[merged.merged_into_id]),
        reverse("cases:client_edit", args=[merged.merged_into_id]),
        reverse("cases:consultation_detail", args=[archived.pk]),
        reverse("cases:consultation_detail", args=[anonymous.pk]),
        reverse("cases:consultation_detail", args=[restored.pk]),
        reverse("cases:consultation_edit", args=[restored.pk]),
        reverse("outreach:session_detail", args=[cancelled.pk]),
        reverse("casework:case_record", args=[anonymised.pk]),
        reverse("casework:case_record", args=[merged.merged_into_id]),
    ]
    if suspended is not None:
        pages.append(reverse("cases:client_detail", args=[suspended.pk]))
    # a plan in each state of its life: 案, withdrawn, decided without 同意, 同意なし, evaluated at 終結
    plans = SupportPlan.objects.filter(client__anonymised_at__isnull=True)
    for plan in (
        plans.drafts().first(),
        plans.filter(withdrawn_on__isnull=False).first(),
        plans.without_consent().first(),
        plans.filter(consent_method="同意なし").first(),
        plans.filter(review__kind="終結").first(),
    ):
        assert plan is not None, "the demo has a plan in every state"
        for name in ("plan_detail", "plan_print", "plan_consent", "plan_monitor", "plan_review"):
            pages.append(reverse(f"casework:{name}", args=[plan.pk]))
        pages += [
            reverse("cases:client_detail", args=[plan.client_id]),
            reverse("casework:case_record", args=[plan.client_id]),
            reverse("casework:consent_create", args=[plan.client_id]),
        ]
    withdrawn = SharingConsent.objects.filter(withdrawn_on__isnull=False).first()
    assert withdrawn is not None, "the demo has a withdrawn consent to share"
    pages.append(reverse("cases:client_detail", args=[withdrawn.client_id]))
    pages += [reverse("reports:finalized_download", args=[f.pk]) for f in FinalizedReport.objects.all()]
    return pages


def crawl(http, starts: list[str], limit: int = 400, pages: list | None = None) -> tuple[dict, dict, int]:
    """Breadth-first over the links a user is shown: {path: status} of 5xx and {path: words} of English.
    `pages` receives every HTML page that answered 200, in the order visited."""
    seen, per_kind, errors, english = set(), Counter(), {}, {}
    queue = deque(starts)
    visited = 0
    while queue and visited < limit:
        path = queue.popleft()
        if path in seen or _kind(path) in SKIP:
            continue
        seen.add(path)
        kind = _kind(path)
        if per_kind[kind] >= PER_KIND and path not in starts:
            continue
        per_kind[kind] += 1
        visited += 1
        response = http.get(path)
        if response.status_code >= 500:
            errors[path] = response.status_code
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        if pages is not None:
            pages.append(path)
        parser = _Text()
        parser.feed(response.content.decode())
        words = english_words(" ".join(parser.text))
        if words:
            english[path] = sorted(set(words))[:10]
        queue.extend(link for link in parser.links if link not in seen and not link.startswith("/static/"))
    return errors, english, visited


def seed_small_demo(monkeypatch) -> None:
    import cases.demo

    monkeypatch.setattr(cases.demo, "YEARLY_VOLUME", [400, 400, 400, 400, 400])
    with override_settings(DEBUG=True):
        call_command("seed_demo", "--password", DEMO_PASSWORD, stdout=open("/dev/null", "w"))  # noqa: SIM115


def pages_of(username: str) -> list[str]:
    """Every page a demo account opens from its start pages and the links it is shown, and the pages
    of records in each later state (the same walk as the test below)."""
    http = logged_in(User.objects.get(username=username))
    http.raise_request_exception = False
    pages: list[str] = []
    crawl(http, _start_pages() + (_state_pages() if username != "admin" else []), pages=pages)
    return pages


@pytest.fixture
def demo(db, monkeypatch):
    seed_small_demo(monkeypatch)


@pytest.mark.parametrize("username", ["center", "satellite", "supervisor", "admin"])
def test_every_page_of_every_role_on_data_in_every_state_answers_in_japanese(demo, username):
    http = logged_in(User.objects.get(username=username))
    http.raise_request_exception = False
    starts = _start_pages() + (_state_pages() if username != "admin" else [])
    errors, english, visited = crawl(http, starts)
    assert visited > (30 if username == "admin" else 60)
    assert errors == {}, errors
    assert english == {}, "\n".join(f"{path}: {words}" for path, words in english.items())
