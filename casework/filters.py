import django_filters
from django.utils.translation import gettext_lazy as _

from cases.filters import JapaneseDateFilter
from hikikomori.models import Office

from .models import CaseMeeting, MeetingKind


class MeetingFilter(django_filters.FilterSet):
    date_from = JapaneseDateFilter(field_name="date", lookup_expr="gte", label=_("開催日（から）"))
    date_to = JapaneseDateFilter(field_name="date", lookup_expr="lte", label=_("開催日（まで）"))
    office = django_filters.ModelChoiceFilter(
        queryset=Office.objects.all(), label=_("拠点"), empty_label=_("すべて")
    )
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices, label=_("種類"), empty_label=_("すべて"))

    class Meta:
        model = CaseMeeting
        fields = ["date_from", "date_to", "office", "kind"]
