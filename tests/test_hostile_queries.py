"""Every query parameter is hostile until a form has parsed it: garbage gives a 4xx or the page
with a Japanese message, never a 500 (every URL, as every role that may open it)."""

import pytest
from django.urls import reverse

from tests.conftest import logged_in
from tests.test_permissions import MATRIX, POST_MATRIX

PARAMETERS = [
    "office",
    "program",
    "fy",
    "fiscal_year",
    "host_type",
    "q",
    "client",
    "page",
    "status",
    "municipality",
    "age_group",
    "dormant",
    "ordering",
    "method",
    "consulter",
    "staff",
    "date_from",
    "date_to",
    "anonymous",
    "as_of",
    "next",
    "kind",
    "session",
    "day",
    "member",
    "present",
    "year",
    "format",
    "token",
    # added with retention and case work
    "start",
    "end",
    "registered_from",
    "registered_to",
    "follow_up_overdue",
    "overdue",
    "candidates",
    "reason",
    # added with the plan's steps and consents to share
    "decide",
    "closing",
    "on",
    "decided_on",
    "agreed_on",
    "agreed_with",
    "items",
    "agencies",
    "monitored_on",
    "valid_from",
    "valid_until",
]
GARBAGE = [
    "abc",
    "\x00",
    "%00",
    "0",
    "99999",
    "-1",
    "1e9",
    "９９",
    "2024-13-45",
    "x" * 5000,
    "[]",
    "../../etc/passwd",
    "1;DROP TABLE x",
    "🙂",
]


@pytest.fixture
def world(coordinator, center, chikuho):
    from tests import records

    return records.world(coordinator=coordinator, center=center, chikuho=chikuho)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_garbage_parameters_never_give_a_server_error(name, world, coordinator, supervisor, admin_user):
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
    for user in (coordinator, supervisor, admin_user):
        http = logged_in(user)
        for value in GARBAGE:
            query = dict.fromkeys(PARAMETERS, value)
            response = http.get(url, query)
            assert response.status_code < 500, f"GET {url} ?…={value[:20]!r} as {user.username}"
            if name in POST_MATRIX:
                post_url = reverse(
                    name, kwargs=POST_MATRIX[name].kwargs(world) if POST_MATRIX[name].kwargs else None
                )
                response = http.post(post_url, query)
                assert response.status_code < 500, f"POST {post_url} …={value[:20]!r} as {user.username}"


@pytest.mark.parametrize(
    "url",
    [
        "/outreach/days/?office=abc",
        "/outreach/sessions/?program=abc",
        "/outreach/sessions/?fy=0",
        "/outreach/events/?fy=99999",
        "/outreach/days/?host_type=%00",
    ],
)
def test_a_bad_list_filter_is_a_400_with_a_japanese_message_and_the_default_list(coordinator_client, url):
    response = coordinator_client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "正しく選択してください" in page
        or "以下でなければなりません" in page
        or "以上でなければなりません" in page
    )
    assert "年度" in page
