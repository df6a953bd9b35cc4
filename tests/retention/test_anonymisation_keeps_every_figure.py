"""Anonymisation removes the person and leaves the statistics alone.

On the demo data (five fiscal years), connected as production's application role (grants.sql) on
PostgreSQL, a supervisor makes the list of expired records and approves it on 保存期間の満了, and
a large share of the other cases is anonymised through the service that screen calls. Every figure of every fiscal year's report — all offices and
each office, read from the derived data and counted live, whole years and a year cut by an as-of
date — is identical before and after; the derived data still equals a recomputation; no removed
name, フリガナ, ケース番号, contact or text appears anywhere in the database (the `pg_dump` text on
PostgreSQL, every column of every table elsewhere); and the finalized workbooks hold no
personal data at all.
"""

import contextlib
import datetime as dt
import io
import json
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases import services as cases_services
from cases.models import Client, Consultation, FamilyMember
from casework import services as casework
from casework.models import Assessment, PlanGoal
from hikikomori.fiscal import fiscal_year_of
from hikikomori.models import AuditEvent, Office, User
from reports import derived
from reports.models import FinalizedReport
from reports.queries import Scope
from reports.services import report_finalize
from reports.tables import build_report, figures
from retention import services
from retention.models import Candidate
from tests.conftest import logged_in


def _every_figure() -> dict:
    current = fiscal_year_of(timezone.localdate())
    years = range(current - 5, current + 1)
    offices = [None, *Office.objects.order_by("pk")]
    result = {}
    for fy in years:
        for office in offices:
            for live in (False, True):
                scope = Scope(fiscal_year=fy, office=office, live=live)
                result[(fy, office and office.pk, live)] = figures(build_report(scope))
        cut = Scope(fiscal_year=fy, as_of=dt.date(fy, 12, 31))
        result[(fy, "as_of", True)] = figures(build_report(cut))
    return result


def _identifying_values(clients) -> set[str]:
    ids = [pk for c in clients for pk in services.same_person_ids(c)]
    values = set()
    for row in Client.objects.filter(pk__in=ids).values("name", "kana", "case_number", "notes"):
        values.update(row.values())
    for row in FamilyMember.objects.filter(client__in=ids).values("name", "contact"):
        values.update(row.values())
    for row in Consultation.objects.filter(client__in=ids).values("content", "agency", "archive_reason"):
        values.update(row.values())
    for row in Client.history.filter(id__in=ids).values("name", "kana", "case_number", "notes"):
        values.update(row.values())
    for row in Assessment.objects.filter(client__in=ids).values(*Assessment.PERSONAL_TEXT):
        values.update(row.values())
    for row in PlanGoal.objects.filter(plan__client__in=ids).values("text"):
        values.update(row.values())
    return {v for v in values if v and len(v) >= 2}


def _database_text() -> str:
    """Every stored value as text: `pg_dump` on PostgreSQL, every column of every table elsewhere."""
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        args = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
        args += ["-U", settings["USER"] or "postgres", "-d", settings["NAME"]]
        return subprocess.run(["pg_dump", *args], check=True, capture_output=True, text=True).stdout
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'select * from "{table}"')
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, str) and value.startswith(("{", "[")):
                        with contextlib.suppress(ValueError):
                            value = json.dumps(json.loads(value), ensure_ascii=False)
                    parts.append(str(value))
    return "\n".join(parts)


def _workbook_texts(content: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(content))
    return {
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell
    }


def _as_application_role(request) -> None:
    """On PostgreSQL, from here on with only the rights grants.sql gives the application."""
    if connection.vendor == "postgresql":
        request.getfixturevalue("as_application_role")


@pytest.mark.django_db(transaction=True)
@override_settings(DEBUG=True)
def test_anonymising_most_cases_leaves_every_figure_of_every_year_unchanged(
    master_data, monkeypatch, request
):
    import cases.demo

    monkeypatch.setattr(cases.demo, "YEARLY_VOLUME", [500, 500, 500, 500, 500])
    call_command("seed_demo", "--password", "demo-password-42")
    supervisor = User.objects.get(username="supervisor")
    coordinator = User.objects.get(username="center")
    current = fiscal_year_of(timezone.localdate())

    # Traces a real center leaves: renamed records (history rows), a merge, archives with
    # reasons, pages viewed (audit log), finalized reports.
    clients = list(Client.objects.current().filter(office__name__contains="センター").order_by("pk")[:6])
    for client in clients[:4]:
        cases_services.client_update(
            by=coordinator,
            client=client,
            version=client.version,
            name=client.name + "（旧姓）",
            notes="転居予定",
        )
    cases_services.client_merge(
        by=supervisor, survivor=clients[4], duplicate=clients[5], reason=f"{clients[5].name}と同一人物"
    )
    casework.assessment_record(
        by=coordinator,
        client=clients[0],
        assessed_on=timezone.localdate(),
        assessed_by=coordinator,
        method="訪問",
        family_wishes="母は長男の進学先の話をしてほしくない",
    )
    if casework.current_plan(clients[0]) is None:
        casework.plan_make(
            by=coordinator,
            client=clients[0],
            goals=[{"text": "図書館の学習室に週1回通う", "basis": "本人の意向"}],
            made_on=timezone.localdate(),
            next_review_on=timezone.localdate(),
        )
    consultation = Consultation.objects.filter(client=clients[0]).first()
    cases_services.consultation_archive(
        by=coordinator, consultation=consultation, reason=f"{clients[0].name}の誤登録"
    )
    http = logged_in(supervisor)
    for client in clients[:5]:
        assert http.get(reverse("cases:client_detail", args=[client.pk])).status_code == 200
    for fy in (current - 2, current - 1):
        report_finalize(by=supervisor, scope=Scope(fiscal_year=fy), reason="再確定")

    before = _every_figure()
    audit_before = list(AuditEvent.objects.order_by("pk").values())
    expired = [item.client_id for item in services.expired_cases(timezone.localdate())]
    current = Client.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True).order_by("pk")
    chosen = [c for c in current if c.pk % 3 != 0]
    chosen += [clients[0], clients[4], *Client.objects.filter(pk__in=expired)]
    chosen = list({c.pk: c for c in chosen}.values())
    removed = _identifying_values(chosen)
    kept_people = Client.objects.exclude(pk__in=[pk for c in chosen for pk in services.same_person_ids(c)])
    still_held = _identifying_values(kept_people)
    # text of consultations without a person (an anonymous booking's default 「市町村相談会（…）」) stays
    still_held |= set(Consultation.objects.filter(client__isnull=True).values_list("content", flat=True))

    _as_application_role(request)
    page = http.post(reverse("retention:relist"), follow=True)
    assert page.status_code == 200
    listed = list(Candidate.objects.filter(decided_at__isnull=True))
    assert {c.kind for c in listed} >= {Candidate.Kind.CASE, Candidate.Kind.ANONYMOUS_TEXT}
    approved = http.post(
        reverse("retention:expired"),
        {"candidates": [c.pk for c in listed], "reason": "保存期間の満了（令和8年度）"},
        follow=True,
    )
    assert approved.status_code == 200
    assert "件の利用者を匿名化しました" in approved.content.decode()
    assert not Candidate.objects.filter(decided_at__isnull=True).exists()
    assert Client.objects.filter(pk__in=expired, anonymised_at__isnull=False).count() == len(expired)
    for client in Client.objects.filter(pk__in=[c.pk for c in chosen], anonymised_at__isnull=True):
        services.client_anonymise(client=client, by=supervisor, reason="保存期間の満了")
    # the audit log was only appended to: every entry written before is as it was
    assert list(AuditEvent.objects.filter(pk__lte=audit_before[-1]["id"]).order_by("pk").values()) == (
        audit_before
    )

    assert len(chosen) > 150
    assert _every_figure() == before
    assert derived.recompute(check=True) == dict.fromkeys(derived.KINDS, 0)

    dump = _database_text()
    leaked = sorted(v for v in removed - still_held if v in dump)
    assert leaked == [], f"{len(leaked)} removed values are still stored, e.g. {leaked[:5]}"
    for name in (
        clients[0].name,
        clients[0].name + "（旧姓）",
        clients[5].name,
        "母は長男の進学先の話をしてほしくない",
    ):
        assert name not in dump
    after = _every_figure()
    cells = sum(len(report) for report in after.values())
    print(
        f"\nanonymised {len(chosen)} of {Client.objects.filter(merged_into__isnull=True).count()} cases; "
        f"{len(after)} reports ({min(k[0] for k in after)}–{max(k[0] for k in after)}, all offices and each, "
        f"stored and live, as-of cuts) with {cells} figures: {sum(after[k] != before[k] for k in after)} differ; "
        f"{len(removed - still_held)} removed values searched in {len(dump):,} characters of the database "
        f"({connection.vendor}): {len(leaked)} found"
    )

    every_person = _identifying_values(Client.objects.all()) | removed
    for finalized in FinalizedReport.objects.all():
        cells = _workbook_texts(bytes(finalized.workbook))
        assert cells and not (cells & every_person)
        assert not any(
            value in json.dumps(finalized.figures, ensure_ascii=False)
            for value in every_person
            if len(value) > 3
        )
