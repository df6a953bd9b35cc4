"""Demo data: assessments for a share of the demo clients, support plans for most of them in every
state of their life (案 waiting for 確認, withdrawn, decided at a meeting or by 確認, agreed or not,
monitored, evaluated and carried on, evaluated at 終結 and closed), consents to share information
(in force, withdrawn, expired) and case meetings, written through the services, with history."""

import datetime as dt
import random
from collections import Counter

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from cases.models import Client, ClientStatus, ClosureReason, ExitRoute
from cases.services import client_close
from hikikomori.demo import register_demo_step
from hikikomori.models import Role, User

from . import consent, services
from .models import (
    AssessmentMethod,
    ConsentMethod,
    GoalBasis,
    MeetingKind,
    Outcome,
    Outing,
    Progress,
    SharedItem,
    SharingBasis,
    SupportPlan,
)

PERSON_WISHES = [
    "今は人に会いたくない",
    "昼夜逆転を直したい",
    "いつかは働きたい",
    "家族と話せるようになりたい",
    "（本人に会えていない）",
]
FAMILY_WISHES = ["外に出てほしい", "将来のお金が心配", "まずは本人と話せるようになりたい", "親亡き後が不安"]
RHYTHMS = ["昼夜逆転。午後に起きる。", "朝は起きるが日中は自室で過ごす。", "夜はゲームをして過ごす。"]
GOALS = [
    ("週に1回フリースペースに来る", GoalBasis.PERSON),
    ("家族が家族のつどいに参加する", GoalBasis.FAMILY),
    ("朝10時までに起きる", GoalBasis.BOTH),
    ("コンビニに一人で行く", GoalBasis.PERSON),
    ("本人と家族で話す時間をつくる", GoalBasis.BOTH),
]
SUPPORTS = ["月2回の訪問", "家族面談（月1回）", "フリースペースの案内", "医療機関への同行"]
DECISIONS = [
    "家族面談を設定する",
    "保健師と同行訪問する",
    "医療機関の情報を家族に渡す",
    "次回の会議で経過を確認する",
]


@register_demo_step
def seed_casework(*, stdout, seed: int = 2026) -> None:
    if SupportPlan.objects.filter(client__case_number__startswith="D-").exists():
        stdout.write("Demo assessments and plans: already present, left as they are.")
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    staff = {
        office_id: user
        for user in User.objects.filter(is_active=True, groups__name__in=[Role.COORDINATOR, Role.SUPERVISOR])
        for office_id in user.offices.values_list("pk", flat=True)
    }
    supervisors = list(User.objects.filter(is_active=True, groups__name=Role.SUPERVISOR).order_by("pk"))
    clients = (
        Client.objects.filter(
            case_number__startswith="D-", status=ClientStatus.ACTIVE, merged_into__isnull=True
        )
        .annotate(first=Min("consultations__date"))
        .filter(first__isnull=False)
        .order_by("pk")
    )
    counts: Counter = Counter()
    with transaction.atomic():
        for client in clients:
            by = staff.get(client.office_id)
            if by is None or rng.random() > 0.4:
                continue
            assessed_on = min(client.first + dt.timedelta(days=rng.randint(7, 60)), today)
            met = rng.random() < 0.5
            services.assessment_record(
                by=by,
                client=client,
                assessed_on=assessed_on,
                assessed_by=by,
                method=AssessmentMethod.INTERVIEW if met else AssessmentMethod.FROM_FAMILY,
                person_met=met,
                outing=rng.choice(list(Outing)),
                withdrawal_period=client.withdrawal_period,
                daily_rhythm=rng.choice(RHYTHMS),
                person_wishes=rng.choice(PERSON_WISHES[:-1]) if met else PERSON_WISHES[-1],
                family_wishes=rng.choice(FAMILY_WISHES),
            )
            counts["assessments"] += 1
            if rng.random() < 0.3:
                _sharing_consent(client, by, assessed_on, today, rng)
                counts["sharing consents"] += 1
            made_on = min(assessed_on + dt.timedelta(days=14), today)
            goals = [{"text": text, "basis": basis} for text, basis in rng.sample(GOALS, 2)]
            while True:
                plan = _plan(client, by, made_on, goals, rng)
                counts["support plans"] += 1
                if not _settle(plan, by, supervisors, today, met, rng, counts):
                    break  # a 案 waiting, or a plan in force until its review date
                review_on = made_on + dt.timedelta(days=90)
                if review_on > today or rng.random() > 0.6:
                    break
                services.plan_review(
                    by=by,
                    plan=plan,
                    reviewed_on=review_on,
                    comment="少しずつ外出の機会が増えている",
                    outcomes={g.pk: (rng.choice(list(Outcome)), "") for g in plan.goals.all()},
                )
                counts["reviews"] += 1
                made_on, goals = review_on, _carried(plan, rng)
        counts["case meetings"] = _meetings(rng, staff, today)
        counts["closed after the last plan's evaluation"] = _closings(today, rng)
    stdout.write("Demo case work: " + ", ".join(f"{kind}: {n}" for kind, n in counts.items()))


def _plan(client, by, made_on, goals, rng):
    return services.plan_make(
        by=by,
        client=client,
        made_on=made_on,
        long_term_goal="自分のペースで社会とのつながりを取り戻す",
        next_review_on=made_on + dt.timedelta(days=90),
        goals=goals,
        supports=[{"content": rng.choice(SUPPORTS), "staff": by, "frequency": "月1～2回"}],
    )


def _settle(plan, by, supervisors, today, met, rng, counts) -> bool:
    """Decide the 案 (a supervisor's 確認, or a case meeting about it), record the 同意 and a
    モニタリング, leaving every state a center has: 案 waiting for 確認, withdrawn, decided without
    同意, 同意なし. True when the plan is in force."""
    decided_on = plan.made_on + dt.timedelta(days=rng.randint(2, 10))
    if decided_on > today:
        return False  # waiting for 確認 on the supervisor's ホーム
    if rng.random() < 0.03:
        services.plan_withdraw(by=by, plan=plan, on=decided_on)
        counts["withdrawn"] += 1
        return False
    checker = next((s for s in supervisors if s.pk != by.pk), None)
    if checker is not None and rng.random() < 0.5:
        services.plan_confirm(by=checker, plan=plan, on=decided_on)
    else:
        services.meeting_record(
            by=by,
            office=plan.client.office,
            date=decided_on,
            kind=MeetingKind.IN_HOUSE,
            staff=[by],
            clients=[plan.client],
            decides_plans_of=[plan.client],
            summary="支援計画（案）を検討し、決定した",
        )
    plan.refresh_from_db()
    counts["decided"] += 1
    agreed_on = min(decided_on + dt.timedelta(days=rng.randint(0, 14)), today)
    roll = rng.random()
    if roll < 0.05:
        services.plan_consent(
            by=by, plan=plan, agreed_on=agreed_on, agreed_with="本人", method=ConsentMethod.NONE,
            note="本人は計画を見ることを望まなかった。家族と相談を続ける。",
        )  # fmt: skip
    elif roll < 0.9:
        how = ConsentMethod.SIGNATURE if met else ConsentMethod.THROUGH_FAMILY
        services.plan_consent(
            by=by, plan=plan, agreed_on=agreed_on, agreed_with="本人と家族" if met else "家族", method=how
        )
        counts["agreed"] += 1
    monitored_on = plan.made_on + dt.timedelta(days=45)
    if monitored_on <= today:
        services.monitoring_record(
            by=by,
            plan=plan,
            monitored_on=monitored_on,
            comment="面談で様子を確認した",
            progress={g.pk: (rng.choice(list(Progress)), "") for g in plan.goals.all()},
        )
        counts["monitoring"] += 1
    return True


def _sharing_consent(client, by, on, today, rng) -> None:
    kept = consent.consent_record(
        by=by,
        client=client,
        agencies=rng.choice(["保健福祉環境事務所\n市福祉課", "保健福祉環境事務所", "医療機関"]),
        items=[SharedItem.CONSULTATIONS, SharedItem.PLAN],
        given_by="本人" if rng.random() < 0.5 else "家族",
        valid_from=on,
        valid_until=on + dt.timedelta(days=365) if rng.random() < 0.5 else None,
    )
    if rng.random() < 0.15 and on + dt.timedelta(days=30) <= today:
        consent.consent_withdraw(by=by, consent=kept, on=on + dt.timedelta(days=30))


def _closings(today, rng) -> int:
    """A few cases close: the plan in force is evaluated at 終結 first (終結 asks for it)."""
    reason = ClosureReason.objects.filter(is_active=True).first()
    plans = list(
        SupportPlan.objects.current()
        .filter(client__case_number__startswith="D-", agreed_on__isnull=False, monitorings__isnull=False)
        .select_related("client", "made_by")
        .distinct()
        .order_by("pk")
    )
    closed = 0
    for plan in plans:
        on = plan.made_on + dt.timedelta(days=80)
        if on > today or rng.random() > 0.1:
            continue
        services.plan_review(
            by=plan.made_by,
            plan=plan,
            reviewed_on=on,
            kind="終結",
            comment="本人の希望で地域の居場所に通い始め、支援を終える",
            outcomes={g.pk: (Outcome.ACHIEVED, "") for g in plan.goals.all()},
        )
        client_close(
            by=plan.made_by, client=plan.client, status=ClientStatus.CLOSED, closed_on=on, reason=reason,
            exit_route=ExitRoute.PLACE,
        )  # fmt: skip
        closed += 1
    return closed


def _carried(plan, rng: random.Random) -> list[dict]:
    """The next plan carries on the goals not reached (as the screen proposes) and adds one."""
    kept = [
        {"text": g.text, "basis": g.basis}
        for g in plan.goals.all()
        if g.outcome.outcome in (Outcome.PARTLY, Outcome.NOT_YET)
    ]
    fresh = [{"text": t, "basis": b} for t, b in GOALS if t not in {g["text"] for g in kept}]
    return [*kept, rng.choice(fresh)]


def _meetings(rng: random.Random, staff: dict, today: dt.date) -> int:
    """A case meeting a month per office over the last year, discussing two or three of its clients."""
    count = 0
    for office_id, by in staff.items():
        clients = list(
            Client.objects.filter(
                office_id=office_id,
                case_number__startswith="D-",
                status=ClientStatus.ACTIVE,
                merged_into__isnull=True,
            )
        )
        if len(clients) < 3:
            continue
        for months_ago in range(12):
            day = today - dt.timedelta(days=30 * months_ago + rng.randint(0, 20))
            discussed = rng.sample(clients, rng.randint(2, 3))
            externals = []
            if rng.random() < 0.5:
                # shared on the clients' consent where each has one, else as a 支援会議 or not at all
                covered = not consent.uncovered(discussed, "保健福祉環境事務所", day)
                basis = "" if covered else rng.choice([SharingBasis.SUPPORT_MEETING, SharingBasis.NOT_SHARED])
                externals = [
                    {"name": "保健 花子", "organisation": "保健福祉環境事務所", "sharing_basis": basis}
                ]
            services.meeting_record(
                by=by,
                office=by.offices.get(pk=office_id),
                date=day,
                kind=rng.choice(list(MeetingKind)),
                staff=[by],
                clients=discussed,
                externals=externals,
                decisions=[
                    {"content": rng.choice(DECISIONS), "owner": by, "due_on": day + dt.timedelta(days=14)}
                ],
                summary="支援の方向性と役割分担を確認した",
            )
            count += 1
    return count
