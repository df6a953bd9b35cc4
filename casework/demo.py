"""Demo data: assessments for a share of the demo clients, support plans for most of them, and a
review followed by the next plan for some (written through the services, with history)."""

import datetime as dt
import random

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from cases.models import Client, ClientStatus
from hikikomori.demo import register_demo_step
from hikikomori.models import User

from . import services
from .models import AssessmentMethod, GoalBasis, MeetingKind, Outcome, Outing, SupportPlan

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
        for user in User.objects.filter(is_active=True)
        for office_id in user.offices.values_list("pk", flat=True)
    }
    clients = (
        Client.objects.filter(
            case_number__startswith="D-", status=ClientStatus.ACTIVE, merged_into__isnull=True
        )
        .annotate(first=Min("consultations__date"))
        .filter(first__isnull=False)
        .order_by("pk")
    )
    assessments = plans = reviews = 0
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
            assessments += 1
            made_on = min(assessed_on + dt.timedelta(days=14), today)
            plan = services.plan_make(
                by=by,
                client=client,
                made_on=made_on,
                long_term_goal="自分のペースで社会とのつながりを取り戻す",
                agreed_with="本人と家族" if met else "家族",
                agreed_on=made_on,
                next_review_on=made_on + dt.timedelta(days=90),
                goals=[{"text": text, "basis": basis} for text, basis in rng.sample(GOALS, 2)],
                supports=[{"content": rng.choice(SUPPORTS), "staff": by, "frequency": "月1～2回"}],
            )
            plans += 1
            review_on = made_on + dt.timedelta(days=90)
            if review_on <= today and rng.random() < 0.6:
                services.plan_review(
                    by=by,
                    plan=plan,
                    reviewed_on=review_on,
                    comment="少しずつ外出の機会が増えている",
                    outcomes={g.pk: (rng.choice(list(Outcome)), "") for g in plan.goals.all()},
                )
                reviews += 1
                services.plan_make(
                    by=by,
                    client=client,
                    made_on=review_on,
                    long_term_goal="自分のペースで社会とのつながりを取り戻す",
                    agreed_with="本人と家族" if met else "家族",
                    agreed_on=review_on,
                    next_review_on=review_on + dt.timedelta(days=90),
                    goals=_carried(plan, rng),
                )
                plans += 1
        meetings = _meetings(rng, staff, today)
    stdout.write(
        f"Demo assessments: {assessments}, support plans: {plans}, reviews: {reviews}, case meetings: {meetings}"
    )


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
            services.meeting_record(
                by=by,
                office=by.offices.get(pk=office_id),
                date=day,
                kind=rng.choice(list(MeetingKind)),
                staff=[by],
                clients=rng.sample(clients, rng.randint(2, 3)),
                externals=[{"name": "保健 花子", "organisation": "保健福祉環境事務所"}]
                if rng.random() < 0.5
                else [],
                decisions=[
                    {"content": rng.choice(DECISIONS), "owner": by, "due_on": day + dt.timedelta(days=14)}
                ],
                summary="支援の方向性と役割分担を確認した",
            )
            count += 1
    return count
