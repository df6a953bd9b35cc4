"""Web相談's writes: receiving a request from the public form (within the rate limits), and a
coordinator recording it as a 受付 and a consultation (through cases' services) or closing it."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import jpholiday
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.first_contact import first_call_record
from cases.models import Consultation
from hikikomori.audit import audit
from hikikomori.models import AuditEvent, Municipality, Office, User
from outreach.services import reservation_book

from .models import PublicHit, RequestStatus, WebRequest

PER_ADDRESS_PER_HOUR = 5
ALL_PER_HOUR = 120
HITS_KEPT = dt.timedelta(days=1)


class TooMany(Exception):
    """The public form has been sent too often (from this address, or by everyone)."""


def address_key(ip: str | None) -> str:
    """A keyed hash of the sender's address: enough to count, nothing to read back."""
    return hmac.new(settings.SECRET_KEY.encode(), (ip or "").encode(), hashlib.sha256).hexdigest()


def due_date(received: dt.datetime) -> dt.date:
    """対応期限: the next working day after the day it came — not a weekend, a public holiday or
    a day of the center's 休業期間 (年末年始 and what 管理 adds)."""
    from outreach.models import ClosurePeriod

    closures = list(ClosurePeriod.objects.all())
    day = timezone.localtime(received).date() + dt.timedelta(days=1)
    while day.weekday() >= 5 or jpholiday.is_holiday(day) or any(c.covers(day) for c in closures):
        day += dt.timedelta(days=1)
    return day


def office_for(municipality: Municipality | None) -> Office:
    """The office that serves the municipality, or the center."""
    if municipality is not None and municipality.jurisdiction_id:
        return municipality.jurisdiction
    center = Office.objects.filter(kind=Office.Kind.CENTER).order_by("sort_order", "pk").first()
    return center or Office.objects.order_by("sort_order", "pk").first()


def count_hit(address: str) -> None:
    """Count one sending of the form; refuse it (TooMany) past the limits. Hits are rows in the
    database, so every app host counts the same; the address's rows are locked while counted."""
    now = timezone.now()
    hour_ago = now - dt.timedelta(hours=1)
    with transaction.atomic():
        PublicHit.objects.filter(at__lt=now - HITS_KEPT).delete()
        mine = list(PublicHit.objects.select_for_update().filter(address=address, at__gte=hour_ago))
        if (
            len(mine) >= PER_ADDRESS_PER_HOUR
            or PublicHit.objects.filter(at__gte=hour_ago).count() >= ALL_PER_HOUR
        ):
            raise TooMany
        PublicHit.objects.create(address=address, at=now)


@transaction.atomic
def request_receive(**fields) -> WebRequest:
    """A request from the public form, filed under the office serving the person's municipality."""
    request = WebRequest(**fields)
    request.received_at = timezone.now()
    request.due_on = due_date(request.received_at)
    request.office = office_for(request.municipality)
    request.full_clean()
    request.save()
    return request


def _locked(request: WebRequest) -> WebRequest:
    locked = WebRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.NEW:
        raise ValidationError(
            _("このWeb相談はすでに対応済みです（%(status)s）。") % {"status": locked.get_status_display()}
        )
    return locked


@transaction.atomic
def request_record(
    *, by: User, request: WebRequest, consultation: dict, new_client: dict | None = None, book: bool = False
) -> Consultation:
    """The request becomes the 受付 and a consultation of the coordinator's choosing (about an
    existing client, a new one, or anonymous): counted in the yearly report once, like any other."""
    request = _locked(request)
    recorded = first_call_record(
        by=by, consultation=consultation, new_client=new_client, intake={"complaint": request.trouble}
    )
    if book and request.wished_day_id:
        # The same door as a phone booking: the day's lock, its 予約枠 and its time slots.
        request.reservation = reservation_book(
            by=by,
            day=request.wished_day,
            time=request.wished_time,
            client=recorded.client,
            by_family=request.writer == "家族",
            name=""
            if recorded.client
            else (request.name or _("Web相談 %(n)s") % {"n": request.receipt_number}),
        )
    request.status = RequestStatus.RECORDED
    request.consultation = recorded
    request.handled_by, request.handled_at = by, timezone.now()
    request.full_clean()
    request.save()
    audit(AuditEvent.Action.UPDATE, user=by, target="web_request", target_id=request.pk)
    return recorded


@transaction.atomic
def request_close(*, by: User, request: WebRequest, status: str, reason: str) -> WebRequest:
    """Closed without a consultation: 対応不要 or 迷惑な送信, with the reason."""
    if status not in (RequestStatus.NOT_NEEDED, RequestStatus.SPAM):
        raise ValidationError({"status": _("対応不要か迷惑な送信を選んでください。")})
    if not reason.strip():
        raise ValidationError({"reason": _("理由を入力してください。")})
    request = _locked(request)
    request.status, request.closed_reason = status, reason.strip()
    request.handled_by, request.handled_at = by, timezone.now()
    request.full_clean()
    request.save()
    audit(AuditEvent.Action.UPDATE, user=by, target="web_request", target_id=request.pk)
    return request


KEPT = dt.timedelta(days=365)  # the privacy notice's promise: a year


@transaction.atomic
def forget_old_requests(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """A year after they came: requests that never became a consultation (new, 対応不要, 迷惑) are
    deleted; recorded ones lose what the sender wrote and how to reach them (the 受付 and the
    consultation keep what the case needs, under the case's own retention). Returns (deleted,
    emptied)."""
    cutoff = (now or timezone.now()) - KEPT
    old = WebRequest.objects.filter(received_at__lt=cutoff)
    deleted, _ = old.exclude(status=RequestStatus.RECORDED).delete()
    emptied = (
        old.filter(status=RequestStatus.RECORDED)
        .exclude(trouble="", name="", phone="", email="")
        .update(trouble="", name="", phone="", email="", closed_reason="")
    )
    if deleted or emptied:
        audit(AuditEvent.Action.ANONYMISE, target="web_request", rows=deleted + emptied)
    return deleted, emptied
