"""Check constraints validated without a query.

Django validates each CheckConstraint of a record by asking the database (a query, in its own
savepoint on PostgreSQL). Most of ours compare the record's own fields with constants
(`duration_minutes >= 0`, `method IN (...)`, `x IS NULL OR y IS NOT NULL`): those are evaluated
here in Python with SQL's three-valued logic, with the same message. A condition this does not
understand (an expression, a join, a function) is validated by Django as before. The database
enforces every constraint on write either way."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import router
from django.db.models import CheckConstraint, F, Model, Q

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
    "in": lambda value, allowed: value in allowed,
}


class _Unsupported(Exception):
    """The condition needs the database."""


def _field_value(instance: Model, name: str) -> tuple[str, Any]:
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist as exc:
        raise _Unsupported from exc
    if not field.concrete or field.many_to_many:
        raise _Unsupported
    return field.name, getattr(instance, field.attname)


def _leaf(instance: Model, lookup: str, expected: Any, names: set[str]) -> bool | None:
    name, _, op = lookup.partition("__")
    op = op or "exact"
    if op not in _COMPARE and op != "isnull":
        raise _Unsupported
    field_name, value = _field_value(instance, instance._meta.pk.name if name == "pk" else name)
    names.add(field_name)
    if isinstance(expected, F) and op in _COMPARE and op != "in" and "__" not in expected.name:
        other, expected = _field_value(instance, expected.name)  # another field of the record
        names.add(other)
        if expected is None:
            return None
    elif hasattr(expected, "resolve_expression"):
        raise _Unsupported
    if op == "exact" and expected is None:
        op, expected = "isnull", True
    if op == "isnull":
        return (value is None) is bool(expected)
    if value is None:
        return None  # SQL: a comparison with NULL is unknown
    if op == "in":
        expected = list(expected)
        if any(item is None for item in expected):
            raise _Unsupported
    try:
        return bool(_COMPARE[op](value, expected))
    except TypeError as exc:
        raise _Unsupported from exc


def _evaluate(instance: Model, condition: Q, names: set[str]) -> bool | None:
    """True, False or None (unknown), as SQL would evaluate `condition` on the record."""
    results = []
    for child in condition.children:
        if isinstance(child, Q):
            results.append(_evaluate(instance, child, names))
        elif isinstance(child, tuple) and len(child) == 2:
            results.append(_leaf(instance, child[0], child[1], names))
        else:
            raise _Unsupported
    if condition.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    elif condition.connector == Q.OR:
        result = True if True in results else (None if None in results else False)
    else:
        raise _Unsupported
    if condition.negated and result is not None:
        result = not result
    return result


def check_in_python(constraint: CheckConstraint, instance: Model, exclude: set[str]) -> bool | None:
    """Whether the record satisfies the constraint (an unknown result satisfies it, as in SQL);
    None when the condition needs the database or names an excluded field."""
    if type(constraint) is not CheckConstraint or not isinstance(constraint.condition, Q):
        return None
    names: set[str] = set()
    try:
        result = _evaluate(instance, constraint.condition, names)
    except _Unsupported:
        return None
    if names & exclude:
        return None  # Django skips it: leave that decision to Django
    return result is not False


class ChecksInPython(Model):
    """Mixin for models: validate_constraints evaluates plain check constraints without a query."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ())
        using = router.db_for_write(self.__class__, instance=self)
        errors: dict = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    satisfied = (
                        check_in_python(constraint, self, exclude)
                        if isinstance(constraint, CheckConstraint)
                        else None
                    )
                    if satisfied is None:
                        constraint.validate(model_class, self, exclude=exclude, using=using)
                    elif not satisfied:
                        raise ValidationError(
                            constraint.get_violation_error_message(), code=constraint.violation_error_code
                        )
                except ValidationError as exc:
                    fields = getattr(constraint, "fields", ())
                    if getattr(exc, "code", None) == "unique" and len(fields) == 1:
                        errors.setdefault(fields[0], []).append(exc)
                    else:
                        errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
