"""Demo data in the states a center's records reach over the years, written through the services
after every other demo step: merged duplicates, archived and restored consultations, a transfer,
a closed and a reopened case, finalized reports (two versions of one year), the retention list
with some cases anonymised and the rest (and the groups without a client) waiting, and a grant
of access waiting for a supervisor. Every screen is tested on it (tests/test_every_page.py)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from cases import services as cases
from cases.models import Client, ClientLog, ClientStatus, Consultation
from hikikomori import access
from hikikomori.demo import register_demo_step
from hikikomori.fiscal import fiscal_year_of
from hikikomori.models import Office, Role, User
from reports.queries import Scope
from reports.services import report_finalize

from . import services
from .models import Candidate


@register_demo_step
def seed_life_states(*, stdout) -> None:
    if ClientLog.objects.filter(kind=ClientLog.Kind.MERGED, client__case_number__startswith="D-").exists():
        stdout.write("Demo records in later states: already present, left as they are.")
        return
    supervisor = User.objects.filter(groups__name=Role.SUPERVISOR, is_active=True).order_by("pk").first()
    admin = User.objects.filter(groups__name=Role.ADMIN, is_active=True).order_by("pk").first()
    if supervisor is None:
        return
    today = timezone.localdate()
    with transaction.atomic():
        active = list(
            Client.objects.current()
            .filter(
                case_number__startswith="D-0",
                status=ClientStatus.ACTIVE,
                office__memberships__user=supervisor,
            )
            .order_by("pk")[:12]
        )
        if len(active) < 12:
            return
        # duplicates registered twice, found and merged
        for survivor, duplicate in ((active[0], active[1]), (active[2], active[3])):
            cases.client_merge(
                by=supervisor, survivor=survivor, duplicate=duplicate, reason="同一人物の二重登録"
            )
        # consultations entered by mistake: archived, one restored
        # the first of the rest with three consultations (case work may have closed some before)
        consulted = (
            Client.objects.filter(pk__in=[c.pk for c in active[4:]])
            .annotate(n=Count("consultations"))
            .filter(n__gte=3)
            .order_by("pk")
            .first()
        ) or active[4]
        mistaken = list(Consultation.objects.filter(client=consulted).order_by("pk")[:3])
        for consultation in mistaken:
            cases.consultation_archive(
                by=supervisor, consultation=consultation, reason="別の利用者の記録を誤って登録"
            )
        if mistaken:
            cases.consultation_restore(
                by=supervisor, consultation=mistaken[0], reason="正しい利用者の記録だった"
            )
        # a move to another office's area
        other = Office.objects.exclude(pk=active[5].office_id).order_by("sort_order", "pk").first()
        if other is not None:
            cases.client_transfer(by=supervisor, client=active[5], office=other, reason="転居のため")
        # a case closed, and one closed then reopened
        for client in (active[6], active[7]):
            cases.client_close(
                by=supervisor, client=client, status=ClientStatus.SUSPENDED, closed_on=today, reason=None
            )
        cases.client_reopen(by=supervisor, client=active[7], reason="本人から再び連絡があった")
        # last year's report, finalized and finalized again
        last_year = fiscal_year_of(today) - 1
        report_finalize(by=supervisor, scope=Scope(fiscal_year=last_year))
        report_finalize(by=supervisor, scope=Scope(fiscal_year=last_year), reason="3月分の入力漏れを追加")
        # the retention list: some cases anonymised, the rest and the groups still waiting
        services.list_expired(today=today, by=supervisor)
        cases_listed = list(Candidate.objects.filter(kind=Candidate.Kind.CASE).order_by("pk")[:4])
        services.approve(by=supervisor, candidates=cases_listed, reason="保存期間の満了（デモ）")
        # an office asked for in 管理, waiting for a supervisor
        satellite = User.objects.filter(username="satellite").first()
        if admin is not None and satellite is not None:
            center = Office.objects.filter(kind="center").order_by("sort_order", "pk").first()
            if center is not None:
                access.access_request(by=admin, user=satellite, office=center)
    stdout.write(
        "Demo records in later states: 2 merges, 3 archived consultations (1 restored), a transfer, "
        f"a suspended and a reopened case, FY{last_year} finalized twice, "
        f"{len(cases_listed)} cases anonymised after the retention list, an access request waiting"
    )
