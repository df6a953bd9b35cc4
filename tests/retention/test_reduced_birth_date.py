"""The birth date an anonymised record keeps answers every counted question as the real one did
(年代 on each date it was counted, 就職氷河期世代) and is the same for everyone those answers fit."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from cases.models import ICE_AGE_BORN_FROM, ICE_AGE_BORN_TO, age_group
from retention.services import reduced_birth_date

births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31))
days = st.lists(
    st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2026, 12, 31)), min_size=1, max_size=12
)


def _ice_age(day):
    return ICE_AGE_BORN_FROM <= day <= ICE_AGE_BORN_TO


@given(births, days)
def test_every_counted_age_group_and_the_generation_stay_the_same(birth, counted):
    counted = [d for d in counted if d >= birth] or [birth]
    reduced = reduced_birth_date(birth, counted)
    assert reduced is not None and reduced >= dt.date(1900, 1, 1)
    assert [age_group(reduced, d) for d in counted] == [age_group(birth, d) for d in counted]
    assert _ice_age(reduced) == _ice_age(birth)


@given(births, births, days)
def test_two_people_counted_alike_keep_the_same_date(one, other, counted):
    counted = [d for d in counted if d >= max(one, other)]
    alike = [age_group(one, d) for d in counted] == [age_group(other, d) for d in counted]
    if counted and alike and _ice_age(one) == _ice_age(other):
        assert reduced_birth_date(one, counted) == reduced_birth_date(other, counted)


def test_a_person_never_counted_keeps_no_birth_date():
    assert reduced_birth_date(dt.date(1990, 5, 5), []) is None
    assert reduced_birth_date(None, [dt.date(2024, 5, 1)]) is None


def test_a_birthday_between_two_counted_dates_is_kept_only_to_that_interval():
    # 29 on 2024-05-01, 30 on 2024-06-01: the 30th birthday lies in May 1994's window
    reduced = reduced_birth_date(dt.date(1994, 5, 20), [dt.date(2024, 5, 1), dt.date(2024, 6, 1)])
    assert dt.date(1994, 5, 2) <= reduced <= dt.date(1994, 6, 1)
