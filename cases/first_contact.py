"""受付 and the first call on one screen: the services behind 相談を記録's 「初めての相談」, built on
the write door of cases.services (validation, history, versions and audit as everywhere)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hikikomori.audit import audit
from hikikomori.models import AuditEvent, Office, User
from hikikomori.scoping import workers_for

from .intake import Intake, IntakeRoute
from .models import Client, Consultation
from .services import client_create, consultation_record, create_record, family_member_add, next_case_number


@transaction.atomic
def intake_record(*, by: User | None, consultation: Consultation, **fields) -> Intake:
    """受付 for a first consultation: its day, office, route (from who consulted) and, unless
    given, its 主訴 from the consultation's note."""
    if hasattr(consultation, "intake"):
        raise ValidationError(_("この相談にはすでに受付が記録されています。"))
    fields.setdefault("complaint", consultation.content)
    intake = Intake(
        received_on=consultation.date,
        office=consultation.office,
        route=IntakeRoute.of(consultation.consulter),
        consultation=consultation,
        client=consultation.client,
        created_by=by,
        **fields,
    )
    create_record(intake, by)
    audit(AuditEvent.Action.CREATE, user=by, target="intake", target_id=intake.pk)
    return intake


@transaction.atomic
def first_call_record(
    *,
    by: User,
    consultation: dict,
    new_client: dict | None = None,
    new_family: dict | None = None,
    intake: dict | None = None,
) -> Consultation:
    """The first call on one screen: the person it is about registered (主担当: the one who took
    the call), the caller as their family member, the consultation, and its 受付 — one
    transaction through the same services as each screen, so all or nothing is stored."""
    client = consultation.pop("client", None)
    if new_client:
        office = consultation["office"]
        client = client_create(
            by=by,
            case_number=new_client.get("case_number")
            or next_case_number(office)
            or _fallback_case_number(office),
            name=new_client["name"],
            kana=new_client.get("kana", ""),
            office=office,
            registered_on=consultation["date"],
            primary_worker=by if workers_for(office).filter(pk=by.pk).exists() else None,
        )
    family_member = consultation.pop("family_member", None)
    if new_family:
        if client is None:
            raise ValidationError(
                {"new_family_name": _("家族を登録するには、利用者を選ぶか登録してください。")}
            )
        family_member = family_member_add(by=by, client=client, **new_family)
    recorded = consultation_record(by=by, client=client, family_member=family_member, **consultation)
    if intake is not None or new_client:
        intake_record(by=by, consultation=recorded, **(intake or {}))
    return recorded


def _fallback_case_number(office: Office) -> str:
    """For an office without numbers yet: its first, by year."""
    year = timezone.localdate().year
    n = Client.objects.filter(case_number__startswith=f"{year}-").count() + 1
    while Client.objects.filter(case_number=f"{year}-{n:03d}").exists():
        n += 1
    return f"{year}-{n:03d}"
