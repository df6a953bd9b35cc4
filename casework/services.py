"""Writing assessments, support plans and reviews: one door, with validation, change history,
version checks and audit entries, whichever screen or import calls it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Client, refuse_anonymised
from cases.services import create_record, save_with_version
from hikikomori import history
from hikikomori.audit import audit
from hikikomori.models import AuditEvent, Municipality, Office, User
from hikikomori.scoping import visible_office_ids
from outreach.models import MunicipalDay
from outreach.services import day_record_case_conference

from .models import (
    Assessment,
    CaseMeeting,
    ExternalParticipant,
    GoalReview,
    MeetingDecision,
    PlanGoal,
    PlannedSupport,
    PlanReview,
    SupportPlan,
)


@transaction.atomic
def assessment_record(*, by: User, client: Client, **fields) -> Assessment:
    refuse_anonymised(client)
    assessment = create_record(Assessment(client=client, **fields), by)
    audit(AuditEvent.Action.CREATE, user=by, target="assessment", target_id=assessment.pk)
    return assessment


@transaction.atomic
def assessment_update(*, by: User, assessment: Assessment, version: int, **fields) -> Assessment:
    refuse_anonymised(assessment.client)
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment.full_clean()
    history.record_by(assessment, by)
    save_with_version(assessment, version, fields)
    audit(
        AuditEvent.Action.UPDATE, user=by, target="assessment", target_id=assessment.pk, fields=sorted(fields)
    )
    return assessment


def current_plan(client: Client) -> SupportPlan | None:
    return client.plans.current().order_by("-made_on", "-id").first()


@transaction.atomic
def plan_make(
    *,
    by: User,
    client: Client,
    goals: Iterable[Mapping],
    supports: Iterable[Mapping] = (),
    **fields,
) -> SupportPlan:
    """A new support plan. A client has one current plan: the one before must have been reviewed,
    and the new plan carries it on."""
    refuse_anonymised(client)
    list(Client.objects.select_for_update().filter(pk=client.pk).values_list("pk"))  # one plan at a time
    goals, supports = list(goals), list(supports)
    if current_plan(client) is not None:
        raise ValidationError(_("今の支援計画を見直してから、次の計画を作ってください。"))
    if not goals:
        raise ValidationError(_("短期目標を1つ以上入力してください。"))
    previous = client.plans.order_by("-made_on", "-id").first()
    plan = SupportPlan(client=client, made_by=fields.pop("made_by", by), follows=previous, **fields)
    plan.full_clean()
    if plan.next_review_on < plan.made_on:
        raise ValidationError({"next_review_on": _("次回見直し日は作成日より後にしてください。")})
    history.record_by(plan, by)
    plan.save()
    for values in goals:
        create_record(PlanGoal(plan=plan, **values), by)
    for values in supports:
        create_record(PlannedSupport(plan=plan, **values), by)
    audit(AuditEvent.Action.CREATE, user=by, target="support_plan", target_id=plan.pk, goals=len(goals))
    return plan


@transaction.atomic
def plan_review(
    *,
    by: User,
    plan: SupportPlan,
    reviewed_on: dt.date,
    outcomes: Mapping[int, tuple[str, str]],
    comment: str = "",
) -> PlanReview:
    """見直し: every goal gets 達成 / 一部達成 / 未達成 / 中止 (and a comment)."""
    refuse_anonymised(plan.client)
    plan = SupportPlan.objects.select_for_update().get(pk=plan.pk)
    if PlanReview.objects.filter(plan=plan).exists():
        raise ValidationError(_("この支援計画はすでに見直しています。"))
    goals = list(plan.goals.all())
    missing = [g for g in goals if g.pk not in outcomes]
    if missing:
        raise ValidationError(_("すべての短期目標に結果を選んでください。"))
    if reviewed_on < plan.made_on:
        raise ValidationError({"reviewed_on": _("見直し日は計画の作成日より後にしてください。")})
    review = create_record(
        PlanReview(plan=plan, reviewed_on=reviewed_on, reviewed_by=by, comment=comment), by
    )
    for goal in goals:
        outcome, note = outcomes[goal.pk]
        create_record(GoalReview(review=review, goal=goal, outcome=outcome, comment=note), by)
    audit(AuditEvent.Action.UPDATE, user=by, target="support_plan", target_id=plan.pk, reviewed=True)
    return review


@transaction.atomic
def meeting_record(
    *,
    by: User | None,
    office: Office,
    date: dt.date,
    kind: str,
    staff: Iterable[User],
    clients: Iterable[Client],
    externals: Iterable[Mapping] = (),
    decisions: Iterable[Mapping] = (),
    municipality: Municipality | None = None,
    municipal_day: MunicipalDay | None = None,
    summary: str = "",
) -> CaseMeeting:
    """A case meeting with the clients discussed (only clients the recording user's offices hold),
    the staff and outside people present, and decisions with an owner and a due date. A meeting
    held on a municipal consultation day marks that day as used for a case conference."""
    clients, staff = list(clients), list(staff)
    # A command (an import) has no user and sees every office.
    allowed = set(visible_office_ids(by)) if by is not None else {office.pk, *(c.office_id for c in clients)}
    errors = {}
    if office.pk not in allowed:
        errors["office"] = _("担当していない拠点の会議は記録できません。")
    outside = [c.case_number for c in clients if c.office_id not in allowed]
    if outside:
        errors["clients"] = _("担当拠点の利用者だけを選べます（%(numbers)s）。") % {
            "numbers": "、".join(outside)
        }
    if not clients:
        errors["clients"] = _("検討した利用者を1人以上入力してください。")
    if municipal_day is not None and municipal_day.office_id != office.pk:
        errors["office"] = _("市町村相談会と同じ拠点を選んでください。")
    if errors:
        raise ValidationError(errors)
    for client in clients:
        refuse_anonymised(client, "clients")
    meeting = CaseMeeting(
        date=date,
        office=office,
        kind=kind,
        municipality=municipality or (municipal_day.municipality if municipal_day else None),
        municipal_day=municipal_day,
        summary=summary,
        created_by=by,
    )
    meeting.full_clean(exclude=["staff", "clients"])
    history.record_by(meeting, by)
    meeting.save()
    meeting.staff.set(staff or ([by] if by is not None else []))
    meeting.clients.set(clients)
    for values in externals:
        create_record(ExternalParticipant(meeting=meeting, **values), by)
    for values in decisions:
        create_record(MeetingDecision(meeting=meeting, **values), by)
    if municipal_day is not None and by is not None and not municipal_day.case_conference:
        day_record_case_conference(by=by, day=municipal_day, notes="")
    audit(
        AuditEvent.Action.CREATE, user=by, target="case_meeting", target_id=meeting.pk, clients=len(clients)
    )
    return meeting


@transaction.atomic
def decision_done(*, by: User, decision: MeetingDecision, on: dt.date) -> MeetingDecision:
    if decision.done_on is None:
        decision.done_on = on
        history.record_by(decision, by)
        decision.save(update_fields=["done_on"])
    return decision
