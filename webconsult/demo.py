"""Demo Web相談 in every state a center sees: new, overdue, recorded as a consultation, closed."""

import datetime as dt
from itertools import zip_longest

from django.db import transaction
from django.utils import timezone

from hikikomori.demo import register_demo_step
from hikikomori.models import Municipality, Role, User

from . import services
from .forms import free_slots
from .models import WebRequest

REQUESTS = [
    (
        "家族",
        "20代",
        "電話",
        "息子が大学をやめてから2年、部屋から出てきません。どうしたらよいでしょうか。",
        0,
    ),
    ("本人", "30代", "メール", "仕事をやめてから外に出るのがこわいです。だれかと話したい。", 1),
    ("家族", "40代", "連絡不要", "弟のことで、いつか相談したいと思っています。", 4),
    ("関係機関", "10代", "電話", "不登校の生徒について、卒業後の相談先を知りたいです。", 6),
    ("その他", "不明", "来所", "近所の方のことで気になっています。", 9),
]


@register_demo_step
def seed_web_requests(*, stdout) -> None:
    if WebRequest.objects.exists():
        stdout.write("Demo Web相談: already present, left as they are.")
        return
    # towns of every office in turn (so each office's coordinators see requests), the last one
    # sent without a municipality (filed under the center)
    by_office: dict[int, list] = {}
    for town in Municipality.objects.exclude(jurisdiction=None).order_by("jurisdiction__sort_order", "pk"):
        by_office.setdefault(town.jurisdiction_id, []).append(town)
    towns = [town for row in zip_longest(*by_office.values()) for town in row if town][: len(REQUESTS) - 1]
    towns.append(None)
    now = timezone.now()
    with transaction.atomic():
        made = []
        for (writer, age, contact, trouble, days_ago), town in zip(REQUESTS, towns, strict=False):
            details = {"name": "母", "phone": "090-0000-0000"} if contact == "電話" else {}
            if contact == "メール":
                details = {"email": "demo@example.jp"}
            web = services.request_receive(
                writer=writer, age_band=age, municipality=town, trouble=trouble, contact=contact, **details
            )
            received = now - dt.timedelta(days=days_ago, hours=2)
            WebRequest.objects.filter(pk=web.pk).update(
                received_at=received, due_on=services.due_date(received)
            )
            web.refresh_from_db()
            made.append(web)
        # the first one wishes a slot of an upcoming municipal consultation day, as the public sees them
        if made and (free := free_slots()):
            day, times = free[0]
            WebRequest.objects.filter(pk=made[0].pk).update(
                wished_day=day, wished_time=dt.time.fromisoformat(times[0])
            )
        recorded = made[3]
        coordinator = (
            User.objects.filter(
                groups__name=Role.COORDINATOR, is_active=True, memberships__office=recorded.office
            )
            .order_by("pk")
            .first()
        )
        if coordinator is not None:
            office = recorded.office
            services.request_record(
                by=coordinator, request=recorded,
                consultation={
                    "office": office, "date": timezone.localtime(recorded.received_at).date(),
                    "method": "メール・その他", "consulter": "関係機関", "client": None,
                    "staff": [coordinator], "content": "Web相談より。卒業後の相談先を案内した。",
                    "municipality": recorded.municipality,
                },
            )  # fmt: skip
            services.request_close(by=coordinator, request=made[4], status="迷惑", reason="内容のない送信")
    stdout.write(f"Demo Web相談: {WebRequest.objects.count()} (new, overdue, recorded, closed)")
