import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.filters import JapaneseDateFilter, StaffFilter, YesNoAll
from hikikomori.models import Office, User

from .models import CaseMeeting, MeetingKind, SupportPlan


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


class ReviewFilter(django_filters.FilterSet):
    office = django_filters.ModelChoiceFilter(
        field_name="client__office",
        queryset=Office.objects.all(),
        label=_("担当拠点"),
        empty_label=_("すべて"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("見直し日を過ぎたものだけ"), method="filter_overdue", widget=YesNoAll()
    )
    primary_worker = StaffFilter(
        field_name="client__primary_worker", queryset=User.objects.none(), label=_("主担当")
    )

    class Meta:
        model = SupportPlan
        fields = ["office", "overdue", "primary_worker"]

    def filter_overdue(self, queryset, name, value):
        late = Q(next_review_on__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)
