from django import forms
from django.core.validators import MaxValueValidator
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from cases.forms import ClientLookupField, client_search_widget
from cases.models import Relationship
from hikikomori import slots
from hikikomori.forms import JapaneseDateField
from hikikomori.models import Municipality, Office
from hikikomori.scoping import default_office, offices_for_recording, visible_offices

from .models import EventParticipants, HostType, MunicipalDay, OutreachEvent, Program, Session
from .rules import RuleError, parse_rule

TIME = forms.TimeInput(attrs={"placeholder": "14:00"}, format="%H:%M")


class ScopedOfficeMixin:
    def limit_offices(self, user):
        self.fields["office"].queryset = offices_for_recording(
            user, self.instance.office if self.instance.pk else None
        )
        self.fields["office"].empty_label = None
        if not self.instance.pk:
            self.fields["office"].initial = default_office(user)


class SessionForm(ScopedOfficeMixin, forms.ModelForm):
    date = JapaneseDateField(label=_("開催日"))

    class Meta:
        model = Session
        fields = [
            "program",
            "office",
            "date",
            "start_time",
            "end_time",
            "venue",
            "theme",
            "online_offices",
            "notes",
        ]
        widgets = {
            "start_time": TIME,
            "end_time": TIME,
            "online_offices": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_offices(user)
        self.fields["program"].queryset = Program.objects.filter(is_active=True)
        self.fields["online_offices"].queryset = Office.objects.all()

    def clean(self):
        """An end before the start is the 終了時刻's error: the field is marked and focused."""
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("終了時刻は開始時刻より後にしてください。"))
        return data


class CancelForm(forms.Form):
    cancel_reason = forms.CharField(label=_("中止理由"), max_length=200)


class GenerateForm(forms.Form):
    program = forms.ModelChoiceField(label=_("プログラム"), queryset=Program.objects.filter(is_active=True))
    office = forms.ModelChoiceField(label=_("拠点"), queryset=Office.objects.none(), empty_label=None)
    fiscal_year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    rule = forms.CharField(
        label=_("開催ルール"),
        help_text=_("例: 第2・第4火曜日 14:00-16:00、第3木曜日 14:00-16:00、毎週水曜日"),
    )
    venue = forms.CharField(label=_("会場"), required=False)
    online_offices = forms.ModelMultipleChoiceField(
        label=_("オンライン参加拠点"),
        queryset=Office.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, fiscal_years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices_for_recording(user)
        self.fields["office"].initial = default_office(user)
        self.fields["fiscal_year"].choices = fiscal_years

    def clean_rule(self):
        try:
            return parse_rule(self.cleaned_data["rule"])
        except RuleError as exc:
            raise forms.ValidationError(str(exc)) from exc


class AddFamilyAttendeeForm(forms.Form):
    """A family member not yet registered, added from the attendance screen."""

    name = forms.CharField(label=_("家族の氏名"), max_length=100)
    relationship = forms.ChoiceField(label=_("続柄"), choices=Relationship.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"] = ClientLookupField(user=user, label=_("利用者"), widget=client_search_widget())
        self.order_fields(["client", "name", "relationship"])

    def clean_client(self):
        client = self.cleaned_data["client"]
        if client is None:
            raise forms.ValidationError(_("どの利用者の家族かを選んでください。"))
        return client


class MunicipalDayForm(ScopedOfficeMixin, forms.ModelForm):
    date = JapaneseDateField(label=_("実施日"))
    slot_times = slots.TimesField(
        label=_("時間枠"),
        required=False,
        help_text=_("例: 10:00, 11:00, 13:30（1枠に1件の予約）。空欄は市町村の既定の時間枠です。"),
    )

    class Meta:
        model = MunicipalDay
        fields = ["date", "municipality", "host_type", "office", "slot_times", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_offices(user)
        self.fields["municipality"].queryset = Municipality.objects.exclude(code=None)


class ReservationForm(forms.Form):
    """A reservation takes one free slot of the day."""

    time = forms.TypedChoiceField(
        label=_("時間枠"),
        coerce=slots.as_time,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("空いている時間枠から選んでください。")},
    )
    name = forms.CharField(label=_("予約者（匿名・未登録の場合）"), required=False, max_length=100)

    def __init__(self, *args, user, slot_times=(), free_times=(), **kwargs):
        super().__init__(*args, **kwargs)
        # any slot of the day is accepted (one taken meanwhile is refused by name by the service);
        # only the free ones are offered
        self.fields["time"].choices = [(t, t) for t in slot_times]
        self.fields["time"].widget.choices = [(t, t) for t in free_times]
        self.fields["client"] = ClientLookupField(
            user=user, label=_("利用者（空欄は匿名・未登録）"), widget=client_search_widget()
        )
        self.fields["family"] = forms.BooleanField(label=_("家族が相談する"), required=False)
        self.order_fields(["time", "client", "family", "name"])


class OutcomeForm(forms.Form):
    duration_minutes = forms.IntegerField(label=_("所要時間（分）"), min_value=0, required=False)
    content = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CaseConferenceForm(forms.Form):
    notes = forms.CharField(label=_("ケース会議の内容"), widget=forms.Textarea(attrs={"rows": 2}))


class EventForm(ScopedOfficeMixin, forms.ModelForm):
    date = JapaneseDateField(label=_("実施日"))

    class Meta:
        model = OutreachEvent
        fields = ["kind", "date", "title", "format", "office", "health_area", "organizer", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_offices(user)


ParticipantFormSet = inlineformset_factory(
    OutreachEvent, EventParticipants, fields=["category", "count"], extra=4, can_delete=True
)


class ListFilterForm(forms.Form):
    """The query of the outreach lists (?fy=2024&office=1&program=2&host_type=…), parsed: a value
    that is not a choice is reported in Japanese and the list falls back to its default."""

    fy = forms.IntegerField(label=_("年度"), required=False, min_value=1989)
    office = forms.ModelChoiceField(label=_("拠点"), queryset=Office.objects.none(), required=False)
    program = forms.ModelChoiceField(label=_("プログラム"), queryset=Program.objects.all(), required=False)
    host_type = forms.ChoiceField(
        label=_("形態"), choices=[("", "")] + list(HostType.choices), required=False
    )

    def __init__(self, data, *, user):
        super().__init__(data)
        from django.utils import timezone

        from hikikomori.fiscal import fiscal_year_of

        self.current_year = fiscal_year_of(timezone.localdate())
        self.fields["fy"].validators.append(MaxValueValidator(self.current_year + 1))
        self.fields["office"].queryset = visible_offices(user)
        self.is_valid()

    def value(self, name):
        return self.cleaned_data.get(name) if name not in self.errors else None

    @property
    def fiscal_year(self) -> int:
        return self.value("fy") or self.current_year

    def error_text(self) -> str:
        return " ".join(
            f"{self.fields[name].label}: {error}" for name, errors in self.errors.items() for error in errors
        )
