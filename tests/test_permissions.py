"""Every URL pattern × every role (CONVENTIONS "Scoping").

Each named URL of the project must have a row here; a new URL without one fails
`test_every_url_has_a_row_in_the_matrix`. Detail URLs point at records of the center, so the
satellite coordinator must get 404 for them (the same answer as for a record that does not
exist); a role that may not use a screen gets 403; nobody gets anything without logging in.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import records
from tests.conftest import logged_in

ROLES = ("anonymous", "coordinator", "satellite", "supervisor", "admin", "outsider")
LOGIN = "login"  # expected: a redirect to the login page


@dataclass
class Row:
    expect: dict[str, object]
    kwargs: object = None  # callable(world) -> dict of URL kwargs
    query: object = ""  # a query string, or callable(world) -> query string
    extra: dict = field(default_factory=dict)


def everyone(status, **overrides):
    """Logged-in roles get `status`; anonymous users are sent to the login page."""
    expect = dict.fromkeys(ROLES, status) | {"anonymous": LOGIN}
    return expect | overrides


CASE_ROLES_ONLY = everyone(200, admin=403, outsider=403)
CENTER_RECORD = everyone(200, satellite=404, admin=403, outsider=403)
SUPERVISOR_ONLY = everyone(403, supervisor=200)
CENTER_POST = everyone(302, satellite=404, admin=403, outsider=403)
CENTER_POST_400 = everyone(400, satellite=404, admin=403, outsider=403)
# An empty toggle names no client: 404 for everyone who passes the role check.
CENTER_POST_404 = everyone(404, admin=403, outsider=403)

MATRIX: dict[str, Row] = {
    "home": Row(everyone(200)),
    "login": Row(dict.fromkeys(ROLES, 302) | {"anonymous": 200}),
    "logout": Row(dict.fromkeys(ROLES, 405) | {"anonymous": LOGIN}),
    # readiness for the load balancer: says only whether the database answers
    "ready": Row(dict.fromkeys(ROLES, 200)),
    # a one-time link to set one's own password: a wrong link says so, to anyone
    "password_setup": Row(dict.fromkeys(ROLES, 200), kwargs=lambda w: {"uidb64": "MQ", "token": "x-y"}),
    "access_decide": Row(everyone(405), kwargs=lambda w: {"pk": 1}),
    "admin:index": Row(dict.fromkeys(ROLES, 302) | {"admin": 200}),
    "two_factor_setup": Row(everyone(200)),
    "two_factor_verify": Row(everyone(200)),
    "password_change": Row(everyone(200)),
    # cases
    "cases:client_list": Row(CASE_ROLES_ONLY),
    "cases:client_create": Row(CASE_ROLES_ONLY),
    "cases:client_suggest": Row(CASE_ROLES_ONLY, query="?client=やまだ"),
    "cases:family_options": Row(CASE_ROLES_ONLY, query="?client=C-0001"),
    "cases:client_duplicates": Row(CASE_ROLES_ONLY),
    "cases:hand_over": Row(SUPERVISOR_ONLY),
    "cases:client_merge": Row(
        CENTER_RECORD, query=lambda w: f"?survivor={w['client'].pk}&duplicate={w['twin'].pk}"
    ),
    "cases:client_detail": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["client"].pk}),
    "cases:client_edit": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["client"].pk}),
    "cases:family_add": Row(everyone(405), kwargs=lambda w: {"pk": w["client"].pk}),
    "cases:client_close": Row(everyone(405), kwargs=lambda w: {"pk": w["client"].pk}),
    "cases:client_reopen": Row(everyone(405), kwargs=lambda w: {"pk": w["client"].pk}),
    "cases:client_transfer": Row(everyone(405), kwargs=lambda w: {"pk": w["client"].pk}),
    "cases:consultation_list": Row(CASE_ROLES_ONLY),
    "cases:consultation_create": Row(CASE_ROLES_ONLY),
    "cases:consultation_export": Row(CASE_ROLES_ONLY, kwargs=lambda w: {"fmt": "csv"}),
    "cases:consultation_detail": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["consultation"].pk}),
    "cases:consultation_edit": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["consultation"].pk}),
    "cases:consultation_attach": Row(everyone(405), kwargs=lambda w: {"pk": w["anonymous"].pk}),
    "cases:consultation_archive": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["consultation"].pk}),
    "cases:consultation_archived": Row(SUPERVISOR_ONLY),
    "cases:consultation_restore": Row(everyone(405), kwargs=lambda w: {"pk": w["consultation"].pk}),
    "cases:consultation_follow_up_done": Row(everyone(405), kwargs=lambda w: {"pk": w["consultation"].pk}),
    # outreach
    "outreach:session_list": Row(CASE_ROLES_ONLY),
    "outreach:session_create": Row(CASE_ROLES_ONLY),
    "outreach:session_generate": Row(CASE_ROLES_ONLY),
    "outreach:session_detail": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["session"].pk}),
    "outreach:session_edit": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["session"].pk}),
    "outreach:attendance_search": Row(
        CENTER_RECORD, kwargs=lambda w: {"pk": w["session"].pk}, query="?q=やまだ"
    ),
    "outreach:session_cancel": Row(everyone(405), kwargs=lambda w: {"pk": w["session"].pk}),
    "outreach:session_reopen": Row(everyone(405), kwargs=lambda w: {"pk": w["session"].pk}),
    "outreach:attendance_toggle": Row(everyone(405), kwargs=lambda w: {"pk": w["session"].pk}),
    "outreach:attendance_add_family": Row(everyone(405), kwargs=lambda w: {"pk": w["session"].pk}),
    "outreach:day_list": Row(CASE_ROLES_ONLY),
    "outreach:day_create": Row(CASE_ROLES_ONLY),
    "outreach:day_detail": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["day"].pk}),
    "outreach:day_edit": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["day"].pk}),
    "outreach:reservation_add": Row(everyone(405), kwargs=lambda w: {"pk": w["day"].pk}),
    "outreach:day_case_conference": Row(everyone(405), kwargs=lambda w: {"pk": w["day"].pk}),
    "outreach:reservation_cancel": Row(everyone(405), kwargs=lambda w: {"pk": w["reservation"].pk}),
    "outreach:reservation_outcome": Row(everyone(405), kwargs=lambda w: {"pk": w["reservation"].pk}),
    "outreach:event_list": Row(CASE_ROLES_ONLY),
    "outreach:event_create": Row(CASE_ROLES_ONLY),
    "outreach:event_edit": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["event"].pk}),
    # reports
    "reports:annual": Row(SUPERVISOR_ONLY, query="?fy=2024"),
    "reports:annual_download": Row(SUPERVISOR_ONLY, query="?fy=2024"),
    "reports:annual_finalize": Row(SUPERVISOR_ONLY, query="?fy=2024"),
    "reports:finalized_download": Row(everyone(403, supervisor=404), kwargs=lambda w: {"pk": 999999}),
    "exchange:import": Row(SUPERVISOR_ONLY),
    "exchange:export_all": Row(SUPERVISOR_ONLY),
    "exchange:import_confirm": Row(everyone(405), kwargs=lambda w: {"pk": 1}),
    # casework: the records follow the client (another office's answer 404)
    "casework:assessment_create": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["client"].pk}),
    "casework:assessment_detail": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["assessment"].pk}),
    "casework:assessment_edit": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["assessment"].pk}),
    "casework:plan_create": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["client"].pk}),
    "casework:plan_detail": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["plan"].pk}),
    "casework:plan_review": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["plan"].pk}),
    "casework:plan_consent": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["plan"].pk}),
    "casework:plan_monitor": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["plan"].pk}),
    "casework:plan_print": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["plan"].pk}),
    "casework:plan_confirm": Row(everyone(405), kwargs=lambda w: {"pk": w["plan"].pk}),
    "casework:plan_withdraw": Row(everyone(405), kwargs=lambda w: {"pk": w["plan"].pk}),
    "casework:consent_create": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["client"].pk}),
    "casework:consent_withdraw": Row(everyone(405), kwargs=lambda w: {"pk": 1}),
    "casework:case_record": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["client"].pk}),
    "casework:review_list": Row(CASE_ROLES_ONLY),
    "casework:meeting_list": Row(CASE_ROLES_ONLY),
    "casework:meeting_create": Row(CASE_ROLES_ONLY),
    "casework:meeting_detail": Row(CENTER_RECORD, kwargs=lambda w: {"pk": w["meeting"].pk}),
    "casework:decision_done": Row(everyone(405), kwargs=lambda w: {"pk": w["decision"].pk}),
    # retention
    "retention:expired": Row(SUPERVISOR_ONLY),
    "retention:relist": Row(everyone(405)),
    "retention:disclosure": Row(everyone(405), kwargs=lambda w: {"pk": w["client"].pk}),
    # Web相談: the public pages answer anyone (a receipt page without its signed number: 404)
    "webconsult:public_form": Row(dict.fromkeys(ROLES, 200)),
    "webconsult:public_privacy": Row(dict.fromkeys(ROLES, 200)),
    "webconsult:public_sent": Row(dict.fromkeys(ROLES, 404)),
    "webconsult:inbox": Row(CASE_ROLES_ONLY),
    "webconsult:detail": Row(CENTER_RECORD, kwargs=lambda w: {"pk": _web_request().pk}),
    "webconsult:record": Row(everyone(405), kwargs=lambda w: {"pk": 999999}),
    "webconsult:close": Row(everyone(405), kwargs=lambda w: {"pk": 999999}),
}

# POST-only URLs: the same matrix for the action itself (an empty POST is refused by the
# form, so allowed roles get a redirect back; the scoping answers come first).
POST_MATRIX: dict[str, Row] = {
    # an empty form is refused on the request's page (400)
    "webconsult:record": Row(CENTER_POST_400, kwargs=lambda w: {"pk": _web_request().pk}),
    "webconsult:close": Row(CENTER_POST_400, kwargs=lambda w: {"pk": _web_request().pk}),
    "cases:client_merge": Row(everyone(302, admin=403, outsider=403)),
    "cases:family_add": Row(
        everyone(302, satellite=404, admin=403, outsider=403), kwargs=lambda w: {"pk": w["client"].pk}
    ),
    "cases:client_close": Row(
        everyone(302, satellite=404, admin=403, outsider=403), kwargs=lambda w: {"pk": w["client"].pk}
    ),
    "cases:client_reopen": Row(
        everyone(302, satellite=404, admin=403, outsider=403), kwargs=lambda w: {"pk": w["client"].pk}
    ),
    "cases:client_transfer": Row(everyone(403, supervisor=302), kwargs=lambda w: {"pk": w["client"].pk}),
    "cases:consultation_attach": Row(
        everyone(302, satellite=404, admin=403, outsider=403), kwargs=lambda w: {"pk": w["anonymous"].pk}
    ),
    "cases:consultation_archive": Row(
        everyone(400, satellite=404, admin=403, outsider=403),
        kwargs=lambda w: {"pk": records.make_consultation(w["center"], "2024-05-03").pk},
    ),
    "cases:consultation_follow_up_done": Row(CENTER_POST, kwargs=lambda w: {"pk": w["consultation"].pk}),
    "outreach:session_cancel": Row(CENTER_POST, kwargs=lambda w: {"pk": w["session"].pk}),
    "outreach:session_reopen": Row(CENTER_POST, kwargs=lambda w: {"pk": w["session"].pk}),
    "outreach:attendance_toggle": Row(CENTER_POST_404, kwargs=lambda w: {"pk": w["session"].pk}),
    "outreach:attendance_add_family": Row(CENTER_POST, kwargs=lambda w: {"pk": w["session"].pk}),
    # an empty form is refused on the page itself (400, input and errors kept)
    "outreach:reservation_add": Row(CENTER_POST_400, kwargs=lambda w: {"pk": w["day"].pk}),
    "outreach:day_case_conference": Row(CENTER_POST_400, kwargs=lambda w: {"pk": w["day"].pk}),
    "outreach:reservation_cancel": Row(CENTER_POST, kwargs=lambda w: {"pk": w["reservation"].pk}),
    # the first allowed role records the outcome; the next is told it is recorded already
    "outreach:reservation_outcome": Row(
        everyone(302, satellite=404, supervisor=400, admin=403, outsider=403),
        kwargs=lambda w: {"pk": w["reservation"].pk},
    ),
    "reports:annual_finalize": Row(everyone(403, supervisor=302)),
    # a record that is not archived cannot be restored: 404 to supervisors, 403 to the rest
    "cases:consultation_restore": Row(
        everyone(403, supervisor=404), kwargs=lambda w: {"pk": w["consultation"].pk}
    ),
    # someone else's pending import: 404 to those who may import, 403 to the rest
    "exchange:import_confirm": Row(everyone(403, supervisor=302), kwargs=lambda w: {"pk": 999999}),
    "retention:relist": Row(everyone(403, supervisor=302)),
    "casework:decision_done": Row(CENTER_POST, kwargs=lambda w: {"pk": w["decision"].pk}),
    "casework:plan_confirm": Row(CENTER_POST, kwargs=lambda w: {"pk": w["plan"].pk}),
    "casework:plan_withdraw": Row(CENTER_POST, kwargs=lambda w: {"pk": w["plan"].pk}),
    "casework:consent_withdraw": Row(CENTER_POST_404, kwargs=lambda w: {"pk": 999999}),
    "retention:expired": Row(everyone(403, supervisor=400)),
    "retention:disclosure": Row(SUPERVISOR_ONLY, kwargs=lambda w: {"pk": w["client"].pk}),
    # no request to decide: 404 to supervisors, 403 to the rest
    "access_decide": Row(everyone(403, supervisor=404), kwargs=lambda w: {"pk": 999999}),
    # nothing chosen: refused on the page itself
    "cases:hand_over": Row(everyone(403, supervisor=400)),
}


def _web_request():
    """A Web相談 for the center (no municipality given)."""
    from webconsult.services import request_receive

    return request_receive(writer="家族", age_band="30代", trouble="相談です。", contact="連絡不要")


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns == "admin":  # Django's admin guards itself; its index stands for it
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            yield from _named_patterns(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_a_row_in_the_matrix():
    names = set(_named_patterns()) | {"admin:index"}
    assert names - set(MATRIX) == set(), "add these URLs to tests/test_permissions.py"
    assert set(MATRIX) - names == set(), "these rows name URLs that no longer exist"


@pytest.fixture
def personas(coordinator, satellite_coordinator, supervisor, admin_user, outsider):
    return {
        "coordinator": coordinator,
        "satellite": satellite_coordinator,
        "supervisor": supervisor,
        "admin": admin_user,
        "outsider": outsider,
    }


@pytest.fixture
def world(coordinator, center, chikuho):
    """Records of the center, for detail URLs."""
    return records.world(coordinator=coordinator, center=center, chikuho=chikuho)


# the only pages anyone may open without logging in
PUBLIC = {
    "login",
    "ready",
    "password_setup",
    "webconsult:public_form",
    "webconsult:public_privacy",
    "webconsult:public_sent",
}


def test_nothing_is_reachable_without_logging_in():
    """Deny by default: every URL but the login page sends an anonymous visitor to log in."""
    for name, row in MATRIX.items():
        if name in PUBLIC or name == "admin:index":  # the admin sends to its own login page
            continue
        assert row.expect["anonymous"] == LOGIN, name
    for name in POST_MATRIX:
        if name not in PUBLIC:
            assert MATRIX[name].expect["anonymous"] == LOGIN, name


def test_every_post_only_url_has_a_row_for_its_post():
    post_only = {name for name, row in MATRIX.items() if row.expect["coordinator"] == 405}
    assert post_only - {"logout"} <= set(POST_MATRIX)


def _check(row, name, personas, world, client, method):
    for role in ROLES:
        kwargs = row.kwargs(world) if row.kwargs else None  # per role: a POST may use up its record
        url = reverse(name, kwargs=kwargs) + (row.query(world) if callable(row.query) else row.query)
        http = client if role == "anonymous" else logged_in(personas[role])
        response = getattr(http, method)(url)
        expected = row.expect[role]
        if expected == LOGIN:
            assert response.status_code == 302, f"{role} {url}"
            assert response.url.startswith(reverse("login")), f"{role} {url} → {response.url}"
        else:
            assert response.status_code == expected, f"{role} {method} {url}"


@pytest.mark.parametrize("name", sorted(POST_MATRIX))
def test_each_role_gets_the_expected_answer_to_a_post(name, personas, world, client):
    _check(POST_MATRIX[name], name, personas, world, client, "post")


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_the_expected_answer(name, personas, world, client):
    _check(MATRIX[name], name, personas, world, client, "get")
