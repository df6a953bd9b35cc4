"""Values no record may hold, whatever screen, import or 管理 form they come from (model
validators, so every ModelForm and `full_clean` applies them)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST_BIRTH = dt.date(1900, 1, 1)
MINUTES_PER_DAY = 24 * 60
CONTENT_MAX = 4000
NOTES_MAX = 2000


def not_in_the_future(value: dt.date) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("未来の日付は入力できません。"), code="future")


def plausible_birth_date(value: dt.date) -> None:
    not_in_the_future(value)
    if value and value < EARLIEST_BIRTH:
        raise ValidationError(_("生年月日は1900年1月1日以降にしてください。"), code="too_early")


minutes_within_a_day = MaxValueValidator(
    MINUTES_PER_DAY, message=_("所要時間は1日（1440分）以内で入力してください。")
)
content_length = MaxLengthValidator(
    CONTENT_MAX, message=_("%(limit_value)s文字以内にしてください（いま%(show_value)s文字）。")
)
notes_length = MaxLengthValidator(
    NOTES_MAX, message=_("%(limit_value)s文字以内にしてください（いま%(show_value)s文字）。")
)
