"""Writing assessments, support plans and reviews: one door, with validation, change history,
version checks and audit entries, whichever screen or import calls it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Client, refuse_anonymised
from cases.services import create_record, register_closing_check, save_with_version
from hikikomori import history
from hikikomori.audit import audit
from hikikomori.models import AuditEvent, Municipality, Office, Role, User
from hikikomori.scoping import visible_office_ids
from outreach.models import MunicipalDay
from outreach.services import day_record_case_conference

from .consent import sharing_basis_for
from .models import (
    Assessment,
    CaseMeeting,
    ConsentMethod,
    DecidedVia,
    ExternalParticipant,
    GoalProgress,
    GoalReview,
    MeetingDecision,
    Monitoring,
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


def _lock_client(client: Client) -> None:
    list(Client.objects.select_for_update().filter(pk=client.pk).values_list("pk"))  # one plan at a time


def _locked(plan: SupportPlan) -> SupportPlan:
    return SupportPlan.objects.select_for_update().select_related("client").get(pk=plan.pk)


def _save_step(plan: SupportPlan, by: User | None, fields: list[str]) -> None:
    """A step of a locked plan saved: a new version, its change history with who did it."""
    plan.version += 1
    history.record_by(plan, by)
    plan.save(update_fields=[*fields, "version"])


@transaction.atomic
def plan_make(
    *,
    by: User,
    client: Client,
    goals: Iterable[Mapping],
    supports: Iterable[Mapping] = (),
    **fields,
) -> SupportPlan:
    """A new support plan, made as 案: it is in force only once decided (at a case meeting or by a
    supervisor's 確認). A client has one plan at a time: the one before must have been evaluated
    (見直し) and any other 案 decided or withdrawn; the new plan carries the one before on."""
    refuse_anonymised(client)
    _lock_client(client)
    goals, supports = list(goals), list(supports)
    if current_plan(client) is not None:
        raise ValidationError(_("今の支援計画を見直してから、次の計画を作ってください。"))
    if client.plans.drafts().exists():
        raise ValidationError(
            _("決定していない支援計画（案）があります。決定するか取り下げてから作ってください。")
        )
    if not goals:
        raise ValidationError(_("短期目標を1つ以上入力してください。"))
    previous = client.plans.decided().order_by("-made_on", "-id").first()
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


def _refuse_undecidable(plan: SupportPlan, on: dt.date) -> None:
    if not plan.is_draft:
        raise ValidationError(_("この支援計画は案ではありません（%(state)s）。") % {"state": plan.state})
    if on < plan.made_on:
        raise ValidationError(_("決定日は計画の作成日より後にしてください。"))
    if on > timezone.localdate():
        raise ValidationError(_("未来の日付は指定できません。"))


@transaction.atomic
def plan_confirm(*, by: User, plan: SupportPlan, on: dt.date) -> SupportPlan:
    """上長確認: a supervisor decides a 案 (for a center that does not meet about every plan).
    Nobody confirms a plan they made themselves."""
    plan = _locked(plan)
    refuse_anonymised(plan.client)
    if not by.has_role(Role.SUPERVISOR):
        raise ValidationError(_("支援計画の確認はスーパーバイザーだけができます。"))
    if plan.made_by_id == by.pk:
        raise ValidationError(
            _("自分で作成した支援計画は確認できません。ほかのスーパーバイザーに依頼してください。")
        )
    _refuse_undecidable(plan, on)
    plan.decided_on, plan.decided_via, plan.confirmed_by = on, DecidedVia.CONFIRMATION, by
    _save_step(plan, by, ["decided_on", "decided_via", "confirmed_by"])
    audit(AuditEvent.Action.UPDATE, user=by, target="support_plan", target_id=plan.pk, step="decided")
    return plan


@transaction.atomic
def plan_record_decision(
    *, by: User | None, plan: SupportPlan, on: dt.date, via: str, confirmed_by: User | None = None
) -> SupportPlan:
    """A decision recorded from a file (an import): when and how the 案 was decided. A meeting's
    own import links the plans it decided (`meeting_record(decides_plans_of=…)`)."""
    plan = _locked(plan)
    refuse_anonymised(plan.client)
    if via not in DecidedVia.values:
        raise ValidationError(_("決定の方法を選んでください。"))
    _refuse_undecidable(plan, on)
    plan.decided_on, plan.decided_via = on, via
    plan.confirmed_by = confirmed_by if via == DecidedVia.CONFIRMATION else None
    _save_step(plan, by, ["decided_on", "decided_via", "confirmed_by"])
    audit(AuditEvent.Action.UPDATE, user=by, target="support_plan", target_id=plan.pk, step="decided")
    return plan


def _decide_at_meeting(*, by: User | None, plan: SupportPlan, meeting: CaseMeeting) -> None:
    plan = _locked(plan)
    if plan.decided_via == DecidedVia.MEETING and plan.decided_on == meeting.date and not plan.decided_at_id:
        plan.decided_at = meeting  # decided on this meeting's day, recorded before the meeting (an import)
        _save_step(plan, by, ["decided_at"])
        return
    _refuse_undecidable(plan, meeting.date)
    plan.decided_on, plan.decided_via, plan.decided_at = meeting.date, DecidedVia.MEETING, meeting
    _save_step(plan, by, ["decided_on", "decided_via", "decided_at"])
    audit(AuditEvent.Action.UPDATE, user=by, target="support_plan", target_id=plan.pk, step="decided")


@transaction.atomic
def plan_withdraw(*, by: User, plan: SupportPlan, on: dt.date) -> SupportPlan:
    """取り下げ: a 案 that will not be decided (the meeting asked for another one)."""
    plan = _locked(plan)
    refuse_anonymised(plan.client)
    if not plan.is_draft:
        raise ValidationError(_("取り下げられるのは案だけです。"))
    plan.withdrawn_on = on
    _save_step(plan, by, ["withdrawn_on"])
    audit(AuditEvent.Action.UPDATE, user=by, target="support_plan", target_id=plan.pk, step="withdrawn")
    return plan


@transaction.atomic
def plan_consent(
    *, by: User, plan: SupportPlan, agreed_on: dt.date, agreed_with: str, method: str, note: str = ""
) -> SupportPlan:
    """同意: the person (or the family, when the person cannot be met yet) agrees to the decided
    plan, by 署名, 口頭 or 家族を通じて; or does not (同意なし), with the reason."""
    plan = _locked(plan)
    refuse_anonymised(plan.client)
    if plan.decided_on is None:
        raise ValidationError(_("同意は、決定した支援計画について記録します。先に決定してください。"))
    if method == ConsentMethod.NONE and not note.strip():
        raise ValidationError({"consent_note": _("同意が得られなかった理由を入力してください。")})
    if agreed_on < plan.decided_on:
        raise ValidationError({"agreed_on": _("同意日は決定日より後にしてください。")})
    # with 同意なし the date is the day the person (or the family) was asked
    plan.agreed_on, plan.agreed_with, plan.consent_method, plan.consent_note = (
        agreed_on,
        agreed_with,
        method,
        note,
    )
    plan.full_clean()
    _save_step(plan, by, ["agreed_on", "agreed_with", "consent_method", "consent_note"])
    audit(AuditEvent.Action.UPDATE, user=by, target="support_plan", target_id=plan.pk, step="consent")
    return plan


@transaction.atomic
def monitoring_record(
    *,
    by: User,
    plan: SupportPlan,
    monitored_on: dt.date,
    progress: Mapping[int, tuple[str, str]],
    comment: str = "",
) -> Monitoring:
    """モニタリング of the plan in force: how each goal is going."""
    plan = _locked(plan)
    refuse_anonymised(plan.client)
    if plan.decided_on is None:
        raise ValidationError(_("モニタリングは、決定した支援計画について記録します。"))
    if monitored_on < plan.decided_on:
        raise ValidationError({"monitored_on": _("実施日は計画の決定日より後にしてください。")})
    review = PlanReview.objects.filter(plan=plan).first()
    if review is not None and monitored_on > review.reviewed_on:
        raise ValidationError(_("評価した後の支援計画にはモニタリングを記録できません。"))
    goals = list(plan.goals.all())
    if any(g.pk not in progress for g in goals):
        raise ValidationError(_("すべての短期目標に様子を選んでください。"))
    monitoring = create_record(
        Monitoring(plan=plan, monitored_on=monitored_on, monitored_by=by, comment=comment), by
    )
    for goal in goals:
        state, note = progress[goal.pk]
        create_record(GoalProgress(monitoring=monitoring, goal=goal, progress=state, comment=note), by)
    audit(AuditEvent.Action.UPDATE, user=by, target="support_plan", target_id=plan.pk, step="monitored")
    return monitoring


@transaction.atomic
def plan_review(
    *,
    by: User,
    plan: SupportPlan,
    reviewed_on: dt.date,
    outcomes: Mapping[int, tuple[str, str]],
    comment: str = "",
    kind: str = "見直し",
) -> PlanReview:
    """評価 at 見直し or at 終結: every goal gets 達成 / 一部達成 / 未達成 / 中止 (and a comment)."""
    refuse_anonymised(plan.client)
    plan = _locked(plan)
    if kind not in ("見直し", "終結"):
        raise ValidationError(_("評価の時期は「見直し」か「終結」です。"))
    if PlanReview.objects.filter(plan=plan).exists():
        raise ValidationError(_("この支援計画はすでに評価しています。"))
    if plan.decided_on is None:
        raise ValidationError(
            _("評価は決定した支援計画について記録します（この計画は%(state)sです）。") % {"state": plan.state}
        )
    goals = list(plan.goals.all())
    missing = [g for g in goals if g.pk not in outcomes]
    if missing:
        raise ValidationError(_("すべての短期目標に結果を選んでください。"))
    if reviewed_on < plan.made_on:
        raise ValidationError({"reviewed_on": _("見直し日は計画の作成日より後にしてください。")})
    review = create_record(
        PlanReview(plan=plan, reviewed_on=reviewed_on, reviewed_by=by, comment=comment, kind=kind), by
    )
    for goal in goals:
        outcome, note = outcomes[goal.pk]
        create_record(GoalReview(review=review, goal=goal, outcome=outcome, comment=note), by)
    audit(AuditEvent.Action.UPDATE, user=by, target="support_plan", target_id=plan.pk, reviewed=True)
    return review


@register_closing_check
def _last_plan_evaluated(client: Client) -> None:
    """終結 asks for the evaluation of the plan in force."""
    plan = current_plan(client)
    if plan is not None:
        raise ValidationError(
            _(
                "終結の前に、今の支援計画（%(date)s 作成）の評価を記録してください（支援計画のページの「評価を記録」）。"
            )
            % {"date": f"{plan.made_on:%Y/%m/%d}"}
        )


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
    decides_plans_of: Iterable[Client] = (),
) -> CaseMeeting:
    """A case meeting with the clients discussed (only clients the recording user's offices hold),
    the staff and outside people present, and decisions with an owner and a due date; it decides
    the 案 of the clients named in `decides_plans_of`. An outside participant receives the clients'
    information only on a basis: every client's 情報共有の同意 covering their organisation, or a
    legal basis the coordinator names; otherwise they are recorded as 共有しない. A meeting held on
    a municipal consultation day marks that day as used for a case conference."""
    clients, staff, deciding = list(clients), list(staff), list(decides_plans_of)
    # A command (an import) has no user and sees every office.
    allowed = set(visible_office_ids(by)) if by is not None else {office.pk, *(c.office_id for c in clients)}
    errors: dict[str, str | list[str]] = {}
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
    not_discussed = [c.case_number for c in deciding if c not in clients]
    if not_discussed:
        errors["decides_plans_of"] = _(
            "支援計画を決定する利用者は、検討した利用者から選んでください（%(numbers)s）。"
        ) % {"numbers": "、".join(not_discussed)}
    # a 案, or a plan an import recorded as decided at a meeting on this day (linked to it now)
    recorded_earlier = SupportPlan.objects.filter(
        decided_via=DecidedVia.MEETING, decided_on=date, decided_at__isnull=True
    )
    candidates = (SupportPlan.objects.drafts() | recorded_earlier).filter(client__in=deciding)
    drafts = {p.client_id: p for p in candidates.select_related("client")}
    no_draft = [c.case_number for c in deciding if c.pk not in drafts]
    too_early = [p.client.case_number for p in drafts.values() if p.made_on > date]
    if too_early:
        errors["decides_plans_of"] = _("開催日より後に作成した支援計画は決定できません（%(numbers)s）。") % {
            "numbers": "、".join(too_early)
        }
    if no_draft:
        errors["decides_plans_of"] = _("決定する支援計画（案）がありません（%(numbers)s）。") % {
            "numbers": "、".join(no_draft)
        }
    participants: list[dict] = [dict(e) for e in externals]
    unshared: list[str] = []  # every participant without a basis, each named
    for values in participants:
        try:
            values["sharing_basis"] = sharing_basis_for(
                clients, values.get("organisation", ""), date, values.get("sharing_basis", ""), values["name"]
            )
        except ValidationError as exc:
            unshared += exc.messages
    if unshared:
        errors["__all__"] = unshared
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
    for participant in participants:
        create_record(ExternalParticipant(meeting=meeting, **participant), by)
    for decision in decisions:
        create_record(MeetingDecision(meeting=meeting, **decision), by)
    for plan in drafts.values():
        _decide_at_meeting(by=by, plan=plan, meeting=meeting)
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
