"""Leave freely: everything exported by `export_records` and imported into an empty database by
`import_records` gives back the same records, field by field, and the same yearly reports. (A
consultation without a 記録番号 is exported as 「#number」 and keeps that name where it arrives.)

The data: the demo data set (clients, families, five years of consultations, programs, municipal
days) and, on top, the records the demo does not make: closed and suspended clients with reasons,
consultations by a named family member with a residence of their own, つなぎ先, 関係機関, times
and follow-ups, sessions with venues and online offices, reservations booked, cancelled and
held, outreach events with participants."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases import services as case_services
from cases.demo import seed_cases
from cases.intake import Intake
from cases.models import Client, ClientLog, ClosureReason, Consultation, FamilyMember, ReferralDestination
from casework import consent as consent_services
from casework import services as casework_services
from casework.models import (
    Assessment,
    CaseMeeting,
    ExternalParticipant,
    GoalProgress,
    GoalReview,
    MeetingDecision,
    Monitoring,
    PlanGoal,
    PlannedSupport,
    PlanReview,
    SharingConsent,
    SupportPlan,
)
from exchange.importing.exporting import ORDER
from hikikomori.models import HealthArea, Municipality
from outreach import services as outreach_services
from outreach.demo import seed_outreach
from outreach.models import AffiliationCategory, Attendance, MunicipalDay, OutreachEvent, Reservation, Session
from reports.queries import Scope
from reports.tables import build_report
from tests.conftest import make_user
from tests.records import make_day, make_session

TODAY = timezone.localdate()


def free_day(office, program: str, days_ago: int) -> dt.date:
    """The latest day `days_ago` or more days back on which the demo holds no session of the
    program at the office (its weekly dates depend on today's weekday)."""
    from outreach.models import Session

    day = TODAY - dt.timedelta(days=days_ago)
    while Session.objects.filter(office=office, program__name=program, date=day).exists():
        day -= dt.timedelta(days=1)
    return day


def _name(obj, attribute="name"):
    return getattr(obj, attribute) if obj is not None else None


def snapshot() -> dict[str, Counter]:
    """Every business field of every record, relations by their natural keys."""
    clients = Client.objects.current().select_related(
        "municipality", "office", "referral_route", "closure_reason"
    )
    members = FamilyMember.objects.filter(
        archived_at__isnull=True, client__archived_at__isnull=True
    ).select_related("client")
    consultations = (
        Consultation.objects.current()
        .select_related("office", "client", "municipality", "family_member", "referral_destination")
        .prefetch_related("staff")
    )
    sessions = (
        Session.objects.filter(archived_at__isnull=True)
        .select_related("program", "office")
        .prefetch_related("online_offices")
    )
    attendance = Attendance.objects.select_related(
        "session__program", "session__office", "client", "family_member"
    )
    days = MunicipalDay.objects.filter(archived_at__isnull=True).select_related("municipality", "office")
    reservations = Reservation.objects.select_related(
        "day__municipality", "day__office", "client", "family_member", "consultation__client"
    )
    events = OutreachEvent.objects.select_related("office", "health_area").prefetch_related(
        "participant_counts__category"
    )
    return {
        "clients": Counter(
            (c.case_number, c.name, c.kana, c.sex, c.birth_date, _name(c.municipality), c.office.name, _name(c.referral_route, "label"),
             c.withdrawal_period, c.registered_on, c.status, c.closed_on, _name(c.closure_reason, "label"), c.notes)
            for c in clients
        ),
        "families": Counter((m.client.case_number, m.name, m.relationship, m.birth_date, m.contact) for m in members),
        "consultations": Counter(
            (c.record_number or f"#{c.pk}", c.date, c.office.name, c.method, c.consulter, _name(c.client, "case_number"),
             tuple(sorted(s.username for s in c.staff.all())), c.staff_names, c.duration_minutes, c.content, c.start_time,
             _name(c.municipality), _name(c.family_member), c.agency, _name(c.referral_destination, "label"), c.follow_up_on,
             c.follow_up_done)
            for c in consultations
        ),
        "sessions": Counter(
            (s.program.name, s.date, s.office.name, s.start_time, s.end_time, s.theme, s.status, s.cancel_reason, s.venue, s.notes,
             tuple(sorted(o.name for o in s.online_offices.all())))
            for s in sessions
        ),
        "attendance": Counter(
            (a.session.program.name, a.session.date, a.session.office.name, a.client.case_number, _name(a.family_member))
            for a in attendance
        ),
        "municipal_days": Counter(
            (d.date, d.municipality.name, d.host_type, d.office.name, d.slots, d.reserved, d.consulted, d.case_conference, d.notes)
            for d in days
        ),
        "reservations": Counter(
            (r.day.date, r.day.municipality.name, r.day.office.name, r.time, _name(r.client, "case_number"), r.name, r.by_family,
             _name(r.family_member), timezone.localtime(r.cancelled_at).date() if r.cancelled_at else None,
             (r.consultation.date, r.consultation.start_time, _name(r.consultation.client, "case_number")) if r.consultation else None)
            for r in reservations
        ),
        "events": Counter(
            (e.kind, e.date, e.title, e.office.name, e.format, _name(e.health_area), e.organizer, e.notes,
             tuple(sorted((p.category.label, p.count) for p in e.participant_counts.all())))
            for e in events
        ),
        **casework_snapshot(),
    }  # fmt: skip


def casework_snapshot() -> dict[str, Counter]:
    assessments = Assessment.objects.select_related("client", "assessed_by")
    plans = SupportPlan.objects.select_related(
        "client", "made_by", "review__reviewed_by", "confirmed_by", "decided_at"
    ).prefetch_related("goals__outcome", "supports__staff", "supports__agency", "monitorings__goals__goal")
    meetings = CaseMeeting.objects.select_related("office", "municipality").prefetch_related(
        "clients", "staff", "externals", "decisions__owner", "decided_plans__client"
    )

    def review(p):
        r = getattr(p, "review", None)
        return (r.reviewed_on, r.reviewed_by.username, r.comment, r.kind) if r else None

    def life(p):
        """決定, 同意, 取り下げ and モニタリング of a plan."""
        monitorings = tuple(
            (
                m.monitored_on,
                m.monitored_by_id,
                m.comment,
                tuple((g.goal.text, g.progress, g.comment) for g in m.goals.all()),
            )
            for m in p.monitorings.all()
        )
        return (
            p.decided_on,
            p.decided_via,
            _name(p.confirmed_by, "username"),
            p.decided_at.date if p.decided_at else None,
            p.agreed_on,
            p.agreed_with,
            p.consent_method,
            p.consent_note,
            p.withdrawn_on,
            monitorings,
        )

    return {
        "assessments": Counter(
            (a.client.case_number, a.assessed_on, a.method, a.assessed_by.username, a.person_met, a.outing,
             a.withdrawal_period, *(getattr(a, f) for f in Assessment.PERSONAL_TEXT))
            for a in assessments
        ),
        "plans": Counter(
            (p.client.case_number, p.made_on, p.next_review_on, p.long_term_goal, life(p),
             p.made_by.username, review(p), tuple((g.text, g.basis, getattr(getattr(g, "outcome", None), "outcome", ""),
             getattr(getattr(g, "outcome", None), "comment", "")) for g in p.goals.all()),
             tuple((s.content, _name(s.staff, "username"), _name(s.agency, "label"), s.frequency) for s in p.supports.all()),
             p.follows.made_on if p.follows else None)
            for p in plans
        ),
        "meetings": Counter(
            (m.date, m.office.name, m.kind, _name(m.municipality), m.summary,
             tuple(sorted(c.case_number for c in m.clients.all())), tuple(sorted(u.username for u in m.staff.all())),
             tuple((e.name, e.organisation, e.sharing_basis) for e in m.externals.all()),
             tuple(sorted(p.client.case_number for p in m.decided_plans.all())),
             tuple((d.content, d.owner.username, d.due_on, d.done_on) for d in m.decisions.all()))
            for m in meetings
        ),
        "sharing_consents": Counter(
            (c.client.case_number, c.agencies, tuple(c.items), c.given_by, c.valid_from, c.valid_until,
             c.withdrawn_on, c.recorded_by.username, c.note)
            for c in SharingConsent.objects.select_related("client", "recorded_by")
        ),
    }  # fmt: skip


# Sheets read from what the import formats do not carry: the change history (who carried a case
# at a year's end) and the 受付 records. A center moving in from spreadsheets starts them anew.
NOT_CARRIED = {"担当者別の担当件数", "新規相談受付件数"}


def every_report() -> dict:
    first = Consultation.objects.order_by("date").first().date
    years = range(first.year - (first.month < 4), TODAY.year - (TODAY.month < 4) + 1)
    return {
        fy: [
            (t.sheet, t.rows)
            for t in build_report(Scope(fiscal_year=fy)).tables
            if t.sheet not in NOT_CARRIED
        ]
        for fy in years
    }


def wipe() -> None:
    """An empty database for the records (master data and staff accounts stay, as in a new center)."""
    MeetingDecision.objects.all().delete()
    ExternalParticipant.objects.all().delete()
    SupportPlan.objects.update(decided_at=None)
    GoalProgress.objects.all().delete()
    Monitoring.objects.all().delete()
    SharingConsent.objects.all().delete()
    CaseMeeting.objects.all().delete()
    GoalReview.objects.all().delete()
    PlanReview.objects.all().delete()
    PlanGoal.objects.all().delete()
    PlannedSupport.objects.all().delete()
    SupportPlan.objects.filter(follows__isnull=False).delete()
    SupportPlan.objects.all().delete()
    Assessment.objects.all().delete()
    Intake.objects.all().delete()
    Reservation.objects.all().delete()
    OutreachEvent.objects.all().delete()
    Attendance.objects.all().delete()
    Session.objects.all().delete()
    MunicipalDay.objects.all().delete()
    Consultation.objects.all().delete()
    ClientLog.objects.all().delete()
    FamilyMember.objects.all().delete()
    Client.objects.update(merged_into=None)
    Client.objects.all().delete()


@pytest.fixture
def everything(center, chikuho, chikugo, monkeypatch):
    from django.test import override_settings

    import cases.demo

    monkeypatch.setattr(cases.demo, "YEARLY_VOLUME", [270, 470, 630, 580, 600])  # a tenth of the demo
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", "--accounts-only", "--password", "demo-password-2026", stdout=out)
    seed_cases(stdout=out, clients=60)
    seed_outreach(stdout=out)
    staff = make_user(
        "sato", roles=["coordinator"], offices=[center, chikuho], last_name="佐藤", first_name="一"
    )
    reason = ClosureReason.objects.first()
    closed, suspended, moved = list(Client.objects.current().order_by("case_number")[:3])
    case_services.client_close(
        by=staff,
        client=closed,
        status="終結",
        closed_on=TODAY - dt.timedelta(days=30),
        reason=reason,
        note="就労",
        exit_route="つなぎ先",
        exit_destination=ReferralDestination.objects.get(label="ハローワーク"),
    )
    case_services.client_close(
        by=staff, client=suspended, status="中断", closed_on=TODAY - dt.timedelta(days=10), reason=None
    )
    Client.objects.filter(pk=moved.pk).update(notes="複数行の\n備考")
    mother = FamilyMember.objects.create(
        client=moved,
        name="移動 母",
        relationship="母",
        birth_date=dt.date(1960, 1, 2),
        contact="090-0000-0000",
    )
    kurume = Municipality.objects.get(name="久留米市")
    case_services.consultation_record(
        by=staff,
        office=center,
        date=TODAY - dt.timedelta(days=3),
        method="電話",
        consulter="家族",
        client=moved,
        family_member=mother,
        municipality=kurume,
        start_time=dt.time(9, 30),
        duration_minutes=25,
        content="母より。転居後の相談。",
        agency="保健所",
        referral_destination=ReferralDestination.objects.first(),
        follow_up_on=TODAY + dt.timedelta(days=7),
        record_number="RT-1",
    )
    followed = case_services.consultation_record(
        by=staff,
        office=chikuho,
        date=TODAY - dt.timedelta(days=2),
        method="来所",
        consulter="本人",
        client=suspended,
        follow_up_on=TODAY - dt.timedelta(days=1),
    )
    case_services.consultation_follow_up_done(by=staff, consultation=followed)
    online = make_session(
        center,
        free_day(center, "フリースペース", 5),
        venue="センター2階",
        notes="雨天",
        theme="オンライン併用",
    )
    online.online_offices.set([chikuho, chikugo])
    family_session = make_session(center, free_day(center, "家族のつどい", 6), program="家族のつどい")
    Attendance.objects.create(session=family_session, client=moved, family_member=mother, created_by=staff)
    make_session(center, free_day(center, "フリースペース", 8), status="中止", cancel_reason="台風")
    day = make_day(
        center, TODAY - dt.timedelta(days=4), "宗像市", slots=4, notes="会場変更", case_conference=True
    )
    outreach_services.reservation_book(by=staff, day=day, time=dt.time(10), client=moved, by_family=True)
    held = outreach_services.reservation_book(
        by=staff, day=MunicipalDay.objects.get(pk=day.pk), time=dt.time(11), client=closed
    )
    outreach_services.reservation_record_consultation(
        by=staff, reservation=held, content="面談", duration_minutes=50, staff=[staff]
    )
    cancelled = outreach_services.reservation_book(
        by=staff, day=MunicipalDay.objects.get(pk=day.pk), time=dt.time(13, 30), name="匿名の方"
    )
    outreach_services.reservation_cancel(by=staff, reservation=cancelled)
    categories = list(AffiliationCategory.objects.all()[:2])
    outreach_services.event_save(
        by=staff,
        event=OutreachEvent(
            kind="研修会",
            date=TODAY - dt.timedelta(days=20),
            title="支援者研修",
            office=center,
            health_area=HealthArea.objects.first(),
            organizer="県",
            notes="第1回",
        ),
        participants={categories[0]: 12, categories[1]: 3},
    )
    casework_services.assessment_record(
        by=staff,
        client=moved,
        assessed_on=TODAY - dt.timedelta(days=120),
        assessed_by=staff,
        method="家族からの聴取",
        outing="自室からは出るが家からは出ない",
        person_wishes="今は（誰にも）会いたくない：本人",
        family_wishes="働いてほしい\n将来が心配",
    )
    first = casework_services.plan_make(
        by=staff,
        client=moved,
        made_on=TODAY - dt.timedelta(days=100),
        next_review_on=TODAY - dt.timedelta(days=10),
        long_term_goal="社会とのつながり",
        goals=[
            {"text": "朝起きる", "basis": "本人の意向"},
            {"text": "家族のつどいに来る", "basis": "家族の意向"},
        ],
        supports=[
            {"content": "訪問", "staff": staff, "frequency": "月2回"},
            {
                "content": "就労の相談",
                "agency": ReferralDestination.objects.get(label="ハローワーク"),
                "frequency": "",
            },
        ],
    )
    casework_services.plan_record_decision(
        by=staff,
        plan=first,
        on=TODAY - dt.timedelta(days=98),
        via="上長確認",
        confirmed_by=make_user(
            "kakunin", roles=["supervisor"], offices=[center], last_name="確認", first_name="次郎"
        ),
    )
    casework_services.plan_consent(
        by=staff,
        plan=first,
        agreed_on=TODAY - dt.timedelta(days=97),
        agreed_with="家族",
        method="家族を通じて",
    )
    casework_services.monitoring_record(
        by=staff,
        plan=first,
        monitored_on=TODAY - dt.timedelta(days=50),
        comment="外出の回数が増えた",
        progress={g.pk: ("順調" if g.text == "朝起きる" else "変化なし", "週3回") for g in first.goals.all()},
    )
    withdrawn = casework_services.plan_make(
        by=staff,
        client=suspended,
        made_on=TODAY - dt.timedelta(days=40),
        next_review_on=TODAY + dt.timedelta(days=40),
        goals=[{"text": "電話に出る", "basis": "家族の意向"}],
    )
    casework_services.plan_withdraw(by=staff, plan=withdrawn, on=TODAY - dt.timedelta(days=30))
    casework_services.plan_review(
        by=staff,
        plan=first,
        reviewed_on=TODAY - dt.timedelta(days=10),
        comment="少し前進",
        outcomes={g.pk: ("一部達成" if g.text == "朝起きる" else "達成", "") for g in first.goals.all()},
    )
    casework_services.plan_make(
        by=staff,
        client=moved,
        made_on=TODAY - dt.timedelta(days=10),
        next_review_on=TODAY + dt.timedelta(days=80),
        goals=[{"text": "朝起きる", "basis": "両方"}],
    )
    consent_services.consent_record(
        by=staff,
        client=moved,
        agencies="保健所\n福祉課",
        items=["相談内容", "支援計画"],
        given_by="本人",
        valid_from=TODAY - dt.timedelta(days=20),
        note="会議で共有してよい",
    )
    old = consent_services.consent_record(
        by=staff,
        client=moved,
        agencies="病院",
        items=["アセスメント"],
        given_by="家族",
        valid_from=TODAY - dt.timedelta(days=60),
        valid_until=TODAY + dt.timedelta(days=300),
    )
    consent_services.consent_withdraw(by=staff, consent=old, on=TODAY - dt.timedelta(days=15))
    casework_services.meeting_record(
        by=staff,
        office=center,
        date=TODAY - dt.timedelta(days=5),
        kind="関係機関",
        staff=[staff],
        clients=[moved, suspended],
        decides_plans_of=[moved],
        externals=[
            {"name": "保健 花子", "organisation": "春日保健所", "sharing_basis": "支援会議"},
            {"name": "福祉 一郎", "organisation": "市福祉課", "sharing_basis": "共有しない"},
        ],
        decisions=[
            {"content": "家族面談", "owner": staff, "due_on": TODAY + dt.timedelta(days=7)},
            {
                "content": "受診の情報",
                "owner": staff,
                "due_on": TODAY - dt.timedelta(days=1),
                "done_on": TODAY,
            },
        ],
        summary="役割分担を確認",
    )


def export_all(folder) -> list:
    files = []
    for index, kind in enumerate(ORDER):
        path = folder / f"{kind}.{'xlsx' if index % 2 else 'csv'}"  # both formats
        call_command("export_records", kind, str(path), stdout=io.StringIO())
        files.append((kind, path))
    return files


def test_export_then_import_into_an_empty_database_loses_nothing(everything, tmp_path, capsys):
    before, figures = snapshot(), every_report()
    assert all(before[kind] for kind in before), [kind for kind in before if not before[kind]]
    files = export_all(tmp_path)
    wipe()
    assert not Client.objects.exists() and not Reservation.objects.exists()
    for kind, path in files:
        err = io.StringIO()
        try:
            call_command("import_records", kind, str(path), stdout=io.StringIO(), stderr=err)
        except Exception as exc:
            raise AssertionError(f"{kind}: {err.getvalue()[:2000]}") from exc
    after = snapshot()
    for kind in before:
        assert after[kind] == before[kind], (
            f"{kind}: lost {before[kind] - after[kind]}, gained {after[kind] - before[kind]}"
        )
    assert every_report() == figures
    sizes = {kind: sum(before[kind].values()) for kind in before}
    print("round trip:", ", ".join(f"{kind} {n}" for kind, n in sizes.items()))


def test_importing_the_same_kinds_again_changes_nothing(everything, tmp_path):
    """A second import of an export (a fresh copy of the same records) finds every record and
    changes none: every kind is keyed, nothing is duplicated."""
    before = snapshot()
    for kind in ORDER:
        path = tmp_path / f"{kind}.csv"
        call_command("export_records", kind, str(path), stdout=io.StringIO())
        out = io.StringIO()
        call_command("import_records", kind, str(path), stdout=out, stderr=io.StringIO())
        lines = out.getvalue().strip().splitlines()
        assert lines and all("created 0, updated 0," in line for line in lines), f"{kind}: {out.getvalue()}"
    assert snapshot() == before


def test_a_supervisor_downloads_everything_as_one_zip_that_imports_back(
    everything, supervisor_client, supervisor, tmp_path
):
    import zipfile

    from django.http import StreamingHttpResponse
    from django.urls import reverse

    from hikikomori.models import AuditEvent

    before = snapshot()
    response = supervisor_client.get(reverse("exchange:export_all"))
    assert isinstance(response, StreamingHttpResponse) and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert [name.split("_", 1)[1] for name in names] == [f"{kind}.csv" for kind in ORDER]
    assert AuditEvent.objects.filter(action="export", target="all_records", user=supervisor).exists()
    wipe()
    for name in names:
        path = tmp_path / name
        path.write_bytes(archive.read(name))
        call_command(
            "import_records",
            name.split("_", 1)[1][:-4],
            str(path),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert snapshot() == before
