"""The one door to office-owned data: who may see which records.

A coordinator sees the records of the offices they belong to; a supervisor sees every office.
System admins manage master data and accounts but do not read case records unless they are
also supervisors. Views fetch records only through these helpers: another office's record
answers 404, exactly like a record that does not exist, and a missing role answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Office, Role, User


def can_read_cases(user: User) -> bool:
    """Coordinators and supervisors work with case records; nobody else does."""
    return user.is_authenticated and (user.has_role(Role.SUPERVISOR) or user.has_role(Role.COORDINATOR))


def sees_all_offices(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.SUPERVISOR)


def visible_offices(user: User) -> QuerySet[Office]:
    """Offices whose records the user may see and record for."""
    if not can_read_cases(user):
        return Office.objects.none()
    if sees_all_offices(user):
        return Office.objects.all()
    return Office.objects.filter(memberships__user=user).distinct()


def offices_for_recording(user: User, current: Office | None = None) -> QuerySet[Office]:
    """Offices a new record may be filed under: the user's offices that are open today (one not
    yet opened or already closed is not offered). An existing record keeps its own office."""
    from django.db.models import Q
    from django.utils import timezone

    offices = visible_offices(user)
    open_ids = offices.open_on(timezone.localdate()).values("pk")
    condition = Q(pk__in=open_ids) | (Q(pk=current.pk) if current is not None else Q(pk__in=[]))
    return Office.objects.filter(condition)


def workers_for(office: Office | int | None) -> QuerySet[User]:
    """Who may carry a client of `office` (主担当・副担当): active coordinators and supervisors who
    belong to that office, and supervisors of any office (they see every office)."""
    from django.db.models import Q

    if office is None:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__name__in=[Role.COORDINATOR, Role.SUPERVISOR], memberships__office=office)
            | Q(groups__name=Role.SUPERVISOR, memberships__isnull=False)
        )
        .distinct()
    )


def workers_visible_to(user: User) -> QuerySet[User]:
    """Staff who may carry the clients this user sees (主担当・副担当 choices, the 担当 filter):
    active coordinators and supervisors of the user's offices, in name order."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__office__in=visible_offices(user),
            groups__name__in=[Role.COORDINATOR, Role.SUPERVISOR],
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def default_office(user: User) -> Office | None:
    """Where the user records by default: the primary office, or the first of theirs that is open."""
    offices = offices_for_recording(user)
    primary = user.primary_office
    if primary is not None and offices.filter(pk=primary.pk).exists():
        return primary
    return offices.first()


def visible_office_list(user: User) -> list[Office]:
    """The offices the user may see, read once per request's user (a center has a handful)."""
    cache = getattr(user, "_visible_office_list", None)
    if cache is None:
        cache = list(visible_offices(user))
        user._visible_office_list = cache
    return cache


def visible_office_ids(user: User) -> list[int]:
    return [office.pk for office in visible_office_list(user)]


def office_for_recording(user: User, pk, current: Office | None = None) -> Office | None:
    """The office with this pk if a new record may be filed under it (as offices_for_recording
    decides), from the offices already read for the user; None otherwise."""
    from django.utils import timezone

    if current is not None and str(current.pk) == str(pk):
        return current
    today = timezone.localdate()
    return next(
        (
            office
            for office in visible_office_list(user)
            if str(office.pk) == str(pk) and office.is_open_on(today)
        ),
        None,
    )


def scope(queryset: QuerySet, user: User, office_field: str = "office") -> QuerySet:
    """Limit a queryset of office-owned records to what the user may see."""
    if not can_read_cases(user):
        return queryset.none()
    if sees_all_offices(user):
        return queryset
    return queryset.filter(**{f"{office_field}__in": visible_office_ids(user)})


def get_for_user(queryset: QuerySet, user: User, office_field: str = "office", **lookup) -> Model:
    """One record the user may see, or 404 (the same answer as for a missing record)."""
    try:
        return scope(queryset, user, office_field).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def require_role(*roles: str) -> Callable:
    """Decorator for views a role may use: 403 for everyone else (login is checked globally)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not any(request.user.has_role(role) for role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def require_case_access(view: Callable) -> Callable:
    """Decorator for case screens: coordinators and supervisors only."""
    return require_role(Role.COORDINATOR, Role.SUPERVISOR)(view)
