"""The database's 年代 (the new interviewees counted in SQL) equals the Python definition on every
date, birthdays and 29 February included."""

import datetime as dt

import pytest
from django.db.models import DateField, Value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Client, age_group
from reports.queries import age_group_on
from tests.records import make_client

dates = st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2030, 12, 31))
edges = st.sampled_from(
    [dt.date(2004, 2, 29), dt.date(1964, 2, 29), dt.date(1990, 12, 31), dt.date(2000, 1, 1)]
)


@pytest.fixture
def person(center):
    return make_client(center)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(birth=st.one_of(dates, edges, st.none()), day=st.one_of(dates, edges))
def test_the_databases_age_group_is_the_pythons(person, birth, day):
    Client.objects.filter(pk=person.pk).update(birth_date=birth)
    found = (
        Client.objects.filter(pk=person.pk)
        .annotate(group=age_group_on("birth_date", Value(day, output_field=DateField())))
        .values_list("group", flat=True)
        .get()
    )
    assert found == age_group(birth, day)
