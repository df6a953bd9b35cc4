"""Time slots of a 市町村相談会: a day offers its slots (e.g. 10:00, 11:00, 13:30), set per day with a
default per municipality. Times are kept as "HH:MM" texts in a list."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_TIMES = ["10:00", "11:00", "13:30"]  # the SPEC's 3 slots a day
# where a day has more slots than its municipality's default, the next ones come from here
MORE_TIMES = ["14:30", "15:30", "16:30", "09:00", "12:00", "17:00", "09:30", "10:30", "11:30", "13:00"]
EARLIEST, LATEST = dt.time(8, 0), dt.time(20, 0)
MOST = 12
_TIME = re.compile(r"^(\d{1,2})[:：時](\d{2})分?$")


def parse_times(text: str) -> list[str]:
    """「10:00, 11:00 13:30」 → ["10:00", "11:00", "13:30"]; a Japanese error for anything else."""
    parts = [p for p in re.split(r"[\s,、，・/]+", unicodedata.normalize("NFKC", text or "").strip()) if p]
    times = set()
    for part in parts:
        match = _TIME.match(part)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValidationError(
                _("「%(part)s」は時刻として読めません（例: 10:00, 13:30）。"), params={"part": part}
            )
        time = dt.time(int(match[1]), int(match[2]))
        if not EARLIEST <= time <= LATEST:
            raise ValidationError(
                _("%(time)s は相談会の時間外です（8:00～20:00）。"), params={"time": f"{time:%H:%M}"}
            )
        times.add(f"{time:%H:%M}")
    if len(times) > MOST:
        raise ValidationError(_("時間枠は1日%(most)s件までです。"), params={"most": MOST})
    return sorted(times)


def times_for(count: int, default: list[str] | None) -> list[str]:
    """`count` slots: the municipality's default times first, then the usual ones."""
    times = []
    for time in [*(default or DEFAULT_TIMES), *DEFAULT_TIMES, *MORE_TIMES]:
        if len(times) >= min(count, MOST):
            break
        if time not in times:
            times.append(time)
    return sorted(times)


def as_time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


class TimesField(forms.CharField):
    """Times of day typed on one line: 10:00, 11:00, 13:30."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return parse_times(super().to_python(value))
