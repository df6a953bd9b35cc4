"""The import kinds of SPEC §6 (and case work's): each validates the whole file into a Plan
first; the plan's `apply` then writes in bulk (the caller holds the transaction). The planners
live one module per family of records; the columns, labels and shared helpers in columns.py."""

from __future__ import annotations

from collections.abc import Callable

from . import casework_kinds
from .base import Plan
from .columns import COLUMNS, LABELS, municipality_of  # noqa: F401  (imported from here by callers)
from .consultations import plan_consultations
from .outreach import plan_attendance, plan_events, plan_municipal_days, plan_reservations, plan_sessions
from .people import FamilyLookup, family_label, plan_clients, plan_families  # noqa: F401

PLANNERS: dict[str, Callable[..., Plan]] = {
    "clients": plan_clients,
    "families": plan_families,
    "consultations": plan_consultations,
    "sessions": plan_sessions,
    "attendance": plan_attendance,
    "municipal_days": plan_municipal_days,
    "reservations": plan_reservations,
    "events": plan_events,
}


# Case work (casework_kinds): assessments, plans and meetings, after the kinds they name.
COLUMNS |= casework_kinds.COLUMNS
LABELS |= casework_kinds.LABELS
PLANNERS |= casework_kinds.PLANNERS
