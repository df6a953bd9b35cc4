"""Writing assessments, support plans and reviews: one door, with validation, change history,
version checks and audit entries, whichever screen or import calls it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Client, refuse_anonymised
from cases.services import save_with_version
from hikikomori import history
from hikikomori.audit import audit
from hikikomori.models import AuditEvent, User

from .models import Assessment, GoalReview, PlanGoal, PlannedSupport, PlanReview, SupportPlan


@transaction.atomic
def assessment_record(*, by: User, client: Client, **fields) -> Assessment:
    refuse_anonymised(client)
    assessment = Assessment(client=client, **fields)
    assessment.full_clean()
    history.record_by(assessment, by)
    assessment.save()
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
        goal = PlanGoal(plan=plan, **values)
        goal.full_clean()
        history.record_by(goal, by)
        goal.save()
    for values in supports:
        support = PlannedSupport(plan=plan, **values)
        support.full_clean()
        history.record_by(support, by)
        support.save()
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
    review = PlanReview(plan=plan, reviewed_on=reviewed_on, reviewed_by=by, comment=comment)
    review.full_clean()
    history.record_by(review, by)
    review.save()
    for goal in goals:
        outcome, note = outcomes[goal.pk]
        row = GoalReview(review=review, goal=goal, outcome=outcome, comment=note)
        row.full_clean()
        history.record_by(row, by)
        row.save()
    audit(AuditEvent.Action.UPDATE, user=by, target="support_plan", target_id=plan.pk, reviewed=True)
    return review
