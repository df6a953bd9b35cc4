"""Realistic demo clients, families and five fiscal years of consultations for `seed_demo`.

Proportions of methods follow the seed document's figures (Fukuoka, R2–R6): phone about
70%, visits about 16%, visit support rising from 3% to 12%, online well under 1%.
Idempotent: demo records carry case numbers starting with "D-" and are created once.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from hikikomori import bulk
from hikikomori.demo import register_demo_step
from hikikomori.fiscal import fiscal_year_of, fiscal_year_range
from hikikomori.models import Municipality, Office, User

from . import changes
from .models import (
    Client,
    ClientStatus,
    ClosureReason,
    Consultation,
    Consulter,
    ExitRoute,
    FamilyMember,
    Method,
    ReferralDestination,
    ReferralRoute,
    Relationship,
    Sex,
    WithdrawalPeriod,
)

# Demo records get their change history like any write, with this reason.
DEMO_REASON = "デモデータ"

SURNAMES = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("古賀", "コガ"),
    ("江口", "エグチ"),
    ("原田", "ハラダ"),
    ("堤", "ツツミ"),
    ("末永", "スエナガ"),
]
MALE_NAMES = [
    ("太郎", "タロウ"),
    ("健太", "ケンタ"),
    ("翔", "ショウ"),
    ("大輔", "ダイスケ"),
    ("誠", "マコト"),
    ("拓也", "タクヤ"),
    ("浩二", "コウジ"),
]
FEMALE_NAMES = [
    ("花子", "ハナコ"),
    ("美咲", "ミサキ"),
    ("由美", "ユミ"),
    ("愛", "アイ"),
    ("恵", "メグミ"),
    ("彩", "アヤ"),
    ("陽子", "ヨウコ"),
]
PARENT_NAMES = [("和子", "母"), ("洋子", "母"), ("節子", "母"), ("正男", "父"), ("博", "父"), ("茂", "父")]

# Consultations per fiscal year, oldest first, and the share of each method.
YEARLY_VOLUME = [2700, 4700, 6300, 5800, 6000]
METHOD_SHARES = {
    Method.PHONE: 0.70,
    Method.VISIT: 0.16,
    Method.HOME_VISIT: 0.06,
    Method.ACCOMPANY: 0.03,
    Method.ONLINE: 0.004,
    Method.OTHER: 0.046,
}
CONTENTS = [
    "母より電話。本人は昼夜逆転の生活が続いている。接し方について助言。",
    "本人来所。最近の生活リズムについて話す。次回はフリースペースの見学を提案。",
    "自宅訪問。本人と玄関先で短時間会話。",
    "ハローワークへ同行。窓口で求職登録の手続き。",
    "関係機関（市福祉課）より情報提供。家族の状況について共有。",
    "オンライン面談。趣味の話題から近況を聞く。",
]


@register_demo_step
def seed_cases(*, stdout, clients: int = 300, seed: int = 20241) -> None:
    if Client.objects.filter(case_number__startswith="D-").exists():
        stdout.write("Demo clients and consultations: already present, left as they are.")
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    with transaction.atomic():
        # the demo numbers every office's clients D-0001, D-0002, …; a new client continues them
        Office.objects.filter(case_number_prefix="").update(case_number_prefix="D-")
        made_clients = _make_clients(rng, clients, today)
        families = _make_families(rng, made_clients)
        stdout.write(
            f"Demo clients: {len(made_clients)}, family members: {sum(len(m) for m in families.values())}"
        )
        _make_consultations(rng, made_clients, families, today, stdout)
        intakes = _make_intakes()
        stdout.write(f"Demo intakes (受付): {intakes}")
        past = _make_past_cases(today)
        stdout.write(f"Demo cases past their retention period: {past}")
        changes.records_loaded.send(sender=None)  # bulk writes bypass the signals of derived data


def _make_clients(rng: random.Random, count: int, today: dt.date) -> list[Client]:
    offices = list(Office.objects.all())
    municipalities = list(Municipality.objects.select_related("jurisdiction"))
    served = [m for m in municipalities if m.jurisdiction_id]
    routes = list(ReferralRoute.objects.all())
    reasons = list(ClosureReason.objects.all())
    first_fy = fiscal_year_of(today) - len(YEARLY_VOLUME) + 1
    rows = []
    for n in range(1, count + 1):
        surname = rng.choice(SURNAMES)
        sex = rng.choices([Sex.MALE, Sex.FEMALE, Sex.UNKNOWN], weights=[65, 33, 2])[0]
        given = rng.choice(FEMALE_NAMES if sex == Sex.FEMALE else MALE_NAMES)
        municipality = rng.choice(served) if rng.random() < 0.93 else rng.choice(municipalities)
        office = municipality.jurisdiction or offices[0]
        age = rng.choices([17, 24, 33, 44, 53, 62], weights=[8, 45, 20, 17, 7, 3])[0] + rng.randint(0, 6)
        birth = None if rng.random() < 0.12 else today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        registered = fiscal_year_range(first_fy)[0] + dt.timedelta(
            days=rng.randint(0, (today - fiscal_year_range(first_fy)[0]).days)
        )
        status = rng.choices(
            [ClientStatus.ACTIVE, ClientStatus.CLOSED, ClientStatus.SUSPENDED], weights=[75, 18, 7]
        )[0]
        closed_on = None
        if status != ClientStatus.ACTIVE:
            closed_on = min(today, registered + dt.timedelta(days=rng.randint(60, 700)))
        client = Client(
            case_number=f"D-{n:04d}",
            name=f"{surname[0]} {given[0]}",
            kana=f"{surname[1]} {given[1]}",
            sex=sex,
            birth_date=birth,
            municipality=municipality,
            office=office,
            referral_route=rng.choice(routes) if routes else None,
            withdrawal_period=rng.choice(list(WithdrawalPeriod)),
            status=status,
            closed_on=closed_on,
            closure_reason=rng.choice(reasons) if closed_on and reasons else None,
            registered_on=registered,
        )
        client.refresh_search_keys()
        rows.append(client)
    _exits(rows)
    _workers(rows)
    return bulk.create_many(Client, rows, reason=DEMO_REASON)


def _exits(clients: list[Client]) -> None:
    """Where closed demo clients went (its own random stream: the rest of the demo stays as it was)."""
    rng = random.Random(31)
    destinations = list(ReferralDestination.objects.filter(is_active=True))
    for client in clients:
        if client.status == ClientStatus.CLOSED:
            client.exit_route = rng.choices(list(ExitRoute), weights=[40, 25, 10, 15, 10])[0]
            if client.exit_route == ExitRoute.REFERRAL and destinations:
                client.exit_destination = rng.choice(destinations)


def _workers(clients: list[Client]) -> None:
    """主担当 (and, for about a fifth, 副担当) among the staff who may carry each office's clients;
    closed cases keep the worker who carried them. Its own random stream."""
    from hikikomori.scoping import workers_for

    rng = random.Random(41)
    by_office: dict[int, list[User]] = {}
    for client in clients:
        if client.office_id not in by_office:
            by_office[client.office_id] = list(workers_for(client.office_id).order_by("pk"))
        workers = by_office[client.office_id]
        if not workers:
            continue
        client.primary_worker = rng.choice(workers)
        others = [w for w in workers if w.pk != client.primary_worker.pk]
        if others and rng.random() < 0.2:
            client.secondary_worker = rng.choice(others)


def _make_families(rng: random.Random, clients: list[Client]) -> dict[int, list[FamilyMember]]:
    rows = []
    for client in clients:
        parents = [rng.choice(PARENT_NAMES)]
        if rng.random() < 0.25:  # both parents: one mother and one father, never the same person twice
            parents.append(rng.choice([p for p in PARENT_NAMES if p[1] != parents[0][1]]))
        for name, relation in parents:
            rows.append(
                FamilyMember(
                    client=client,
                    name=f"{client.name.split()[0]} {name}",
                    relationship=Relationship.MOTHER if relation == "母" else Relationship.FATHER,
                    contact=f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                )
            )
    families: dict[int, list[FamilyMember]] = {}
    for member in bulk.create_many(FamilyMember, rows, reason=DEMO_REASON):
        families.setdefault(member.client_id, []).append(member)
    return families


def _make_consultations(rng, clients, families, today, stdout) -> None:
    staff_by_office: dict[int, list[User]] = {}
    for user in User.objects.filter(memberships__isnull=False).prefetch_related("memberships"):
        for membership in user.memberships.all():
            staff_by_office.setdefault(membership.office_id, []).append(user)
    destinations = list(ReferralDestination.objects.all())
    offices = list(Office.objects.all())
    served = list(Municipality.objects.exclude(jurisdiction=None))
    methods, weights = zip(*METHOD_SHARES.items(), strict=True)
    current_fy = fiscal_year_of(today)
    through = Consultation.staff.through
    for index, volume in enumerate(YEARLY_VOLUME):
        fy = current_fy - len(YEARLY_VOLUME) + 1 + index
        start, end = fiscal_year_range(fy)
        end = min(end, today)
        if fy == current_fy:  # the current year so far
            volume = int(volume * ((end - start).days + 1) / 365)
        eligible = [
            c for c in clients if c.registered_on <= end and (c.closed_on is None or c.closed_on >= start)
        ]
        rows = []
        for _ in range(volume):
            anonymous = rng.random() < 0.12 or not eligible
            client = None if anonymous else rng.choice(eligible)
            low = max(start, client.registered_on) if client else start
            high = min(end, client.closed_on) if client and client.closed_on else end
            date = low + dt.timedelta(days=rng.randint(0, max(0, (high - low).days)))
            method = rng.choices(methods, weights=weights)[0]
            consulter = (
                Consulter.FAMILY
                if method == Method.PHONE and rng.random() < 0.6
                else rng.choice(list(Consulter))
            )
            if (
                client is None
                and consulter == Consulter.CLIENT
                and method in (Method.HOME_VISIT, Method.ACCOMPANY)
            ):
                method = Method.PHONE
            family = families.get(client.pk) if client else None
            rows.append(
                Consultation(
                    date=date,
                    start_time=dt.time(rng.randint(9, 16), rng.choice([0, 15, 30, 45])),
                    duration_minutes=rng.choice([10, 15, 20, 30, 45, 60, 90]),
                    office=client.office if client else rng.choice(offices),
                    method=method,
                    consulter=consulter,
                    family_member=rng.choice(family) if family and consulter == Consulter.FAMILY else None,
                    client=client,
                    # Anonymous callers usually say where they live: 不明 stays a minority.
                    municipality=client.municipality
                    if client
                    else (rng.choice(served) if rng.random() < 0.65 else None),
                    content=rng.choice(CONTENTS),
                    referral_destination=rng.choice(destinations)
                    if destinations and rng.random() < 0.08
                    else None,
                    follow_up_on=date + dt.timedelta(days=14) if rng.random() < 0.05 else None,
                    follow_up_done=date + dt.timedelta(days=14) < today - dt.timedelta(days=30),
                )
            )
        created = bulk.create_many(Consultation, rows, reason=DEMO_REASON)
        links = []
        for consultation in created:
            staff = staff_by_office.get(consultation.office_id)
            if staff:
                links.append(through(consultation_id=consultation.pk, user_id=rng.choice(staff).pk))
        through.objects.bulk_create(links, batch_size=5000)
        stdout.write(f"  FY{fy}: {len(created)} consultations")


def _make_past_cases(today: dt.date, count: int = 12) -> int:
    """Cases a center closed or lost contact with long ago, now past the retention period (5 years
    by default), with their family and consultations: what 保存期間の満了 lists. Their own random
    stream, so the rest of the demo stays as it was."""
    rng = random.Random(7)
    municipalities = list(Municipality.objects.exclude(jurisdiction=None).select_related("jurisdiction"))
    reasons = list(ClosureReason.objects.all())
    rows, spans = [], []
    for n in range(1, count + 1):
        surname, given = rng.choice(SURNAMES), rng.choice(MALE_NAMES)
        municipality = rng.choice(municipalities)
        registered = today - dt.timedelta(days=365 * 8 + rng.randint(0, 700))
        ended = registered + dt.timedelta(days=rng.randint(90, 400))
        status = ClientStatus.CLOSED if n % 3 else ClientStatus.SUSPENDED
        client = Client(
            case_number=f"D-9{n:03d}",
            name=f"{surname[0]} {given[0]}",
            kana=f"{surname[1]} {given[1]}",
            sex=Sex.MALE,
            birth_date=registered - dt.timedelta(days=365 * rng.randint(18, 45)),
            municipality=municipality,
            office=municipality.jurisdiction,
            withdrawal_period=rng.choice(list(WithdrawalPeriod)),
            status=status,
            closed_on=ended,
            closure_reason=rng.choice(reasons) if reasons and status == ClientStatus.CLOSED else None,
            exit_route=ExitRoute.OTHER if status == ClientStatus.CLOSED else "",
            registered_on=registered,
        )
        client.refresh_search_keys()
        rows.append(client)
        spans.append((registered, ended))
    clients = bulk.create_many(Client, rows, reason=DEMO_REASON)
    family = bulk.create_many(
        FamilyMember,
        [
            FamilyMember(
                client=c,
                name=f"{c.name.split()[0]} {rng.choice(PARENT_NAMES)[0]}",
                relationship=Relationship.MOTHER,
                contact=f"080-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
            )
            for c in clients
        ],
        reason=DEMO_REASON,
    )
    consultations = []
    for client, mother, (start, end) in zip(clients, family, spans, strict=True):
        for _ in range(rng.randint(2, 6)):
            consultations.append(
                Consultation(
                    date=start + dt.timedelta(days=rng.randint(0, (end - start).days)),
                    duration_minutes=rng.choice([15, 30, 60]),
                    office=client.office,
                    method=rng.choice([Method.PHONE, Method.VISIT]),
                    consulter=Consulter.FAMILY,
                    family_member=mother,
                    client=client,
                    municipality=client.municipality,
                    content=rng.choice(CONTENTS),
                )
            )
    bulk.create_many(Consultation, consultations, reason=DEMO_REASON)
    return len(clients)


def _make_intakes() -> int:
    """受付 for each demo client's first consultation, and for some anonymous first calls (most of
    them ending with information only). Its own random stream."""
    from django.db.models import Min

    from .intake import Intake, IntakeRoute, NextStep, Urgency

    rng = random.Random(53)
    firsts = (
        Consultation.objects.filter(client__case_number__startswith="D-")
        .values("client")
        .annotate(first=Min("id"))
    )
    first_ids = [row["first"] for row in firsts]
    anonymous = list(
        Consultation.objects.filter(client__isnull=True).order_by("id").values_list("id", flat=True)[::9]
    )
    rows = []
    for consultation in Consultation.objects.filter(pk__in=first_ids + anonymous).select_related("client"):
        registered = consultation.client_id is not None
        rows.append(
            Intake(
                received_on=consultation.date,
                office_id=consultation.office_id,
                route=IntakeRoute.of(consultation.consulter),
                complaint=consultation.content,
                urgency=rng.choices(list(Urgency), weights=[85, 10, 3, 2])[0],
                next_step=(
                    NextStep.CONTINUE
                    if registered
                    else rng.choices(
                        [NextStep.INFORMATION, NextStep.REFERRAL, NextStep.CONTINUE], weights=[70, 20, 10]
                    )[0]
                ),
                consultation=consultation,
                client=consultation.client,
            )
        )
    return len(bulk.create_many(Intake, rows, reason=DEMO_REASON))
