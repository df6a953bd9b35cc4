"""Check constraints evaluated in Python (hikikomori.constraints) give the database's verdict on
every combination of the values that matter, for every check constraint of the project; and a
save validates them without a query."""

import datetime as dt
import itertools

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import CheckConstraint, F, Q
from django.test.utils import CaptureQueriesContext

from hikikomori.constraints import ChecksInPython, check_in_python

pytestmark = pytest.mark.django_db


def _names(condition: Q) -> set[str]:
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _names(child)
        else:
            lookup, value = child
            names.add(lookup.split("__")[0])
            if isinstance(value, F):
                names.add(value.name)
    return names


def _candidates(field) -> list:
    if field.choices:
        values = [value for value, _ in field.flatchoices] + ["", "ほか"]
    elif isinstance(field, models.ForeignKey):
        values = [1]
    elif isinstance(field, models.IntegerField):
        values = [-5, 0, 3, 7]
    elif isinstance(field, models.DateField):
        values = [dt.date(2024, 4, 1), dt.date(2024, 6, 1), dt.date(2025, 1, 1)]
    elif isinstance(field, models.TimeField):
        values = [dt.time(10), dt.time(11), dt.time(13, 30)]
    elif isinstance(field, models.CharField):
        values = ["", "家族", "coordinator"]
    else:
        raise AssertionError(f"no candidates for {field}")
    return ([None] if field.null else []) + values


CHECKS = [
    (model, constraint)
    for model in apps.get_models()
    if issubclass(model, ChecksInPython)
    for constraint in model._meta.constraints
    if isinstance(constraint, CheckConstraint)
]


def test_every_models_check_constraints_are_checked_without_the_database_where_they_can_be():
    assert {model.__name__ for model, _ in CHECKS} >= {"Consultation", "Client", "Session", "MunicipalDay"}


@pytest.mark.parametrize("model, constraint", CHECKS, ids=[c.name for _, c in CHECKS])
def test_the_python_verdict_is_the_databases_on_every_combination(model, constraint):
    fields = [model._meta.get_field(name) for name in sorted(_names(constraint.condition))]
    combinations = list(itertools.product(*[_candidates(field) for field in fields]))
    decided = 0
    for values in combinations:
        instance = model()
        for field, value in zip(fields, values, strict=True):
            setattr(instance, field.attname, value)
        verdict = check_in_python(constraint, instance, set())
        try:
            constraint.validate(model, instance)
            database = True
        except ValidationError:
            database = False
        assert verdict in (None, database), (
            constraint.name,
            dict(zip([f.name for f in fields], values, strict=True)),
        )
        decided += verdict is not None
    assert decided == len(combinations)  # every one of ours is plain enough to need no query


def test_a_consultation_breaking_a_check_gets_its_message_without_a_query(center):
    from cases.models import Consultation

    consultation = Consultation(office=center, date=dt.date(2024, 5, 1), method="電話", consulter="本人")
    consultation.duration_minutes = -10
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as refused:
        consultation.validate_constraints()
    assert "所要時間は0分以上で入力してください。" in str(refused.value)
    assert len(queries) == 0
