"""Small explicit records for tests: plain `objects.create` helpers."""

import datetime as dt

from cases.models import Client, Consultation, Consulter, FamilyMember, Method
from hikikomori.models import Municipality


def make_client(
    office, case_number="C-0001", name="山田 太郎", kana="ヤマダ タロウ", municipality=None, **fields
) -> Client:
    if municipality is not None and not isinstance(municipality, Municipality):
        municipality = Municipality.objects.get(name=municipality)
    fields.setdefault("registered_on", dt.date(2024, 4, 1))
    return Client.objects.create(
        office=office, case_number=case_number, name=name, kana=kana, municipality=municipality, **fields
    )


def make_consultation(
    office, date, method=Method.PHONE, client=None, consulter=Consulter.FAMILY, staff=(), **fields
) -> Consultation:
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    if client is not None and "municipality" not in fields:
        fields["municipality"] = client.municipality
    consultation = Consultation.objects.create(
        office=office, date=date, method=method, client=client, consulter=consulter, **fields
    )
    if staff:
        consultation.staff.set(staff)
    return consultation


def world(*, coordinator, center, chikuho) -> dict:
    """One client of the center with a family member and a consultation."""
    client = make_client(center, municipality="春日市")
    twin = make_client(center, "C-0002", "山田 次郎", "ヤマダ ジロウ", municipality="春日市")
    member = FamilyMember.objects.create(client=client, name="山田 和子", relationship="母")
    consultation = make_consultation(center, "2024-05-01", client=client, staff=[coordinator])
    anonymous = make_consultation(center, "2024-05-02")
    session = make_session(center, "2024-05-14")
    day = make_day(center, "2024-07-10")
    from outreach.models import OutreachEvent, Reservation

    reservation = Reservation.objects.create(day=day, time=dt.time(10), client=client)
    event = OutreachEvent.objects.create(
        kind="講話", date=dt.date(2024, 8, 19), title="研修会での講話", office=center
    )
    from casework.models import Assessment, PlanGoal, SupportPlan

    assessment = Assessment.objects.create(
        client=client, assessed_on=dt.date(2024, 5, 1), assessed_by=coordinator, method="面談"
    )
    plan = SupportPlan.objects.create(
        client=client, made_on=dt.date(2024, 5, 1), made_by=coordinator, next_review_on=dt.date(2024, 8, 1)
    )
    PlanGoal.objects.create(plan=plan, text="週に1回外出する", basis="本人の意向")
    from casework.models import CaseMeeting, MeetingDecision

    meeting = CaseMeeting.objects.create(
        date=dt.date(2024, 6, 1), office=center, kind="所内", created_by=coordinator
    )
    meeting.clients.set([client])
    decision = MeetingDecision.objects.create(
        meeting=meeting, content="家族面談を設定する", owner=coordinator, due_on=dt.date(2024, 6, 15)
    )
    return {
        "session": session,
        "day": day,
        "reservation": reservation,
        "event": event,
        "assessment": assessment,
        "plan": plan,
        "meeting": meeting,
        "decision": decision,
        "coordinator": coordinator,
        "center": center,
        "chikuho": chikuho,
        "client": client,
        "twin": twin,
        "family_member": member,
        "consultation": consultation,
        "anonymous": anonymous,
    }


def make_session(office, date, program="フリースペース", **fields):
    from outreach.models import Program, Session

    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    return Session.objects.create(
        program=Program.objects.get(name=program), office=office, date=date, **fields
    )


def make_day(office, date, municipality="春日市", host_type="センター主催", **fields):
    from hikikomori.slots import times_for
    from outreach.models import MunicipalDay

    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    fields.setdefault("slot_times", times_for(fields.get("slots", 3), None))
    fields["slots"] = len(fields["slot_times"])
    return MunicipalDay.objects.create(
        office=office,
        date=date,
        municipality=Municipality.objects.get(name=municipality),
        host_type=host_type,
        **fields,
    )
