import django_filters
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hikikomori.fiscal import fiscal_year_of, recent_fiscal_years
from hikikomori.forms import JapaneseDateField, StaffSingleChoiceField
from hikikomori.models import Municipality, Office, User
from hikikomori.scoping import visible_offices, workers_visible_to

from .models import AgeGroup, Client, ClientStatus, Consultation, Consulter, Method


class YesNoAll(django_filters.widgets.BooleanWidget):
    """A yes/no filter offers すべて, はい, いいえ (not 不明: blank means no filter)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("すべて")), ("true", _("はい")), ("false", _("いいえ"))]


class JapaneseDateFilter(django_filters.DateFilter):
    field_class = JapaneseDateField


class StaffFilter(django_filters.ModelChoiceFilter):
    field_class = StaffSingleChoiceField


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("検索"), method="filter_text")
    office = django_filters.ModelChoiceFilter(label=_("担当拠点"), queryset=Office.objects.none())
    status = django_filters.ChoiceFilter(label=_("状態"), choices=ClientStatus.choices)
    municipality = django_filters.ModelChoiceFilter(
        label=_("居住市町村"), queryset=Municipality.objects.all()
    )
    age_group = django_filters.ChoiceFilter(
        label=_("年代"), choices=AgeGroup.choices, method="filter_age_group"
    )
    dormant = django_filters.BooleanFilter(label=_("長期未接触"), method="filter_dormant", widget=YesNoAll())
    worker = StaffFilter(label=_("担当（主・副）"), queryset=User.objects.none(), method="filter_worker")
    primary_worker = StaffFilter(label=_("主担当"), queryset=User.objects.none())
    unassigned = django_filters.BooleanFilter(
        label=_("担当者なし"), method="filter_unassigned", widget=YesNoAll()
    )
    registered_from = JapaneseDateFilter(
        label=_("登録日（から）"), field_name="registered_on", lookup_expr="gte"
    )
    registered_to = JapaneseDateFilter(
        label=_("登録日（まで）"), field_name="registered_on", lookup_expr="lte"
    )
    ordering = django_filters.OrderingFilter(
        label=_("並び順"),
        fields=(
            ("case_number", "case_number"),
            ("kana_key", "kana"),
            ("registered_on", "registered_on"),
            ("last_consulted_on", "last_contact"),
        ),
        field_labels={
            "case_number": _("ケース番号"),
            "kana_key": _("フリガナ"),
            "registered_on": _("登録日"),
            "last_consulted_on": _("最終相談日"),
        },
    )

    class Meta:
        model = Client
        fields = [
            "q",
            "office",
            "status",
            "municipality",
            "age_group",
            "dormant",
            "worker",
            "primary_worker",
            "unassigned",
            "registered_from",
            "registered_to",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["office"].queryset = visible_offices(user)
        self.filters["worker"].queryset = workers_visible_to(user)
        self.filters["primary_worker"].queryset = workers_visible_to(user)

    def filter_worker(self, queryset, name, value):
        return queryset.filter(Q(primary_worker=value) | Q(secondary_worker=value)) if value else queryset

    def filter_unassigned(self, queryset, name, value):
        """担当者なし: a case not closed without a 主担当, or whose 主担当 has left (deactivated)
        and was not replaced yet."""
        if value is None:
            return queryset
        unassigned = (Q(primary_worker__isnull=True) | Q(primary_worker__is_active=False)) & ~Q(
            status=ClientStatus.CLOSED
        )
        return queryset.filter(unassigned) if value else queryset.exclude(unassigned)

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_age_group(self, queryset, name, value):
        return queryset.in_age_group(value, timezone.localdate())

    def filter_dormant(self, queryset, name, value):
        dormant = Client.objects.dormant(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=dormant) if value else queryset.exclude(pk__in=dormant)


ALL_YEARS = "all"


def fiscal_year_choices():
    return [
        (ALL_YEARS, _("全期間")),
        *((str(fy), label) for fy, label in recent_fiscal_years(timezone.localdate())),
    ]


class ConsultationFilter(django_filters.FilterSet):
    """Filters of 相談記録; without a chosen year it shows the current fiscal year."""

    fiscal_year = django_filters.ChoiceFilter(
        label=_("年度"), choices=fiscal_year_choices, method="filter_fiscal_year", empty_label=None
    )
    date_from = JapaneseDateFilter(label=_("期間（から）"), field_name="date", lookup_expr="gte")
    date_to = JapaneseDateFilter(label=_("期間（まで）"), field_name="date", lookup_expr="lte")
    office = django_filters.ModelChoiceFilter(label=_("拠点"), queryset=Office.objects.none())
    method = django_filters.ChoiceFilter(label=_("相談方法"), choices=Method.choices)
    consulter = django_filters.ChoiceFilter(label=_("相談者"), choices=Consulter.choices)
    staff = StaffFilter(label=_("担当者"), queryset=User.objects.none())
    client = django_filters.CharFilter(label=_("利用者"), method="filter_client")
    anonymous = django_filters.BooleanFilter(
        label=_("匿名のみ"), field_name="client", lookup_expr="isnull", widget=YesNoAll()
    )
    follow_up_overdue = django_filters.BooleanFilter(
        label=_("次回予定の期限切れ"), method="filter_follow_up_overdue", widget=YesNoAll()
    )

    class Meta:
        model = Consultation
        fields = [
            "fiscal_year",
            "date_from",
            "date_to",
            "office",
            "method",
            "consulter",
            "staff",
            "client",
            "anonymous",
            "follow_up_overdue",
        ]

    def __init__(self, data=None, *args, user, **kwargs):
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("fiscal_year"):
            data["fiscal_year"] = str(fiscal_year_of(timezone.localdate()))
        super().__init__(data, *args, **kwargs)
        offices = visible_offices(user)
        self.filters["office"].queryset = offices
        self.filters["staff"].queryset = User.objects.filter(memberships__office__in=offices).distinct()

    def filter_fiscal_year(self, queryset, name, value):
        return queryset if value == ALL_YEARS else queryset.in_fiscal_year(int(value))

    # Filters the monthly counts of the yearly report's derived data can answer: whole fiscal
    # years (or all of them), office, method, consulter and anonymity.
    MONTHLY = ("fiscal_year", "office", "method", "consulter", "anonymous")

    def monthly_filters(self) -> dict | None:
        """The chosen filters when the monthly counts can total the list, else None."""
        if not self.is_valid():
            return None
        chosen = {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}
        if set(chosen) - set(self.MONTHLY):
            return None
        year = chosen.pop("fiscal_year")
        return chosen | {"fiscal_year": None if year == ALL_YEARS else int(year)}

    def filter_follow_up_overdue(self, queryset, name, value):
        overdue = Q(follow_up_on__lt=timezone.localdate(), follow_up_done=False)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_client(self, queryset, name, value):
        matching = Client.objects.search(value).values("pk")
        return queryset.filter(Q(client__in=matching) | Q(client__case_number=value.strip()))
