"""Changes to clients and consultations: typed, keyword-only, one transaction each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hikikomori import bulk, history
from hikikomori.audit import audit
from hikikomori.models import AuditEvent, Office, User
from hikikomori.scoping import workers_for

from . import changes
from .models import (
    Client,
    ClientLog,
    ClientStatus,
    ClosureReason,
    Consultation,
    ExitRoute,
    FamilyMember,
    ReferralDestination,
    refuse_anonymised,
)


class ConflictError(Exception):
    """Someone else saved the record since it was opened (a version check failed)."""


def save_with_version(instance, expected_version: int | None, fields: Iterable[str]) -> None:
    """Save only if nobody saved the record since `expected_version` was read."""
    model = type(instance)
    if expected_version is None:
        expected_version = instance.version
    updated = model.objects.filter(pk=instance.pk, version=expected_version).update(version=F("version") + 1)
    if updated != 1:
        raise ConflictError
    instance.version = expected_version + 1
    instance.save(update_fields=[*fields, "version", "updated_at"])


def check_consultation_rules(
    *,
    date: dt.date,
    office: Office,
    staff: Iterable[User],
    duration_minutes,
    today=None,
    memberships: set[tuple[int, int]] | None = None,
) -> None:
    """Rules every consultation obeys, whatever screen or import it comes from. An import passes
    every (user id, office id) membership, read once, instead of a query per staff member."""
    today = today or timezone.localdate()
    errors = {}
    if date > today:
        errors["date"] = _("未来の日付は記録できません。")
    if duration_minutes is not None and duration_minutes < 0:
        errors["duration_minutes"] = _("所要時間は0分以上で入力してください。")

    def belongs(user) -> bool:
        if memberships is not None:
            return (user.pk, office.pk) in memberships
        return office.pk in member_office_ids(user)

    outsiders = [u for u in staff if not belongs(u) and not u.is_supervisor]
    if outsiders:
        names = "、".join(u.display_name for u in outsiders)
        errors["office"] = _("%(names)s はこの拠点に所属していません。") % {"names": names}
    if errors:
        raise ValidationError(errors)


def member_office_ids(user: User) -> set[int]:
    """The offices `user` belongs to, read once per user object (the form's check and the
    service's check of the same save ask twice)."""
    cached = user.__dict__.get("_member_office_ids")
    if cached is None and "member_offices" in user.__dict__:  # read with the user (forms.staff_for)
        cached = {int(pk) for pk in (user.__dict__["member_offices"] or "").split(",") if pk}
    if cached is None:
        cached = set(user.memberships.values_list("office_id", flat=True))
    user.__dict__["_member_office_ids"] = cached
    return cached


def _loaded_relations(instance) -> list[str]:
    """Relations given as records read from the database: their existence needs no query again."""
    return [
        name
        for name, value in instance._state.fields_cache.items()
        if value is not None and value.pk is not None
    ]


def consultation_record(
    *,
    by: User,
    office: Office,
    date: dt.date,
    method: str,
    consulter: str,
    staff: Iterable[User] = (),
    client: Client | None = None,
    family_member: FamilyMember | None = None,
    **fields,
) -> Consultation:
    staff = list(staff) or [by]
    check_consultation_rules(
        date=date, office=office, staff=staff, duration_minutes=fields.get("duration_minutes")
    )
    if family_member is not None and (client is None or family_member.client_id != client.pk):
        raise ValidationError({"family_member": _("この利用者の家族を選んでください。")})
    from_client = []  # fields taken from a client read from the database: they exist
    if fields.get("municipality") is None and client is not None:
        fields.pop("municipality", None)
        fields["municipality_id"] = client.municipality_id
        from_client.append("municipality")
    consultation = Consultation(
        office=office,
        date=date,
        method=method,
        consulter=consulter,
        client=client,
        family_member=family_member,
        created_by=by,
        **fields,
    )
    consultation.full_clean(exclude=["staff", *_loaded_relations(consultation), *from_client])
    # Every check above only read: the writes below are part of the caller's transaction (a
    # request's, an import's) or their own, without a savepoint between them.
    with transaction.atomic(savepoint=False):
        with changes.announcing_later(consultation):  # the report's data follows once, with the staff
            history.create_with_many(consultation, by, staff=staff)
        changes.announce_created(consultation, [user.pk for user in staff])
    return consultation


@transaction.atomic
def consultation_update(
    *, by: User, consultation: Consultation, version: int, staff: Iterable[User], **fields
) -> Consultation:
    staff = list(staff)
    for name, value in fields.items():
        setattr(consultation, name, value)
    check_consultation_rules(
        date=consultation.date,
        office=consultation.office,
        staff=staff,
        duration_minutes=consultation.duration_minutes,
    )
    consultation.full_clean(exclude=["staff"])
    history.record_by(consultation, by)
    with changes.announced_together():
        save_with_version(consultation, version, fields)
        consultation.staff.set(staff)
    return consultation


@transaction.atomic
def consultation_archive(*, by: User, consultation: Consultation, reason: str) -> None:
    """A record entered by mistake leaves every list and statistic; it is kept, with the reason,
    and a supervisor can restore it."""
    if not reason.strip():
        raise ValidationError({"reason": _("アーカイブの理由を入力してください。")})
    consultation.archived_at = timezone.now()
    consultation.archive_reason = reason.strip()
    history.record_by(consultation, by)
    consultation.save(update_fields=["archived_at", "archive_reason", "updated_at"])
    # the reason stays in the record (which anonymisation scrubs), never in the audit log
    audit(AuditEvent.Action.ARCHIVE, user=by, target="consultation", target_id=consultation.pk)


@transaction.atomic
def consultation_restore(*, by: User, consultation: Consultation, reason: str) -> Consultation:
    """Undo an archive (supervisors): the record counts again."""
    if consultation.archived_at is None:
        raise ValidationError(_("この相談記録はアーカイブされていません。"))
    if not reason.strip():
        raise ValidationError({"reason": _("戻す理由を入力してください。")})
    consultation.archived_at = None
    consultation.archive_reason = ""
    consultation.restore_reason = reason.strip()
    history.record_by(consultation, by)
    consultation.save(update_fields=["archived_at", "archive_reason", "restore_reason", "updated_at"])
    audit(AuditEvent.Action.RESTORE, user=by, target="consultation", target_id=consultation.pk)
    return consultation


@transaction.atomic
def consultation_follow_up_done(*, by: User, consultation: Consultation) -> Consultation:
    consultation.follow_up_done = True
    history.record_by(consultation, by)
    consultation.save(update_fields=["follow_up_done", "updated_at"])
    return consultation


@transaction.atomic
def consultation_attach_client(*, by: User, consultation: Consultation, client: Client) -> Consultation:
    """An anonymous first contact turns out to be a registered client."""
    refuse_anonymised(client, "client")
    if consultation.client_id is not None:
        raise ValidationError(_("この相談はすでに利用者に紐づいています。"))
    consultation.client = client
    if consultation.municipality_id is None:
        consultation.municipality = client.municipality
    history.record_by(consultation, by)
    consultation.save(update_fields=["client", "municipality", "updated_at"])
    ClientLog.objects.create(
        client=client, kind=ClientLog.Kind.LINKED, by=by, detail={"consultation": consultation.pk}
    )
    return consultation


def create_record(record, by: User | None):
    """A new record through the door: the model's validation, its history row attributed to the
    user, then the save. Two people saving the same unique value at the same instant both pass
    validation; the one who loses the race at the database gets the same Japanese error the
    validation gives (checked again once the winner has committed), never a 500."""
    record.full_clean()
    history.record_by(record, by)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        record.pk = None
        record._state.adding = True
        record.validate_unique()
        record.validate_constraints()
        raise  # not a uniqueness race: a real fault
    return record


@transaction.atomic
def client_create(*, by: User, **fields) -> Client:
    client = create_record(Client(**fields), by)
    audit(AuditEvent.Action.CREATE, user=by, target="client", target_id=client.pk)
    return client


@transaction.atomic
def client_update(*, by: User, client: Client, version: int, **fields) -> Client:
    for name, value in fields.items():
        setattr(client, name, value)
    client.full_clean()
    history.record_by(client, by)
    save_with_version(client, version, [*fields, "search_key", "kana_key"])
    audit(AuditEvent.Action.UPDATE, user=by, target="client", target_id=client.pk, fields=sorted(fields))
    return client


# Checks a case must pass before it is closed (終結), registered by the apps built on cases (case
# work asks for the last plan's evaluation); each raises ValidationError with a Japanese message.
CLOSING_CHECKS: list[Callable[[Client], None]] = []


def register_closing_check(check: Callable[[Client], None]) -> Callable[[Client], None]:
    CLOSING_CHECKS.append(check)
    return check


@transaction.atomic
def client_close(
    *,
    by: User,
    client: Client,
    status: str,
    closed_on: dt.date,
    reason: ClosureReason | None,
    note: str = "",
    exit_route: str = "",
    exit_destination: ReferralDestination | None = None,
) -> Client:
    """終結 (with where the person went when it is known: a つなぎ先, work, school, a place to be,
    other; unknown counts as 不明 in 終結の状況) or 中断."""
    refuse_anonymised(client)
    if status not in (ClientStatus.CLOSED, ClientStatus.SUSPENDED):
        raise ValidationError(_("終結または中断を選んでください。"))
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("未来の日付は指定できません。")})
    if status == ClientStatus.SUSPENDED:
        exit_route, exit_destination = "", None
    elif exit_route == ExitRoute.REFERRAL and exit_destination is None:
        raise ValidationError({"exit_destination": _("つなぎ先を選んでください。")})
    elif exit_route != ExitRoute.REFERRAL:
        exit_destination = None
    if status == ClientStatus.CLOSED:
        for check in CLOSING_CHECKS:
            check(client)
    client.status, client.closed_on, client.closure_reason = status, closed_on, reason
    client.exit_route, client.exit_destination = exit_route, exit_destination
    history.record_by(client, by)
    save_with_version(
        client, client.version, ["status", "closed_on", "closure_reason", "exit_route", "exit_destination"]
    )
    kind = ClientLog.Kind.CLOSED if status == ClientStatus.CLOSED else ClientLog.Kind.SUSPENDED
    ClientLog.objects.create(
        client=client,
        kind=kind,
        by=by,
        reason=note,
        detail={"closed_on": closed_on.isoformat(), "reason": str(reason or ""), "exit": exit_route},
    )
    return client


@transaction.atomic
def client_reopen(*, by: User, client: Client, reason: str) -> Client:
    refuse_anonymised(client)
    if client.is_active:
        raise ValidationError(_("支援中の利用者は再開できません。"))
    if not reason.strip():
        raise ValidationError({"reason": _("再開の理由を入力してください。")})
    previous = client.status
    client.status, client.closed_on, client.closure_reason = ClientStatus.ACTIVE, None, None
    client.exit_route, client.exit_destination = "", None
    history.record_by(client, by)
    save_with_version(
        client, client.version, ["status", "closed_on", "closure_reason", "exit_route", "exit_destination"]
    )
    ClientLog.objects.create(
        client=client, kind=ClientLog.Kind.REOPENED, by=by, reason=reason, detail={"from": previous}
    )
    return client


@transaction.atomic
def client_transfer(*, by: User, client: Client, office: Office, reason: str = "") -> Client:
    """Move a client to another office; past consultations stay with the office that held them."""
    refuse_anonymised(client)
    if office.pk == client.office_id:
        raise ValidationError({"office": _("現在と同じ拠点です。")})
    previous = client.office
    client.office = office
    # a worker who may not see the new office's clients hands the case over (担当者なし until then)
    eligible = set(workers_for(office).values_list("pk", flat=True))
    if client.primary_worker_id not in eligible:
        client.primary_worker = None
    if client.secondary_worker_id not in eligible:
        client.secondary_worker = None
    history.record_by(client, by)
    save_with_version(client, client.version, ["office", "primary_worker", "secondary_worker"])
    ClientLog.objects.create(
        client=client,
        kind=ClientLog.Kind.TRANSFERRED,
        by=by,
        reason=reason,
        detail={"from": previous.name, "to": office.name},
    )
    audit(AuditEvent.Action.TRANSFER, user=by, target="client", target_id=client.pk, to=office.name)
    return client


@transaction.atomic
def client_merge(*, by: User, survivor: Client, duplicate: Client, reason: str = "") -> Client:
    """Two records of one person: consultations and family move to the survivor."""
    refuse_anonymised(survivor)
    refuse_anonymised(duplicate)
    if not reason.strip():
        raise ValidationError({"reason": _("統合の理由を入力してください。")})
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("同じ利用者同士は統合できません。"))
    if duplicate.merged_into_id is not None:
        raise ValidationError(_("この利用者はすでに統合されています。"))
    locked = {c.pk: c for c in Client.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])}
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    moved_consultations = list(duplicate.consultations.values_list("pk", flat=True))
    moved_family = list(duplicate.family.values_list("pk", flat=True))
    Consultation.objects.filter(pk__in=moved_consultations).update(client=survivor)
    changes.announce_clients([survivor.pk, duplicate.pk])  # the UPDATE bypasses the signals
    FamilyMember.objects.filter(pk__in=moved_family).update(client=survivor)
    for field in ("kana", "birth_date", "municipality", "referral_route"):
        if not getattr(survivor, field) and getattr(duplicate, field):
            setattr(survivor, field, getattr(duplicate, field))
    history.record_by(survivor, by)
    survivor.save()
    duplicate.merged_into = survivor
    duplicate.archived_at = timezone.now()
    history.record_by(duplicate, by)
    duplicate.save(update_fields=["merged_into", "archived_at", "updated_at"])
    detail = {
        "survivor": survivor.case_number,
        "duplicate": duplicate.case_number,
        "consultations": moved_consultations,
        "family": moved_family,
    }
    ClientLog.objects.create(client=survivor, kind=ClientLog.Kind.MERGED, by=by, reason=reason, detail=detail)
    ClientLog.objects.create(
        client=duplicate, kind=ClientLog.Kind.MERGED, by=by, reason=reason, detail=detail
    )
    audit(AuditEvent.Action.MERGE, user=by, target="client", target_id=survivor.pk, duplicate=duplicate.pk)
    return survivor


def next_case_number(office: Office) -> str:
    """The ケース番号 that follows the office's latest one in its own pattern (K-0041 → K-0042,
    2024-015 → 2024-016), skipping numbers already taken. An office with a 接頭辞 and no number of
    that pattern yet starts at 接頭辞 + 0001 (or after the highest number of that prefix); "" when
    the office has neither."""
    import re

    numbered = Client.objects.filter(case_number__regex=r"\d+$").order_by("-created_at", "-id")
    prefix = office.case_number_prefix
    if prefix:
        numbered = numbered.filter(case_number__regex=rf"^{re.escape(prefix)}\d+$")
    latest = (
        numbered.filter(office=office).values_list("case_number", flat=True).first()
        or (numbered.values_list("case_number", flat=True).first() if prefix else None)
        or (f"{prefix}0000" if prefix else None)
    )
    if latest is None:
        return ""
    match = re.match(r"^(.*?)(\d+)$", latest)
    if match is None:
        return ""
    prefix, digits = match[1], match[2]
    number = int(digits)
    while True:
        number += 1
        candidate = f"{prefix}{number:0{len(digits)}d}"
        if not Client.objects.filter(case_number=candidate).exists():
            return candidate


def likely_duplicates(
    clients, *, name: str, kana: str = "", birth_date=None, exclude_pk=None
) -> list[Client]:
    """Registered clients who are probably this person: the same name with 異体字 folded (宮﨑 is
    宮崎), or the same normalised フリガナ and birth date. `clients` is what the user may see."""
    from .text import normalize_name

    name_key, kana_key = normalize_name(name), normalize_name(kana)
    condition = Q(search_key__endswith=f"|{name_key}") if name_key else Q(pk__in=[])
    if kana_key and birth_date:
        condition |= Q(kana_key=kana_key, birth_date=birth_date)
    found = clients.current().filter(condition)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return list(found.select_related("office").order_by("case_number")[:10])


def merge_overview(clients: list[Client]) -> list[tuple[str, list]]:
    """What a person compares before merging: the fields side by side, and what each record holds."""
    counts = {
        c["pk"]: c
        for c in Client.objects.filter(pk__in=[c.pk for c in clients])
        .annotate(
            n_consultations=Count("consultations", distinct=True), n_family=Count("family", distinct=True)
        )
        .values("pk", "n_consultations", "n_family")
    }
    fields = [
        (_("ケース番号"), lambda c: c.case_number),
        (_("氏名"), lambda c: c.name),
        (_("フリガナ"), lambda c: c.kana),
        (_("生年月日"), lambda c: c.birth_date),
        (_("居住市町村"), lambda c: c.municipality or ""),
        (_("担当拠点"), lambda c: c.office),
        (_("登録日"), lambda c: c.registered_on),
        (_("状態"), lambda c: c.status),
        (_("相談記録"), lambda c: counts[c.pk]["n_consultations"]),
        (_("家族"), lambda c: counts[c.pk]["n_family"]),
    ]
    return [(label, [value(c) for c in clients]) for label, value in fields]


def duplicate_candidates(clients) -> list[list[Client]]:
    """Groups of current clients who are probably one person (a few queries, whatever the size):
    the same normalised フリガナ and birth date; or the same name (異体字 folded) where a record has
    no birth date to tell them apart, as the intake warning finds them."""
    current = clients.current()
    dated = current.exclude(kana_key="").exclude(birth_date__isnull=True)
    keys = {
        (row["kana_key"], row["birth_date"])
        for row in dated.values("kana_key", "birth_date").annotate(n=Count("id")).filter(n__gt=1)
    }
    by_key: dict[tuple, list[int]] = {}
    if keys:
        candidates = dated.filter(kana_key__in={k for k, _ in keys}, birth_date__in={d for _, d in keys})
        for pk, kana_key, birth_date in candidates.values_list("pk", "kana_key", "birth_date"):
            if (kana_key, birth_date) in keys:
                by_key.setdefault(("kana", kana_key, str(birth_date)), []).append(pk)
    by_name: dict[str, list[tuple[int, bool]]] = {}
    for pk, search_key, birth_date in current.values_list("pk", "search_key", "birth_date").iterator():
        name_key = search_key.rpartition("|")[2]
        if name_key:
            by_name.setdefault(name_key, []).append((pk, birth_date is None))
    for name_key, members in by_name.items():
        if len(members) > 1 and any(undated for _, undated in members):
            pks = [pk for pk, _ in members]
            if not any(set(pks) <= set(group) for group in by_key.values()):
                by_key[("name", name_key, "")] = pks
    if not by_key:
        return []
    wanted = {pk for pks in by_key.values() for pk in pks}
    found = {c.pk: c for c in Client.objects.filter(pk__in=wanted).select_related("office")}
    groups = [
        sorted((found[pk] for pk in pks), key=lambda c: (c.registered_on or dt.date.min, c.pk))
        for _, pks in sorted(by_key.items())
    ]
    return groups


@transaction.atomic
def family_member_add(*, by: User, client: Client, **fields) -> FamilyMember:
    member = FamilyMember(client=client, **fields)
    member.full_clean()
    history.record_by(member, by)
    member.save()
    return member


IMPORT_REASON = "一括登録"


def clients_import(
    *,
    by: User | None,
    creates: list[Client],
    updates: list[Client],
    fields: list[str],
    transfers: dict[int, Office],
    status_changes: dict[int, str] | None = None,
) -> None:
    """An import's clients, validated by its plan: history and versions like the screens, and a
    transfer log for each client the file moved to another office (`transfers`: old office)."""
    bulk.create_many(Client, creates, by=by, reason=IMPORT_REASON)
    bulk.update_many(Client, updates, fields, by=by, reason=IMPORT_REASON)
    changes.announce_clients(c.pk for c in updates)  # the bulk update bypasses the signals
    kinds: dict[str, str] = {
        ClientStatus.CLOSED: ClientLog.Kind.CLOSED,
        ClientStatus.SUSPENDED: ClientLog.Kind.SUSPENDED,
    }
    ClientLog.objects.bulk_create(
        [
            ClientLog(
                client=client,
                kind=kinds.get(client.status, ClientLog.Kind.REOPENED),
                by=by,
                reason=IMPORT_REASON,
                detail={
                    "from": old,
                    "closed_on": client.closed_on.isoformat() if client.closed_on else None,
                    "via": "import",
                },
            )
            for client in updates
            if (old := (status_changes or {}).get(client.pk)) is not None
        ],
        batch_size=bulk.BATCH,
    )
    ClientLog.objects.bulk_create(
        [
            ClientLog(
                client=client,
                kind=ClientLog.Kind.TRANSFERRED,
                by=by,
                reason=IMPORT_REASON,
                detail={"from": transfers[client.pk].name, "to": client.office.name, "via": "import"},
            )
            for client in updates
            if client.pk in transfers
        ],
        batch_size=bulk.BATCH,
    )


def consultations_import(
    *,
    by: User | None,
    creates: list[tuple[Consultation, list[User] | None]],
    updates: list[tuple[Consultation, list[User] | None]],
    fields: list[str],
) -> None:
    """An import's consultations, checked by `check_consultation_rules` in its plan: history,
    versions and staff like the screens. An update's staff None leaves its staff unchanged."""
    through = Consultation.staff.through
    touched = changes.consultation_keys(c.pk for c, _ in updates)  # as they were before
    made = bulk.create_many(Consultation, [c for c, _ in creates], by=by, reason=IMPORT_REASON)
    through.objects.bulk_create(
        [
            through(consultation_id=c.pk, user_id=u.pk)
            for c, (_, staff) in zip(made, creates, strict=True)
            for u in staff or []
        ],
        batch_size=bulk.BATCH,
    )
    bulk.update_many(Consultation, [c for c, _ in updates], fields, by=by, reason=IMPORT_REASON)
    restaffed = [(c, staff) for c, staff in updates if staff is not None]
    if restaffed:
        through.objects.filter(consultation__in=[c for c, _ in restaffed]).delete()
        through.objects.bulk_create(
            [through(consultation_id=c.pk, user_id=u.pk) for c, staff in restaffed for u in staff],
            batch_size=bulk.BATCH,
        )
    # Bulk writes bypass the signals: refresh the report's derived data of everything touched.
    written = [c for c, _ in creates] + [c for c, _ in updates]
    changes.announce_consultations(touched + [(c.client_id, c.office_id, c.date) for c in written])


def families_import(
    *, by: User | None, creates: list[FamilyMember], updates: list[FamilyMember], fields: list[str]
) -> None:
    """An import's family members, validated by its plan, with change history."""
    bulk.create_many(FamilyMember, creates, by=by, reason=IMPORT_REASON)
    bulk.update_many(FamilyMember, updates, fields, by=by, reason=IMPORT_REASON)


@transaction.atomic
def clients_hand_over(*, by: User, clients: Iterable[Client], to: User, memo: str) -> int:
    """引継ぎ: `to` becomes 主担当 of every client in one step (staff rotate in April), with a
    required memo kept in each client's log and history. Every client must be one `to` may
    carry; nothing changes otherwise. Returns how many changed hands."""
    memo = (memo or "").strip()
    if not memo:
        raise ValidationError({"memo": _("引継ぎメモを入力してください。")})
    clients = list(Client.objects.select_for_update().filter(pk__in=[c.pk for c in clients]).order_by("pk"))
    eligible = {}
    for client in clients:
        refuse_anonymised(client)
        if client.office_id not in eligible:
            eligible[client.office_id] = set(workers_for(client.office_id).values_list("pk", flat=True))
    outside = [c.case_number for c in clients if to.pk not in eligible[c.office_id]]
    if outside:
        raise ValidationError(
            {"to": _("%(name)s さんは次の利用者を担当できません（担当拠点の職員ではありません）: %(numbers)s")
             % {"name": to.display_name, "numbers": "、".join(outside[:10])}}
        )  # fmt: skip
    changed = 0
    for client in clients:
        if client.primary_worker_id == to.pk:
            continue
        previous = client.primary_worker
        client.primary_worker = to
        if client.secondary_worker_id == to.pk:
            client.secondary_worker = previous if previous and previous.is_active else None
        setattr(client, "_change_reason", _("担当の引継ぎ"))  # noqa: B010 - simple-history's documented attribute
        history.record_by(client, by)
        save_with_version(client, client.version, ["primary_worker", "secondary_worker"])
        ClientLog.objects.create(
            client=client,
            kind=ClientLog.Kind.HANDED_OVER,
            by=by,
            reason=memo,
            detail={"from": previous.display_name if previous else "", "to": to.display_name},
        )
        audit(
            AuditEvent.Action.UPDATE, user=by, target="client", target_id=client.pk, fields=["primary_worker"]
        )
        changed += 1
    return changed
