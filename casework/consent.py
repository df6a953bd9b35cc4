"""情報共有の同意: recording and withdrawing a client's consent to share their information with
outside agencies, and the rule a case meeting applies to each outside participant."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Client, refuse_anonymised
from cases.services import create_record
from hikikomori import history
from hikikomori.audit import audit
from hikikomori.models import AuditEvent, User

from .models import SharedItem, SharingBasis, SharingConsent


@transaction.atomic
def consent_record(
    *,
    by: User,
    client: Client,
    agencies: str,
    items: Iterable[str],
    given_by: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    note: str = "",
) -> SharingConsent:
    refuse_anonymised(client)
    items = [i for i in SharedItem.values if i in set(items)]
    errors = {}
    if not items:
        errors["items"] = _("共有する内容を1つ以上選んでください。")
    if not [line for line in agencies.splitlines() if line.strip()]:
        errors["agencies"] = _("共有先を入力してください。")
    if valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = _("期限は同意日より後にしてください。")
    if errors:
        raise ValidationError(errors)
    consent = create_record(
        SharingConsent(
            client=client,
            agencies="\n".join(line.strip() for line in agencies.splitlines() if line.strip()),
            items=items,
            given_by=given_by,
            valid_from=valid_from,
            valid_until=valid_until,
            recorded_by=by,
            note=note,
        ),
        by,
    )
    audit(AuditEvent.Action.CREATE, user=by, target="sharing_consent", target_id=consent.pk)
    return consent


@transaction.atomic
def consent_withdraw(*, by: User, consent: SharingConsent, on: dt.date) -> SharingConsent:
    """撤回: from that day the consent covers nothing; what was shared before stays recorded."""
    consent = SharingConsent.objects.select_for_update().select_related("client").get(pk=consent.pk)
    refuse_anonymised(consent.client)
    if consent.withdrawn_on is not None:
        raise ValidationError(_("この同意はすでに撤回されています。"))
    if on < consent.valid_from:
        raise ValidationError(_("撤回日は同意日より後にしてください。"))
    if on > timezone.localdate():
        raise ValidationError(_("未来の日付は指定できません。"))
    consent.withdrawn_on = on
    consent.version += 1
    history.record_by(consent, by)
    consent.save(update_fields=["withdrawn_on", "version"])
    audit(AuditEvent.Action.UPDATE, user=by, target="sharing_consent", target_id=consent.pk, step="withdrawn")
    return consent


def uncovered(clients: Iterable[Client], organisation: str, on: dt.date) -> list[Client]:
    """The clients whose consent in force on `on` does not cover a participant of `organisation`."""
    clients = list(clients)
    consents = SharingConsent.objects.in_force(on).filter(client__in=clients)
    covered = {c.client_id for c in consents if c.covers(organisation, on)}
    return [c for c in clients if c.pk not in covered]


def sharing_basis_for(clients: list[Client], organisation: str, on: dt.date, chosen: str, name: str) -> str:
    """The basis an outside participant receives the clients' information on. Left empty (or set
    to 本人の同意), every client must have a consent covering the organisation; otherwise the
    coordinator names a legal basis, or 共有しない."""
    if chosen and chosen != SharingBasis.CONSENT:
        return chosen
    missing = uncovered(clients, organisation, on)
    if missing:
        raise ValidationError(
            _(
                "%(who)s: %(numbers)s の情報共有の同意（%(organisation)s を含むもの）が記録されていません。"
                "共有の根拠（支援会議など）を選ぶか、「共有しない」を選んでください。"
            )
            % {
                "who": name,
                "numbers": "、".join(c.case_number for c in missing),
                "organisation": organisation or _("所属なし"),
            }
        )
    return SharingBasis.CONSENT
