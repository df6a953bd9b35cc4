"""Web相談's rate limit holds across app hosts: two gunicorn processes on one database count the
same hits, so sending through both in turn is refused once the address's limit is reached."""

import sqlite3

from tests.deploy.conftest import Browser, running_gunicorn
from webconsult.services import PER_ADDRESS_PER_HOUR

FIELDS = {
    "writer": "家族", "age_band": "30代", "municipality": "", "trouble": "息子のことで相談したいです。",
    "contact": "連絡不要", "name": "", "phone": "", "email": "", "agree": "on", "website": "",
}  # fmt: skip


def test_two_app_processes_share_the_rate_limit(production_env):
    with running_gunicorn(production_env) as first, running_gunicorn(production_env) as second:
        hosts = [Browser(first), Browser(second)]
        answers = [
            hosts[n % 2].post_form("/public/", FIELDS)[0].status for n in range(PER_ADDRESS_PER_HOUR + 2)
        ]
    assert answers == [302] * PER_ADDRESS_PER_HOUR + [429, 429], answers
    database = production_env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as db:
        stored = db.execute("select count(*) from webconsult_webrequest").fetchone()[0]
    assert stored == PER_ADDRESS_PER_HOUR
