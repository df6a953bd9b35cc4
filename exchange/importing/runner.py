"""Running an import: read, validate everything, then write all or nothing."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hikikomori.audit import audit
from hikikomori.fiscal import japanese_date
from hikikomori.models import AuditEvent

from ..models import ImportRun
from .base import Counts, RowError
from .kinds import LABELS, PLANNERS
from .reading import ReadError, read_table

KINDS = tuple(PLANNERS)
MAX_ERROR_LINES = 200


@dataclass
class ImportResult:
    kind: str
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""
    counts: dict[str, Counts] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    rows: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error

    @property
    def error_count(self) -> int:
        return 1 if self.file_error else len(self.errors)

    def error_lines(self, limit: int = MAX_ERROR_LINES) -> list[str]:
        """The first `limit` errors, then one line saying how many more there are."""
        if self.file_error:
            return [self.file_error]
        lines = [str(e) for e in self.errors[:limit]]
        if len(self.errors) > limit:
            lines.append(f"ほか {len(self.errors) - limit:,} 件")
        return lines

    def change_lines(self, limit: int = MAX_ERROR_LINES) -> list[str]:
        """Each update as 「キー: 項目: 旧 → 新」, the first `limit` of them."""
        lines = self.changes[:limit]
        if len(self.changes) > limit:
            lines.append(f"ほか {len(self.changes) - limit:,} 件")
        return lines

    def summary_lines_ja(self) -> list[str]:
        """The same counts for the screens: 「利用者：作成 2・更新 0・変更なし 0」."""
        return [
            f"{label}：作成 {c.created:,}・更新 {c.updated:,}・変更なし {c.unchanged:,}"
            for label, c in self.counts.items()
        ]

    def summary_lines(self) -> list[str]:
        return [
            f"{label}: created {c.created}, updated {c.updated}, unchanged {c.unchanged}"
            for label, c in self.counts.items()
        ]


def file_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def run_import(
    *,
    kind: str,
    content: bytes,
    file_name: str,
    by=None,
    dry_run: bool = False,
    request=None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Validate the whole file; write it only when every row is valid (one transaction)."""
    if kind not in PLANNERS:
        raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    result = ImportResult(kind=kind)
    digest = file_hash(content)
    earlier = ImportRun.objects.filter(sha256=digest).first()
    if earlier is not None:
        at = timezone.localtime(earlier.at)
        result.file_error = (
            f"このファイルは {japanese_date(at.date())} {at:%H:%M} に取り込み済みです（{earlier.file_name}）"
        )
        return result
    try:
        table = read_table(content, file_name)
    except ReadError as exc:
        result.file_error = str(exc)
        return result
    result.rows = len(table.rows)
    with transaction.atomic():
        planner = PLANNERS[kind]
        plan = planner(table, by, progress) if kind == "consultations" else planner(table, by)
        result.errors, result.counts, result.changes = plan.errors, plan.counts, plan.changes
        counts = {label: vars(c) for label, c in result.counts.items()}
        if not result.ok or dry_run:
            if dry_run:
                audit(
                    AuditEvent.Action.IMPORT_PREVIEW,
                    user=by,
                    target=kind,
                    request=request,
                    file=file_name,
                    sha256=digest,
                    rows=result.rows,
                    errors=len(result.errors),
                    counts=counts,
                )
            return result
        assert plan.apply is not None  # every planner sets it when the file is valid
        try:
            with transaction.atomic():
                plan.apply()
        except ValidationError as exc:
            # A rule a planner did not check first: nothing is written, and the user is told.
            result.file_error = "取り込めませんでした（何も登録していません）: " + " ".join(exc.messages)
            return result
        ImportRun.objects.create(
            kind=kind,
            file_name=file_name,
            sha256=digest,
            size=len(content),
            rows=result.rows,
            counts=counts,
            by=by,
        )
        audit(
            AuditEvent.Action.IMPORT,
            user=by,
            target=kind,
            request=request,
            file=file_name,
            sha256=digest,
            rows=result.rows,
            counts=counts,
        )
        result.written = True
    return result


__all__ = ["KINDS", "LABELS", "run_import"]


def confirm_pending(pending, *, by, request=None) -> ImportResult:
    """Import a previewed upload: the import and the removal of the waiting file in one transaction."""
    with transaction.atomic():
        result = run_import(
            kind=pending.kind,
            content=bytes(pending.content),
            file_name=pending.file_name,
            by=by,
            request=request,
        )
        pending.delete()
    return result
