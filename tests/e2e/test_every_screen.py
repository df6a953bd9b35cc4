"""Every page of every role on the demo data, in a real browser on a desktop and on a phone (390 px):
axe-core finds no serious or critical WCAG 2.2 AA violation, nothing is wider than the screen, no
table cell is squeezed under 48 px on the phone, and no English word is shown.

The pages are those the HTTP walk of tests/test_every_page.py reaches for each demo account (its
start pages, the links it is shown, the records in every later state), so a new screen is walked
here the day it is linked."""

from __future__ import annotations

from collections import Counter

import pytest
from django.conf import settings

from hikikomori.models import User
from tests.conftest import logged_in
from tests.e2e.test_accessibility import FRAGMENTS, violations
from tests.test_every_page import _kind, english_words, pages_of, seed_small_demo

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PER_KIND = 1  # pages of one URL pattern looked at in the browser (the HTTP walk reads up to 4)
NARROWEST_CELL = 48  # px: a thumb's width; a narrower cell wraps its text a character per line

# Cells narrower than the thumb, pages wider than the screen, text outside the elements that show
# what a user typed (marked translate="no": user names, free text).
MEASURE = """(narrowest) => {
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1; };
  // a cell is seen when it and its table's row groups are (a list shown as cards keeps its header
  // row for screen readers only, clipped to a pixel)
  const visible = (c) => shown(c) && shown(c.parentElement.parentElement);
  const squeezed = [...document.querySelectorAll('td, th')]
    .filter((c) => visible(c) && c.textContent.trim() && c.getBoundingClientRect().width < narrowest - 0.5)
    .map((c) => `${c.textContent.trim().slice(0, 12)} (${Math.round(c.getBoundingClientRect().width)}px)`);
  const body = document.body.cloneNode(true);
  body.querySelectorAll('[translate=no], script, style, template').forEach((e) => e.remove());
  return {
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    squeezed: squeezed,
    text: body.innerText,
  };
}"""


def look_at(page, url: str, *, phone: bool) -> list[str]:
    """What is wrong with one page as its user sees it."""
    page.goto(url)
    problems = [f"axe {v}" for v in violations(page)]
    seen = page.evaluate(MEASURE, NARROWEST_CELL)
    if seen["overflow"] > 0:
        problems.append(f"wider than the screen by {seen['overflow']} px")
    if phone and seen["squeezed"]:
        problems.append(f"{len(seen['squeezed'])} squeezed cells: {seen['squeezed'][:4]}")
    if words := english_words(seen["text"]):
        problems.append(f"English: {sorted(set(words))[:8]}")
    return problems


@pytest.mark.parametrize("usernames", [("center", "supervisor"), ("satellite", "admin")])
def test_every_page_of_every_role_is_accessible_fits_a_phone_and_speaks_japanese(
    browser, live_server, monkeypatch, master_data, usernames
):
    seed_small_demo(monkeypatch)
    found: dict[str, list[str]] = {}
    for username in usernames:
        kinds: Counter = Counter()
        urls = []
        for url in pages_of(username):
            kinds[_kind(url)] += 1
            if _kind(url) not in FRAGMENTS and kinds[_kind(url)] <= PER_KIND:
                urls.append(url)
        assert len(urls) > 35
        user = User.objects.get(username=username)
        session = logged_in(user).cookies[settings.SESSION_COOKIE_NAME].value
        for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            context = browser.new_context(
                base_url=live_server.url, locale="ja-JP", timezone_id="Asia/Tokyo", viewport=viewport
            )
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
            page = context.new_page()
            for url in urls:
                if problems := look_at(page, url, phone=name == "phone"):
                    found[f"{username} {name} {url}"] = problems
            context.close()
        print(f"{username}: {len(urls)} pages of {len(kinds)} kinds on a phone and a desktop")
    assert found == {}, "\n".join(f"{where}: {problems}" for where, problems in found.items())
